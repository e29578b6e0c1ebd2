"""Profile settings, users, versions and workflow tags of specs/osmo.yaml.

A profile is a pure function of (seed, user) until the user saves settings; a POST keeps the
saved fields in the state overlay (entity `profiles`, keyed by user), and later reads merge them
over the generated profile. Roles and pools come from the x-osmo-roles and x-osmo-allowed-pools
headers as in the real service; without them the mock answers as the deployment's gateway would
for a signed-in user (role osmo-user, and osmo-admin for the default developer; every pool).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from specmock.generators import Context, values
from specmock_apis.osmo import generators
from specmock_apis.osmo.data import catalog

ENTITY = "profiles"
PROFILE_FIELDS = ("username", "email_notification", "slack_notification", "pool")
SERVICE_VERSION = ("6", "2", "0")  # major, minor, revision of the OSMO release the mock imitates


def user_of(ctx: Context) -> str:
    """Whose profile a request reads or writes: the x-osmo-user header, else the signed-in developer."""
    return ctx.params.get("x-osmo-user") or catalog.CURRENT_USER


def _split(header: str | None) -> list[str] | None:
    if not header:
        return None
    return [part.strip() for part in header.split(",") if part.strip()]


def stored_profile(ctx: Context, user: str) -> dict[str, Any]:
    """The user's profile: generated, with the fields the user saved on top."""
    rng = ctx.rng("profile", user)
    profile = {
        "username": user,
        "email_notification": rng.chance(0.7, "email"),
        "slack_notification": rng.chance(0.4, "slack"),
        "pool": rng.choice(catalog.pools(ctx), "pool"),
    }
    return {**profile, **(ctx.entity(ENTITY).get(user) or {})}


@generators.operation("get_notification_settings_api_profile_settings_get")
def get_settings(ctx: Context) -> dict[str, Any]:
    """GET /api/profile/settings: the profile, roles, pools and the access token in use."""
    user = user_of(ctx)
    roles = _split(ctx.params.get("x-osmo-roles"))
    if roles is None:
        roles = ["osmo-user", "osmo-admin"] if user == catalog.CURRENT_USER else ["osmo-user"]
    pools = _split(ctx.params.get("x-osmo-allowed-pools"))
    token_name = ctx.params.get("x-osmo-token-name")
    token = None
    if token_name:
        days = ctx.rng("token", user, token_name).integer(1, 90, "expires")
        expires = ctx.now.replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=days)
        token = {"name": token_name, "expires_at": expires.isoformat().replace("+00:00", "Z")}
    return {
        "profile": stored_profile(ctx, user),
        "roles": roles,
        "pools": list(catalog.pools(ctx)) if pools is None else pools,
        "token": token,
    }


@generators.operation("set_notification_settings_api_profile_settings_post")
def set_settings(ctx: Context) -> None:
    """POST /api/profile/settings: keep the given (non-null) fields for this user; answers null."""
    user = user_of(ctx)
    body = ctx.body or {}
    # as the real service: only fields that are set, and the username stays the caller's
    changes = {k: body[k] for k in PROFILE_FIELDS if k != "username" and body.get(k) is not None}
    ctx.entity(ENTITY).update(user, lambda saved: {**(saved or {}), **changes})
    return None


@generators.operation("get_users_api_users_get")
def get_users(ctx: Context) -> list[str]:
    """GET /api/users: every user that submits workflows."""
    return list(catalog.users(ctx))


@generators.operation("get_available_workflow_tags_api_tag_get")
def get_tags(ctx: Context) -> dict[str, list[str]]:
    """GET /api/tag: the tags workflows may carry."""
    return {"tags": list(catalog.TAGS)}


def version(ctx: Context) -> dict[str, str]:
    """The service version; the build hash is the seed's, like one deployment's."""
    major, minor, revision = SERVICE_VERSION
    return {
        "major": major,
        "minor": minor,
        "revision": revision,
        "hash": values.hex_digest(ctx.rng("version"), "hash", 7),
    }


@generators.operation("get_version_api_version_get")
def get_version(ctx: Context) -> dict[str, str]:
    """GET /api/version: the service's version."""
    return version(ctx)


@generators.operation("get_osmo_client_version_client_version_get")
def get_client_version(ctx: Context) -> dict[str, str]:
    """GET /client/version: the newest client, which is the service's own version when none is configured."""
    return version(ctx)
