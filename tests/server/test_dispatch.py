"""The runtime in-process: synthesis answers, Prefer, request errors, 404/405, admin, docs."""

from __future__ import annotations

import httpx
import pytest
from fastapi.testclient import TestClient

from specmock.config import load_config
from specmock.engine.clock import FrozenClock, parse_instant
from specmock.server.app import create_app
from specmock.server.settings import Settings
from specmock.spec.verdicts import SpecValidator
from tests.conftest import REPO
from tests.server.conftest import FROZEN

VERSION = "/api/version"


def test_synthesized_answer_is_valid_and_deterministic(osmo_client: TestClient) -> None:
    first = osmo_client.get("/api/pool", params={"all_pools": "true"})
    second = osmo_client.get("/api/pool", params={"all_pools": "true"})
    assert first.status_code == 200
    assert first.headers["content-type"].startswith("application/json")
    assert first.content == second.content
    assert first.headers["x-specmock-seed"] == "7"
    runtime = osmo_client.app.state.specmock.apis["osmo"]  # type: ignore[attr-defined]
    violations = SpecValidator(runtime.spec.document).response_violations(
        "GET", "/api/pool", [("all_pools", "true")], 200, "application/json", first.content
    )
    assert violations == []


def test_parameters_change_the_data(osmo_client: TestClient) -> None:
    one = osmo_client.get("/api/configs/backend/alpha")
    two = osmo_client.get("/api/configs/backend/beta")
    assert one.status_code == two.status_code == 200
    assert one.content != two.content


def test_prefer_seed_changes_data_and_is_echoed(osmo_client: TestClient) -> None:
    base = osmo_client.get("/api/configs/backend/alpha")
    other = osmo_client.get("/api/configs/backend/alpha", headers={"Prefer": "seed=8"})
    assert other.headers["x-specmock-seed"] == "8"
    assert other.content != base.content


def test_prefer_code_answers_a_declared_error(osmo_client: TestClient) -> None:
    response = osmo_client.get("/api/workflow/alpha", headers={"Prefer": "code=422"})
    assert response.status_code == 422
    assert "detail" in response.json()


def test_prefer_code_not_declared_is_a_problem(osmo_client: TestClient) -> None:
    response = osmo_client.get("/api/workflow/alpha", headers={"Prefer": "code=418"})
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"
    assert "declares no response 418" in response.json()["detail"]


def test_text_plain_operation(osmo_client: TestClient) -> None:
    name = osmo_client.get("/api/workflow", params={"all_users": "true", "limit": 1}).json()["workflows"][0]["name"]
    response = osmo_client.get(f"/api/workflow/{name}/logs")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    assert response.text


def test_bad_parameter_gets_the_declared_422(osmo_client: TestClient) -> None:
    response = osmo_client.get("/api/workflow", params={"limit": "many", "statuses": "NOPE"})
    assert response.status_code == 422
    detail = response.json()["detail"]
    named = {tuple(item["loc"]) for item in detail}
    assert ("query", "limit") in named
    assert ("query", "statuses", 0) in named


def test_unknown_path_and_wrong_method_are_problems(osmo_client: TestClient) -> None:
    missing = osmo_client.get("/api/nothing-here")
    assert missing.status_code == 404
    assert missing.headers["content-type"] == "application/problem+json"
    wrong = osmo_client.delete(VERSION)
    assert wrong.status_code == 405
    assert wrong.headers["content-type"] == "application/problem+json"


def test_cors_for_local_origins(osmo_client: TestClient) -> None:
    response = osmo_client.get(VERSION, headers={"Origin": "http://localhost:5173"})
    assert response.headers["access-control-allow-origin"] == "http://localhost:5173"
    foreign = osmo_client.get(VERSION, headers={"Origin": "https://evil.example"})
    assert "access-control-allow-origin" not in foreign.headers


def test_docs_show_the_real_spec(osmo_client: TestClient) -> None:
    page = osmo_client.get("/docs")
    assert page.status_code == 200
    assert "/_specmock/docs/osmo.json" in page.text
    assert osmo_client.get("/_specmock/assets/swagger-ui-bundle.js").status_code == 200
    spec = osmo_client.get("/_specmock/specs/osmo").json()
    assert spec["info"]["title"] == "OSMO"
    assert "/api/bucket/list_dataset" in spec["paths"]
    assert "servers" not in spec  # the document as written
    shown = osmo_client.get("/_specmock/docs/osmo.json").json()  # what Swagger UI tries requests against
    assert shown["servers"] == [{"url": "/"}]
    assert shown["paths"] == spec["paths"] and shown["components"] == spec["components"]
    assert osmo_client.get("/_specmock/docs/nosuch.json").status_code == 404
    assert osmo_client.get("/_specmock/assets/..%2Fsecret").status_code == 404


def test_admin_changes_seed_and_faults_at_run_time() -> None:
    app = create_app(load_config(REPO / "specmock.toml"), Settings(seed=1), FrozenClock(parse_instant(FROZEN)))
    with TestClient(app) as client:
        before = client.get("/api/configs/backend/alpha").content
        changed = client.patch("/_specmock/config", json={"seed": 2})
        assert changed.status_code == 200 and changed.json()["seed"] == 2
        assert client.get("/api/configs/backend/alpha").content != before
        client.patch("/_specmock/config", json={"faults": {"osmo": {"error_rate": 1.0, "statuses": [503]}}})
        failed = client.get(VERSION)
        assert failed.status_code == 503
        assert failed.headers["x-specmock-fault"] == "error:503"
        bad = client.patch("/_specmock/config", json={"faults": {"": {"error_rate": 2}}})
        assert bad.status_code == 400
        assert "between 0 and 1" in bad.json()["detail"]
        log = client.get("/_specmock/requests").json()
        assert log[0]["fault"] == "error:503" and log[0]["operation_id"] == "get_version_api_version_get"


def test_faults_replay_with_the_same_seed() -> None:
    def run() -> list[str]:
        settings = Settings(seed=11)
        settings.update({"faults": {"": {"error_rate": 0.3, "slow_rate": 0.0}}})
        app = create_app(load_config(REPO / "specmock.toml"), settings, FrozenClock(parse_instant(FROZEN)))
        with TestClient(app) as client:
            return [client.get(VERSION).headers["x-specmock-fault"] for _ in range(40)]

    first, second = run(), run()
    assert first == second
    assert 3 <= sum(f != "none" for f in first) <= 25


@pytest.mark.anyio
async def test_admin_is_loopback_only_unless_token() -> None:
    config = load_config(REPO / "specmock.toml")
    app = create_app(config, Settings(), FrozenClock(parse_instant(FROZEN)))
    remote = httpx.ASGITransport(app=app, client=("10.1.2.3", 5555))
    async with httpx.AsyncClient(transport=remote, base_url="http://mock") as client:
        assert (await client.get("/_specmock/config")).status_code == 403
        assert (await client.get(VERSION)).status_code == 200  # the API itself is for everyone
    guarded = create_app(config, Settings(admin_token="s3cret"), FrozenClock(parse_instant(FROZEN)))
    remote = httpx.ASGITransport(app=guarded, client=("10.1.2.3", 5555))
    async with httpx.AsyncClient(transport=remote, base_url="http://mock") as client:
        assert (await client.get("/_specmock/config")).status_code == 401
        ok = await client.get("/_specmock/config", headers={"Authorization": "Bearer s3cret"})
        assert ok.status_code == 200


def test_state_export_import_reset(osmo_client: TestClient) -> None:
    snapshot = {"version": 1, "entries": [{"api": "osmo", "entity": "profile", "key": "alice", "value": {"a": 1}}]}
    assert osmo_client.put("/_specmock/state", json=snapshot).status_code == 200
    assert osmo_client.get("/_specmock/state").json() == snapshot
    bad = osmo_client.put("/_specmock/state", json={"version": 1, "entries": [{"api": 3}]})
    assert bad.status_code == 400
    assert osmo_client.get("/_specmock/state").json() == snapshot  # nothing lost
    assert osmo_client.post("/_specmock/reset").status_code == 200
    assert osmo_client.get("/_specmock/state").json()["entries"] == []
