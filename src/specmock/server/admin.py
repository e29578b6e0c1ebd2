"""The admin API under /_specmock/: settings, state, the request log, the specs.

It answers only on loopback unless a token is configured; with a token, every call needs
`Authorization: Bearer <token>`, from anywhere.
"""

from __future__ import annotations

import hmac
import json
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from specmock.errors import SpecmockError
from specmock.server.problems import problem
from specmock.server.serialize import to_json

if TYPE_CHECKING:
    from specmock.server.dispatch import Dispatcher

LOOPBACK = ("127.0.0.1", "::1", "localhost", "testclient")


def _refused(request: Request, token: str | None) -> Response | None:
    if token is not None:
        given = request.headers.get("authorization", "")
        if hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
            return None
        return problem(401, "Admin token required", "send Authorization: Bearer <token> (see --admin-token)")
    host = request.client.host if request.client else ""
    if host in LOOPBACK or host.startswith("127."):
        return None
    return problem(403, "Admin API is loopback-only", f"{host} is not loopback; start with --admin-token to allow it")


def _json(value: Any, status: int = 200) -> Response:
    return Response(to_json(value), status_code=status, media_type="application/json")


async def _body(request: Request) -> Any:
    try:
        return json.loads(await request.body() or b"{}")
    except json.JSONDecodeError as exc:
        raise SpecmockError(f"request body is not JSON: {exc}") from None


def _limit(request: Request) -> int:
    text = request.query_params.get("limit", "50")
    try:
        return int(text)
    except ValueError:
        raise SpecmockError(f"limit: {text!r} is not a whole number") from None


def admin_routes(dispatcher: Dispatcher) -> list[BaseRoute]:
    """The /_specmock routes bound to one dispatcher."""

    async def guarded(request: Request, action: Callable[[], Awaitable[Response]]) -> Response:
        refused = _refused(request, dispatcher.settings.admin_token)
        if refused is not None:
            return refused
        try:
            dispatcher.sync()  # another worker may have changed the settings this call shows or changes
            return await action()
        except SpecmockError as exc:
            return problem(400, "Bad admin request", exc.message)

    async def get_config(request: Request) -> Response:
        async def act() -> Response:
            return _json({**dispatcher.settings.to_json(), "apis": _apis(dispatcher)})

        return await guarded(request, act)

    async def patch_config(request: Request) -> Response:
        async def act() -> Response:
            changes = await _body(request)
            if not isinstance(changes, dict):
                raise SpecmockError("send a JSON object of settings to change")
            dispatcher.configure(changes)
            return _json({**dispatcher.settings.to_json(), "apis": _apis(dispatcher)})

        return await guarded(request, act)

    async def reset(request: Request) -> Response:
        async def act() -> Response:
            dispatcher.store.reset()
            dispatcher.reset()
            return _json({"reset": True})

        return await guarded(request, act)

    async def export_state(request: Request) -> Response:
        async def act() -> Response:
            return _json(dispatcher.store.export())

        return await guarded(request, act)

    async def import_state(request: Request) -> Response:
        async def act() -> Response:
            snapshot = await _body(request)
            if not isinstance(snapshot, dict):
                raise SpecmockError("send a state snapshot as exported by GET /_specmock/state")
            dispatcher.store.load(snapshot)
            return _json({"imported": True})

        return await guarded(request, act)

    async def requests(request: Request) -> Response:
        async def act() -> Response:
            return _json([line._asdict() for line in dispatcher.served(_limit(request))])

        return await guarded(request, act)

    async def spec(request: Request) -> Response:
        # the document as written (bundled), servers and all; readable by anyone who can reach /docs
        api = request.path_params["api"]
        runtime = dispatcher.apis.get(api)
        if runtime is None:
            return problem(404, "No such API", f"{api!r} is not served (served: {', '.join(dispatcher.apis)})")
        return _json(runtime.spec.document)

    return [
        Route("/_specmock/config", get_config, methods=["GET"]),
        Route("/_specmock/config", patch_config, methods=["PATCH"]),
        Route("/_specmock/reset", reset, methods=["POST"]),
        Route("/_specmock/state", export_state, methods=["GET"]),
        Route("/_specmock/state", import_state, methods=["PUT"]),
        Route("/_specmock/requests", requests, methods=["GET"]),
        Route("/_specmock/specs/{api}", spec, methods=["GET"]),
    ]


def _apis(dispatcher: Dispatcher) -> dict[str, Any]:
    return {
        name: {"mount": rt.mount, "operations": len(rt.operations), "volumes": rt.volumes(dispatcher.settings)}
        for name, rt in dispatcher.apis.items()
    }
