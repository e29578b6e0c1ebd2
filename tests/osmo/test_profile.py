"""OSMO profile settings, users, versions and tags: answers conform to specs/osmo.yaml; saved
settings are read back for their user only; bad bodies are the spec's 422."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from specmock.spec.verdicts import SpecValidator
from specmock_apis.osmo.data import catalog
from tests.osmo.conftest import client_for, conforms

SETTINGS = "/api/profile/settings"


@pytest.fixture
def c(client: TestClient) -> TestClient:
    """The module's server with every earlier test's writes forgotten (the admin API's reset)."""
    assert client.post("/_specmock/reset").status_code in (200, 204)
    return client


@pytest.mark.parametrize(("seed", "users"), [(0, 10), (1, 40), (2, 400)])
def test_every_answer_conforms(seed: int, users: int) -> None:
    with client_for(seed, users=users) as one:
        check = SpecValidator(one.app.state.specmock.apis["osmo"].spec.document)  # type: ignore[attr-defined]
        names = one.get("/api/users").json()
        assert len(names) == users and len(set(names)) == users and names[0] == catalog.CURRENT_USER
        for headers in (
            {},
            {"x-osmo-user": names[-1]},
            {"x-osmo-user": "ana", "x-osmo-roles": "osmo-user,team-lead", "x-osmo-token-name": "ci-token"},
        ):
            response = one.get(SETTINGS, headers=headers)
            assert response.status_code == 200 and conforms(check, response) == [], headers
        posted = one.post(SETTINGS, json={"slack_notification": True, "email_notification": None})
        assert posted.status_code == 200 and posted.json() is None and conforms(check, posted) == []
        for path in ("/api/users", "/api/version", "/client/version", "/api/tag"):
            response = one.get(path)
            assert response.status_code == 200 and conforms(check, response) == [], path


def test_a_saved_setting_is_read_back_for_its_user_only(c: TestClient) -> None:
    before = {user: c.get(SETTINGS, headers={"x-osmo-user": user}).json()["profile"] for user in ("ana", "ben")}
    pool = catalog.pool_names(3, 50)[7]
    wanted = not before["ana"]["email_notification"]
    saved = c.post(SETTINGS, json={"email_notification": wanted, "pool": pool}, headers={"x-osmo-user": "ana"})
    assert saved.status_code == 200
    ana = c.get(SETTINGS, headers={"x-osmo-user": "ana"}).json()["profile"]
    assert ana == {**before["ana"], "email_notification": wanted, "pool": pool}
    assert c.get(SETTINGS, headers={"x-osmo-user": "ben"}).json()["profile"] == before["ben"]
    # a later save changes only what it sets; null means "leave it"
    c.post(SETTINGS, json={"slack_notification": True, "pool": None}, headers={"x-osmo-user": "ana"})
    again = c.get(SETTINGS, headers={"x-osmo-user": "ana"}).json()["profile"]
    assert again == {**ana, "slack_notification": True}
    # without the header, the request is the signed-in developer's
    c.post(SETTINGS, json={"slack_notification": False})
    assert c.get(SETTINGS).json()["profile"]["slack_notification"] is False
    assert c.get(SETTINGS).json()["profile"]["username"] == catalog.CURRENT_USER
    assert c.post("/_specmock/reset").status_code in (200, 204)
    assert c.get(SETTINGS, headers={"x-osmo-user": "ana"}).json()["profile"] == before["ana"]


def test_a_bad_body_is_a_422_naming_the_field(c: TestClient) -> None:
    bad = c.post(SETTINGS, json={"email_notification": "maybe"})
    assert bad.status_code == 422
    assert bad.json()["detail"][0]["loc"] == ["body", "email_notification"]
    bad = c.post(SETTINGS, json={"pool": 7}, headers={"x-osmo-user": "ana"})
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"] == ["body", "pool"]
    missing = c.post(SETTINGS, content=b"", headers={"content-type": "application/json"})
    assert missing.status_code == 422 and missing.json()["detail"][0]["loc"] == ["body"]
    before = c.get(SETTINGS, headers={"x-osmo-user": "ana"}).json()
    assert before["profile"]["pool"] in catalog.pool_names(3, 50)  # the rejected body changed nothing


def test_roles_pools_and_token_follow_the_headers(c: TestClient) -> None:
    headers = {
        "x-osmo-user": "ana",
        "x-osmo-roles": "osmo-user,team-lead",
        "x-osmo-allowed-pools": " pool-a, pool-b ,",
        "x-osmo-token-name": "ci-token",
    }
    body = c.get(SETTINGS, headers=headers).json()
    assert body["roles"] == ["osmo-user", "team-lead"]
    assert body["pools"] == ["pool-a", "pool-b"]
    assert body["token"]["name"] == "ci-token" and body["token"]["expires_at"] > "2026-06-01"
    default = c.get(SETTINGS).json()
    assert default["roles"] == ["osmo-user", "osmo-admin"] and default["token"] is None
    assert default["pools"] == list(catalog.pool_names(3, 50))
    assert c.get(SETTINGS, headers={"x-osmo-user": "ben"}).json()["roles"] == ["osmo-user"]


def test_users_own_the_workflows_and_datasets_and_tags_are_the_workflows(c: TestClient) -> None:
    users = c.get("/api/users").json()
    assert users == list(catalog.user_names(3, 40))
    workflows = c.get("/api/workflow", params={"all_users": "true", "limit": 200}).json()["workflows"]
    assert {w["user"] for w in workflows} <= set(users)
    datasets = c.get("/api/bucket/list_dataset", params={"all_users": "true", "count": 40}).json()["datasets"]
    for entry in datasets[:10]:
        info = c.get(f"/api/bucket/{entry['bucket']}/dataset/{entry['name']}/info").json()
        assert info["created_by"] in users
    tags = c.get("/api/tag").json()
    assert tags == {"tags": list(catalog.TAGS)}
    tagged = {tag for w in workflows for tag in c.get(f"/api/workflow/{w['name']}").json()["tags"]}
    assert tagged and tagged <= set(tags["tags"])


def test_versions_and_determinism() -> None:
    with client_for(3) as one, client_for(3) as two, client_for(4) as other:
        version = one.get("/api/version").json()
        assert one.get("/client/version").json() == version
        assert all(part.isdigit() for part in (version["major"], version["minor"], version["revision"]))
        for path in ("/api/version", SETTINGS, "/api/users"):
            assert one.get(path).content == two.get(path).content, path
            assert one.get(path).content != other.get(path).content, path
