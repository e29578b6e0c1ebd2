"""The list's fast path: entries written from integer times agree with the detail and with brute force."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from specmock.generators import base36
from specmock_apis.osmo.api.workflow import iso, list_entry, when
from specmock_apis.osmo.data import catalog
from specmock_apis.osmo.data.records import EPOCH, instant, micros, seconds
from specmock_apis.osmo.data.workflows import Workflows, _layout

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


def view(total: int, seed: int = 0) -> Workflows:
    """The workflows a request sees, built as workflows(ctx) builds them."""
    layout = _layout(seed, total, catalog.user_names(seed, 40), catalog.pool_names(seed, 50), 50)
    return Workflows(layout, NOW, {})


def test_instants_are_written_as_isoformat_writes_them() -> None:
    draw = random.Random(5)
    for _ in range(20_000):
        us = draw.randrange(-(10**16), 2 * 10**17)
        if draw.random() < 0.2:
            us -= us % 1_000_000  # whole seconds: isoformat leaves the fraction out
        moment = EPOCH + timedelta(microseconds=us)
        assert iso(us) == moment.isoformat().replace("+00:00", "Z") == when(moment)
        assert micros(moment) == us and instant(us) == moment


def test_seconds_round_as_round_does() -> None:
    draw = random.Random(6)
    cases = [draw.randrange(-(10**15), 10**15) for _ in range(50_000)]
    cases += [k * 1000 + 500 for k in range(-2000, 2000)] + [draw.randrange(10**18) for _ in range(1000)]
    for us in cases:
        assert seconds(us) == round(us / 1_000_000, 3)


def test_base36_names_read_back() -> None:
    draw = random.Random(7)
    for number in [
        *range(5000),
        *(36**k + d for k in range(1, 14) for d in (-1, 0, 1)),
        *draw.sample(range(10**15), 5000),
    ]:
        assert int(base36(number), 36) == number and base36(number) == base36(number).lower()
        assert base36(number)[0] != "0" or number == 0


def test_list_entries_show_the_workflow_the_detail_finds() -> None:
    everyone = view(10**12)
    for offset in (0, 5_000, 10**6, 10**12 - 20):
        items, _ = everyone.page(offset, 20, {}, None)
        assert [wf.index for wf in items] == list(range(offset, offset + 20))
        for wf in items:
            assert everyone.find(wf.name) == wf
            entry = list_entry(wf)
            assert (entry["submit_time"], entry["start_time"], entry["end_time"]) == tuple(
                when(t) for t in (wf.submit_time, wf.start_time, wf.end_time)
            )
            ran = None if wf.end_time is None or wf.start_time is None else wf.end_time - wf.start_time
            assert entry["duration"] == (None if ran is None else round(ran.total_seconds(), 3))
            queued = (wf.start_time or wf.end_time or NOW) - wf.submit_time
            assert entry["queued_time"] == round(queued.total_seconds(), 3)
            assert entry["name"].startswith(f"{entry['app_name']}-") and entry["labels"]["project"] == entry["app_name"]
            assert 1 <= entry["app_version"] <= 12 and entry["status"] == wf.status.value


def test_status_pages_of_a_billion_match_brute_force_over_the_first_windows() -> None:
    everyone = view(10**9)
    pool = everyone.pools[3]
    head = [everyone.collection.get(i) for i in range(30_000)]
    want = [wf.index for wf in head if wf.status.value == "RUNNING" and wf.pool == pool]
    got: list[int] = []
    while len(got) < len(want):
        items, more = everyone.page(len(got), 17, {"pool": [pool]}, ["RUNNING"])
        assert more
        got += [wf.index for wf in items]
    assert got[: len(want)] == want and len(want) > 100
