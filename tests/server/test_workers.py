"""`specmock serve --workers N`: the workers agree on settings, request numbers, the request log and
the state, whichever of them answers; and 200 claims at once of 20 slots give exactly 20 winners."""

from __future__ import annotations

import shutil
import sqlite3
import sys
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from specmock.config import load_config
from specmock.server.app import create_app
from specmock.server.launch import ServeOptions, build
from specmock.server.settings import Settings
from tests.conftest import FIXTURES, run_specmock
from tests.server.conftest import FROZEN, serving

SLOTS = 20
CLAIMS = 200
TAKEN = {"code": "slots_taken", "message": "All 20 slots are taken"}
FAULTS = {"seed": 3, "faults": {"slots.listSlots": {"error_rate": 0.3, "statuses": [503]}}}
LISTS = 120  # below the 200 lines the request log keeps, so it must list every one
THREADS = 8
TIMEOUT = 30.0


@pytest.fixture(scope="module")
def slots(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A copy of the slots fixture project, codegen already run."""
    project = tmp_path_factory.mktemp("slots") / "slots"
    shutil.copytree(FIXTURES / "slots", project)
    result = run_specmock("codegen", cwd=project)
    assert result.code == 0, result.text
    yield project
    for name in [m for m in sys.modules if m.startswith(("slots_generated", "slots_mocks"))]:
        del sys.modules[name]


def in_parallel(calls: list[Callable[[], Any]]) -> list[Any]:
    """Every call, THREADS at a time; results in the order of the calls."""
    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        return list(pool.map(lambda call: call(), calls))


def check_claims(answers: list[tuple[int, Any]], listed: list[dict[str, Any]]) -> None:
    """Exactly SLOTS winners, no slot won twice, every winner listed, the rest refused with the declared body."""
    won = [body for status, body in answers if status == 201]
    refused = [body for status, body in answers if status == 409]
    assert len(won) == SLOTS, sorted(status for status, _ in answers)
    assert len(refused) == CLAIMS - SLOTS
    assert sorted(claim["slot"] for claim in won) == list(range(1, SLOTS + 1))
    assert len({claim["claimant"] for claim in won}) == SLOTS
    assert all(body == TAKEN for body in refused)
    assert sorted(listed, key=lambda claim: claim["slot"]) == sorted(won, key=lambda claim: claim["slot"])
    assert [claim["slot"] for claim in listed] == list(range(1, SLOTS + 1))  # listed in the order won


# the command line


def test_workers_with_memory_state_exit_2_saying_what_to_use() -> None:
    result = run_specmock("serve", "--port", "0", "--workers", "2")
    assert result.code == 2, result.text
    lines = result.err.strip().splitlines()
    assert len(lines) == 1, result.err
    assert "--workers 2" in lines[0]
    assert "own writes, settings and request log" in lines[0]
    assert "--state sqlite:<path>" in lines[0]
    assert "Traceback" not in result.text


# workers in this process: two apps on one board, as uvicorn's workers are


def test_settings_travel_with_shown() -> None:
    settings = Settings(seed=1, admin_token="t", cache_mb=7)
    settings.update({"volumes": {"slots.claims": 5}, "latency": {"slots": "20-80ms"}, **FAULTS})
    copy = Settings(admin_token="t", cache_mb=7).with_shown(settings.to_json())
    assert copy == settings
    assert Settings(admin_token="other").with_shown(settings.to_json()).admin_token == "other"


def test_workers_in_one_process_share_settings_numbers_and_the_log(slots: Path, tmp_path: Path) -> None:
    options = ServeOptions(config=str(slots / "specmock.toml"), state=f"sqlite:{tmp_path / 's.db'}", seed=1, workers=2)
    build(options)  # `serve` itself: starts the board from the flags
    with TestClient(build(options, first=False)) as one, TestClient(build(options, first=False)) as two:
        assert one.patch("/_specmock/config", json=FAULTS).status_code == 200
        assert two.get("/_specmock/config").json()["seed"] == 3
        bad = two.patch("/_specmock/config", json={"seed": 4, "colour": "red"})
        assert bad.status_code == 400 and "colour" in bad.json()["detail"]
        assert one.get("/_specmock/config").json()["seed"] == 3  # nothing changed
        answers = [(one if i % 2 else two).get("/slots") for i in range(6)]
        assert [int(r.headers["x-specmock-request"]) for r in answers] == [1, 2, 3, 4, 5, 6]
        assert {r.headers["x-specmock-seed"] for r in answers} == {"3"}
        log_one, log_two = one.get("/_specmock/requests").json(), two.get("/_specmock/requests").json()
        assert log_one == log_two and [line["seq"] for line in log_one] == [6, 5, 4, 3, 2, 1]
        assert one.post("/slots/claim", json={"claimant": "ada"}).status_code == 201
        entries = two.get("/_specmock/state").json()["entries"]  # the state, too, and only the state
        assert [(e["api"], e["value"]["claimant"]) for e in entries] == [("slots", "ada")]
        assert one.post("/_specmock/reset").status_code == 200
        assert two.get("/_specmock/requests").json() == []
        assert two.get("/slots").headers["x-specmock-request"] == "1"  # counted afresh: faults replay
        assert two.get("/_specmock/state").json()["entries"] == []
        assert one.get("/_specmock/config").json()["seed"] == 3  # a reset keeps the settings
        # a worker uvicorn starts later serves what the others serve
        with TestClient(build(options, first=False)) as late:
            assert late.get("/slots").headers["x-specmock-seed"] == "3"
    # the next `serve` starts from its flags again
    build(options)
    with TestClient(build(options, first=False)) as again:
        first = again.get("/slots")
        assert (first.headers["x-specmock-seed"], first.headers["x-specmock-request"]) == ("1", "1")


def test_each_workers_answer_cache_sees_the_others_writes_and_settings(slots: Path, tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    # a frozen clock: a kept answer is kept for its second only
    options = ServeOptions(
        config=str(slots / "specmock.toml"), state=f"sqlite:{db}", workers=2, clock=f"frozen:{FROZEN}"
    )
    build(options)
    with TestClient(build(options, first=False)) as one, TestClient(build(options, first=False)) as two:
        for _ in range(3):  # the other worker's requests are logged in the file, yet change no answer
            first = one.get("/slots")
            two.get("/slots")
        log = one.get("/_specmock/requests", params={"limit": 6}).json()
        assert [line["source"] for line in log][::2] == ["cached generator", "generator", "generator"]
        assert two.post("/slots/claim", json={"claimant": "ada"}).status_code == 201
        after = one.get("/slots")
        assert after.content != first.content and after.json()["claims"][0]["claimant"] == "ada"
        assert two.patch("/_specmock/config", json={"seed": 9}).status_code == 200
        assert one.get("/slots").headers["x-specmock-seed"] == "9"
        assert one.get("/_specmock/requests", params={"limit": 1}).json()[0]["source"] == "generator"


def test_one_process_keeps_no_board(slots: Path, tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    app = build(ServeOptions(config=str(slots / "specmock.toml"), state=f"sqlite:{path}"))
    assert app.dispatcher.board is None
    with TestClient(app) as client:
        assert [client.get("/slots").headers["x-specmock-request"] for _ in range(3)] == ["1", "2", "3"]
    raw = sqlite3.connect(path)
    try:
        tables = {row[0] for row in raw.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    finally:
        raw.close()
    assert tables == {"meta", "entries"}  # nothing written per request beyond the state itself


# real workers on loopback


def fetch(base: str, path: str) -> httpx.Response:
    """One request on a connection of its own, so the kernel may hand it to either worker."""
    return httpx.get(base + path, timeout=TIMEOUT)


def claim(base: str, index: int) -> tuple[int, Any]:
    response = httpx.post(base + "/slots/claim", json={"claimant": f"client-{index:03d}"}, timeout=TIMEOUT)
    assert response.headers["content-type"] == "application/json", response.text
    return response.status_code, response.json()


@pytest.mark.slow
def test_workers_agree_on_settings_request_numbers_and_the_log(slots: Path, tmp_path: Path) -> None:
    with serving("--workers", "2", "--state", f"sqlite:{tmp_path / 's.db'}", cwd=slots, timeout=60) as base:
        changed = httpx.patch(base + "/_specmock/config", json=FAULTS, timeout=TIMEOUT)
        assert changed.status_code == 200, changed.text
        # Ask until both workers have answered (a late one starts with what the board holds).
        seen: list[dict[str, Any]] = []
        for _ in range(20):
            seen += [r.json() for r in in_parallel([lambda: fetch(base, "/_specmock/slots/worker")] * THREADS)]
            if len({answer["pid"] for answer in seen}) == 2:
                break
        assert len({answer["pid"] for answer in seen}) == 2, "only one worker answered"
        assert {answer["seed"] for answer in seen} == {3}
        configs = in_parallel([lambda: fetch(base, "/_specmock/config")] * THREADS)
        assert {r.json()["seed"] for r in configs} == {3}
        assert {r.json()["faults"]["slots.listSlots"]["error_rate"] for r in configs} == {0.3}

        assert httpx.post(base + "/_specmock/reset", timeout=TIMEOUT).status_code == 200
        answers = in_parallel([lambda: fetch(base, "/slots")] * LISTS)
        log = httpx.get(base + "/_specmock/requests", params={"limit": 200}, timeout=TIMEOUT).json()

    assert {r.headers["x-specmock-seed"] for r in answers} == {"3"}
    numbers = sorted(int(r.headers["x-specmock-request"]) for r in answers)
    assert numbers == list(range(1, LISTS + 1))  # unique, and counted from the reset across both workers
    faults = {int(r.headers["x-specmock-request"]): r.headers["x-specmock-fault"] for r in answers}
    assert {r.status_code for r in answers if r.headers["x-specmock-fault"] == "none"} == {200}
    assert {r.status_code for r in answers if r.headers["x-specmock-fault"] != "none"} == {503}
    assert sorted(line["seq"] for line in log) == numbers
    assert {line["seq"]: line["fault"] for line in log} == faults
    # The same faults on the same request numbers as one process deals them.
    app = create_app(load_config(slots / "specmock.toml"), Settings())
    with TestClient(app) as client:
        assert client.patch("/_specmock/config", json=FAULTS).status_code == 200
        alone = [client.get("/slots") for _ in range(LISTS)]
    assert {int(r.headers["x-specmock-request"]): r.headers["x-specmock-fault"] for r in alone} == faults
    assert 0 < sum(fault != "none" for fault in faults.values()) < LISTS


@pytest.mark.slow
def test_200_claims_at_once_across_two_workers(slots: Path, tmp_path: Path) -> None:
    with serving("--workers", "2", "--state", f"sqlite:{tmp_path / 's.db'}", cwd=slots, timeout=60) as base:
        answers = in_parallel([lambda index=index: claim(base, index) for index in range(CLAIMS)])
        listed = httpx.get(base + "/slots", timeout=TIMEOUT)
        state = httpx.get(base + "/_specmock/state", timeout=TIMEOUT).json()
    assert listed.status_code == 200
    check_claims(answers, listed.json()["claims"])
    assert len(state["entries"]) == SLOTS  # nothing but the claims: the board is not state


def test_200_claims_at_once_in_one_process(slots: Path) -> None:
    app = create_app(load_config(slots / "specmock.toml"))
    with TestClient(app) as client:

        def claim_in_process(index: int) -> tuple[int, Any]:
            response = client.post("/slots/claim", json={"claimant": f"client-{index:03d}"})
            return response.status_code, response.json()

        answers = in_parallel([lambda index=index: claim_in_process(index) for index in range(CLAIMS)])
        listed = client.get("/slots").json()["claims"]
    check_claims(answers, listed)
