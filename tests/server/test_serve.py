"""`specmock serve` as users run it: a real uvicorn on loopback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from tests.conftest import REPO, run_specmock
from tests.server.conftest import FROZEN, free_port, serving

PATHS = [
    "/api/workflow?all_users=true&limit=5",
    "/api/configs/backend/alpha",
    "/api/pool?all_pools=true",
    "/api/version",
    "/api/tag",
]


def fetch_all(base: str) -> list[bytes]:
    return [httpx.get(base + path, timeout=10).content for path in PATHS]


def test_same_seed_same_bytes_across_restarts_workers_and_hash_seeds(tmp_path: Path) -> None:
    common = ("--seed", "5", "--clock", f"frozen:{FROZEN}")
    with serving(*common, env={"PYTHONHASHSEED": "1"}) as base:
        first = fetch_all(base)
    with serving(*common, env={"PYTHONHASHSEED": "987"}) as base:
        second = fetch_all(base)
    shared = ("--workers", "2", "--state", f"sqlite:{tmp_path / 'state.db'}")
    with serving(*common, *shared, env={"PYTHONHASHSEED": "3"}) as base:
        third = fetch_all(base) + fetch_all(base)  # whichever worker answers
    assert first == second
    assert third == first + first
    with serving("--seed", "6", "--clock", f"frozen:{FROZEN}") as base:
        other = fetch_all(base)
    assert other[0] != first[0]


def test_startup_prints_where_apis_are_served(tmp_path: Path) -> None:
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "specmock", "serve", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        cwd=REPO,
    )
    try:
        assert proc.stdout is not None
        lines = [proc.stdout.readline() for _ in range(2)]
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    assert lines[0].startswith(f"osmo: http://127.0.0.1:{port} (118 operations from specs/osmo.yaml)")
    assert lines[1].startswith(f"docs: http://127.0.0.1:{port}/docs")


def test_sqlite_state_survives_a_restart(tmp_path: Path) -> None:
    db = tmp_path / "state.db"
    snapshot = {"version": 1, "entries": [{"api": "osmo", "entity": "settings", "key": "bob", "value": {"x": 1}}]}
    with serving("--state", f"sqlite:{db}") as base:
        assert httpx.put(base + "/_specmock/state", json=snapshot).status_code == 200
    with serving("--state", f"sqlite:{db}") as base:
        assert httpx.get(base + "/_specmock/state").json() == snapshot


def test_latency_is_applied() -> None:
    with serving("--latency", "150ms") as base:
        response = httpx.get(base + "/api/version", timeout=10)
        assert response.elapsed.total_seconds() >= 0.15


def test_dropped_response_closes_the_connection() -> None:
    with serving() as base:
        httpx.patch(base + "/_specmock/config", json={"faults": {"": {"drop_rate": 1.0}}})
        with pytest.raises(httpx.TransportError):
            httpx.get(base + "/api/version", timeout=5)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--volume", "osmo.workflows=lots"], "--volume"),
        (["--volume", "huge"], "--volume"),
        (["--latency", "fast"], "--latency"),
        (["--error-rate", "150%"], "--error-rate"),
        (["--clock", "yesterday"], "yesterday"),
        (["--state", "redis://x"], "redis://x"),
        (["--validate", "always"], "--validate"),
        (["nosuchapi"], "nosuchapi"),
    ],
)
def test_bad_flags_exit_2_naming_the_flag(args: list[str], message: str) -> None:
    result = run_specmock("serve", "--port", "0", *args)
    assert result.code == 2, result.text
    assert message in result.err
    assert "Traceback" not in result.text
