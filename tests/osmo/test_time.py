"""OSMO workflows live in time: as the clock runs, new workflows arrive at the top, running ones
finish, and every workflow keeps its name, its data and its place in time."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta
from typing import Any

from specmock.spec.verdicts import SpecValidator
from tests.osmo.conftest import client_for, conforms

LIST = "/api/workflow"
T0 = datetime.fromisoformat("2026-06-01T12:00:00+00:00")
FINAL = {"RUNNING", "PENDING", "WAITING"}


def at(hours: float) -> str:
    return (T0 + timedelta(hours=hours)).isoformat()


def listing(seed: int, hours: float, total: int = 10_000) -> list[dict[str, Any]]:
    with client_for(seed, workflows=total, at=at(hours)) as c:
        return c.get(LIST, params={"all_users": "true", "limit": 1000, "order": "DESC"}).json()["workflows"]


def test_running_workflows_finish_as_the_clock_moves_on() -> None:
    before = {w["name"]: w for w in listing(2, 0)}
    running = [name for name, w in before.items() if w["status"] == "RUNNING"]
    assert len(running) > 50
    finished: dict[str, dict[str, Any]] = {}
    for hours in (1, 6, 30, 24 * 40):
        with client_for(2, workflows=10_000, at=at(hours)) as c:
            for name in running:
                if name in finished:
                    continue
                response = c.get(f"{LIST}/{name}")
                now = response.json()
                was = before[name]
                # the same workflow: identity and submission never change
                assert (now["uuid"], now["submit_time"], now["start_time"]) == (
                    was["workflow_uuid"],
                    was["submit_time"],
                    was["start_time"],
                )
                if now["status"] not in FINAL:
                    assert now["end_time"] is not None and now["end_time"] <= at(hours).replace("+00:00", "Z")
                    finished[name] = now
    # long runs last half the list's history (24 days at 10,000): after 40 days every one is done
    assert len(finished) == len(running)
    assert {w["status"] for w in finished.values()} & {"COMPLETED", "FAILED"}


def test_new_workflows_arrive_at_the_top_and_the_rest_slide_down() -> None:
    earlier, later = listing(3, 0), listing(3, 3)
    names = [w["name"] for w in earlier]
    # 3 hours at one submission every 7 minutes: about 25 new ones, the old ones one place lower each
    shift = [w["name"] for w in later].index(names[0])
    assert 20 <= shift <= 30
    assert [w["name"] for w in later[shift : shift + 100]] == names[:100]
    assert all(w["submit_time"] > earlier[0]["submit_time"] for w in later[:shift])


def test_groups_progress_with_the_clock() -> None:
    name = next(w["name"] for w in listing(4, 0) if w["status"] == "RUNNING")
    seen = []
    for hours in (0, 0.5, 2, 8, 48, 24 * 40):
        with client_for(4, workflows=10_000, at=at(hours)) as c:
            detail = c.get(f"{LIST}/{name}").json()
        seen.append([g["status"] for g in detail["groups"]])
        for group in detail["groups"]:
            if group["status"] == "COMPLETED":
                assert group["end_time"] <= at(hours).replace("+00:00", "Z")
    completed = [statuses.count("COMPLETED") for statuses in seen]
    assert completed == sorted(completed)  # a group that completed stays completed
    assert "RUNNING" not in seen[-1]


def test_a_frozen_clock_gives_the_same_bytes_and_the_seed_mix_holds(validator: SpecValidator) -> None:
    with client_for(6, workflows=10_000) as one, client_for(6, workflows=10_000) as two:
        params = {"all_users": "true", "limit": 1000, "offset": 4000}
        assert one.get(LIST, params=params).content == two.get(LIST, params=params).content
        statuses: Counter[str] = Counter()
        for offset in range(0, 10_000, 1000):
            response = one.get(LIST, params={"all_users": "true", "limit": 1000, "offset": offset})
            assert conforms(validator, response) == []
            statuses.update(w["status"] for w in response.json()["workflows"])
    share = {status: count / 10_000 for status, count in statuses.items()}
    # the seed's mix: RUNNING about 20%, COMPLETED 35%, PENDING 7%, the rest over the failures
    assert 0.15 <= share["RUNNING"] <= 0.25
    assert 0.28 <= share["COMPLETED"] <= 0.42
    assert 0.04 <= share["PENDING"] <= 0.10
    assert sum(v for k, v in share.items() if k.startswith("FAILED")) >= 0.2
