"""OSMO list pages through the real generators and the in-process app: what a UI gets."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from bench.report import Table, ratio
from bench.timing import medians
from specmock.config import load_config
from specmock.engine.clock import FrozenClock, parse_instant
from specmock.server.app import create_app
from specmock.server.settings import Settings

REPO_CONFIG = Path(__file__).resolve().parent.parent / "specmock.toml"
NOW = "2026-06-01T12:00:00Z"
RUNS = 51


def _client(total: int) -> TestClient:
    settings = Settings(seed=0)
    settings.update({"volumes": {"osmo.workflows": total}})
    return TestClient(create_app(load_config(REPO_CONFIG), settings, FrozenClock(parse_instant(NOW))))


def _ms(seconds: float) -> str:
    return f"{seconds * 1e3:.2f} ms"


def osmo_page_table() -> Table:
    """GET /api/workflow at the top, at the end of 10^12, and with statuses and pools at 10^9."""
    table = Table(
        f"OSMO workflow list through the generators, in-process (limit 20, median of {RUNS})",
        ("request", "total", "per request", "ratio", "target"),
    )
    base = {"all_users": "true", "limit": 20}
    with _client(10**12) as huge, _client(10**9) as big:
        pool = big.get("/api/workflow", params=base).json()["workflows"][0]["pool"]
        filtered = {**base, "statuses": "RUNNING", "pools": pool}
        calls = [
            lambda: huge.get("/api/workflow", params=base),
            lambda: huge.get("/api/workflow", params={**base, "offset": 10**12 - 20}),
            lambda: big.get("/api/workflow", params=base),
            lambda: big.get("/api/workflow", params=filtered),
            lambda: big.get("/api/workflow", params={**filtered, "offset": 1_000_000}),
        ]
        for call in calls:
            response = call()
            assert response.status_code == 200 and len(response.json()["workflows"]) == 20, response.text
        top, deep, unfiltered, first, later = medians(calls, RUNS)
    both = f"statuses=RUNNING & pools={pool}"
    table.rows += [
        ("offset 0", "10^12", _ms(top), "", ""),
        ("offset 10^12 - 20", "10^12", _ms(deep), ratio(deep, top), "<= 1.2x"),
        ("offset 0, unfiltered", "10^9", _ms(unfiltered), "", ""),
        (f"offset 0, {both}", "10^9", _ms(first), ratio(first, unfiltered), "<= 1.5x"),
        (f"offset 10^6, {both}", "10^9", _ms(later), ratio(later, unfiltered), "<= 1.5x"),
    ]
    table.notes.append(
        "Each request goes through FastAPI, the generated route and the OSMO generator, and every page is 20 full"
        " list entries. RUNNING is exact: a union of lifecycle pieces paged window by window."
    )
    return table
