"""Answers kept for repeated GET requests: the same bytes a fresh answer gives, never a stale one."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from starlette.testclient import TestClient

from specmock.config import load_config
from specmock.engine.clock import RealClock, parse_instant
from specmock.engine.state import SqliteStore
from specmock.server.app import create_app
from specmock.server.cache import Cached, ResponseCache, key_of
from specmock.server.settings import Settings

REPO = Path(__file__).resolve().parents[2]
LIST = "/api/workflow"
PAGE = {"all_users": "true", "limit": "20"}


class Hands:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.at = parse_instant("2026-06-01T12:00:00.250Z")

    def __call__(self) -> datetime:
        return self.at


def _client(settings: Settings | None = None, clock: Hands | None = None, **kwargs: Any) -> TestClient:
    app = create_app(
        load_config(REPO / "specmock.toml"), settings or Settings(seed=4), RealClock(clock or Hands()), **kwargs
    )
    return TestClient(app)


def _sources(client: TestClient, n: int) -> list[str]:
    """How the last n answers were made, oldest first."""
    log = client.get("/_specmock/requests", params={"limit": n}).json()
    return [entry["source"] for entry in reversed(log)]


def test_a_repeated_request_gets_the_kept_bytes_with_its_own_request_number() -> None:
    with _client() as client:
        first, second, third = (client.get(LIST, params=PAGE) for _ in range(3))
        assert first.content == second.content == third.content and len(first.json()["workflows"]) == 20
        assert int(third.headers["x-specmock-request"]) == int(first.headers["x-specmock-request"]) + 2
        assert third.headers["content-type"] == first.headers["content-type"]
        assert third.headers["x-specmock-seed"] == "4" and third.headers["x-specmock-fault"] == "none"
        assert third.headers["vary"] == first.headers["vary"] == "Origin"  # CORS applies to kept answers too
        # kept when asked a second time, answered from memory from the third on
        assert _sources(client, 3) == ["generator", "generator", "cached generator"]
        preferred = [client.get(LIST, params=PAGE, headers={"prefer": "seed=5"}) for _ in range(3)]
        assert [r.headers["x-specmock-seed"] for r in preferred] == ["5", "5", "5"]
        assert preferred[2].content == preferred[0].content != first.content
        # another page, another header value or another Prefer is another answer
        client.get(LIST, params={**PAGE, "offset": "1"})
        client.get(LIST, params=PAGE, headers={"x-osmo-user": "someone.else"})
        assert _sources(client, 2) == ["generator", "generator"]


def test_a_write_makes_the_next_answer_fresh() -> None:
    with _client() as client:
        running = client.get(LIST, params={**PAGE, "statuses": "RUNNING"}).json()["workflows"]
        name = running[0]["name"]
        assert client.post(f"{LIST}/{name}/cancel").status_code == 200
        after = client.get(LIST, params={**PAGE, "statuses": "RUNNING"}).json()["workflows"]
        assert name not in [wf["name"] for wf in after]
        assert client.get(f"{LIST}/{name}").json()["status"] == "FAILED_CANCELED"


def test_the_next_second_is_a_fresh_answer_and_the_same_second_is_not() -> None:
    hands = Hands()
    with _client(clock=hands) as client:
        pending = {**PAGE, "statuses": "PENDING", "limit": "1"}
        first = client.get(LIST, params=pending).json()["workflows"][0]
        client.get(LIST, params=pending)
        hands.at += timedelta(milliseconds=500)  # still the same second
        assert client.get(LIST, params=pending).json()["workflows"][0] == first
        hands.at += timedelta(seconds=30)
        later = client.get(LIST, params=pending).json()["workflows"][0]
        assert round(later["queued_time"] - first["queued_time"], 3) == 30 or later["name"] != first["name"]
        assert _sources(client, 4) == ["generator", "generator", "cached generator", "generator"]


def test_changed_settings_are_a_fresh_answer() -> None:
    with _client() as client:
        before = client.get(LIST, params=PAGE).content
        assert client.patch("/_specmock/config", json={"seed": 99}).status_code == 200
        assert client.get(LIST, params=PAGE).content != before
        assert client.patch("/_specmock/config", json={"seed": 4}).status_code == 200
        assert client.get(LIST, params=PAGE).content == before


def test_a_write_by_another_process_to_the_sqlite_state_is_seen(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    with _client(store=SqliteStore(path)) as client:
        running = client.get(LIST, params={**PAGE, "statuses": "RUNNING"}).json()["workflows"]
        name = running[0]["name"]
        other = SqliteStore(path)  # another server process sharing the file
        other.put("osmo", "workflow_changes", name, {"canceled_at": "2026-06-01T11:00:00+00:00", "canceled_by": "x"})
        other.close()
        assert client.get(f"{LIST}/{name}").json()["status"] == "FAILED_CANCELED"
        after = client.get(LIST, params={**PAGE, "statuses": "RUNNING"}).json()["workflows"]
        assert name not in [wf["name"] for wf in after]


def test_nothing_is_kept_with_validation_on_or_no_budget() -> None:
    for settings in (Settings(seed=4, validate="strict"), Settings(seed=4, cache_mb=0)):
        with _client(settings) as client:
            assert client.get(LIST, params=PAGE).content == client.get(LIST, params=PAGE).content
            assert _sources(client, 2) == ["generator", "generator"]


def test_the_cache_forgets_the_least_recently_used_beyond_its_budget() -> None:
    def answer(size: int) -> Cached:
        return Cached(200, ((b"content-type", b"application/json"),), b"x" * size, "generator")

    cache = ResponseCache(budget=4000)  # room for three
    cache.put(key_of("a", b"", ()), answer(1000))
    assert cache.get(key_of("a", b"", ())) is None  # seen once: remembered, not kept
    for key in ("a", "b", "b", "c", "c"):
        cache.put(key_of(key, b"", ()), answer(1000))
    assert cache.get(key_of("a", b"", ())) is not None  # "a" is now the most recent
    for _ in range(2):
        cache.put(key_of("d", b"", ()), answer(1000))
    assert cache.get(key_of("b", b"", ())) is None
    assert all(cache.get(key_of(key, b"", ())) is not None for key in ("a", "c", "d"))
    assert cache.used <= cache.budget
    for _ in range(2):
        cache.put(key_of("huge", b"", ()), answer(5000))  # larger than the budget: not kept, nothing evicted for it
    assert cache.get(key_of("huge", b"", ())) is None and cache.get(key_of("a", b"", ())) is not None
