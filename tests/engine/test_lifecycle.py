"""Lifecycles on a live collection: a toy Teraslice-like execution, checked against a step-by-step simulation.

pending -> running -> completed | failed | stopping -> stopped, the branch chosen by a seeded
`outcome` field; a `stop` event moves a pending or running execution to stopping from its time
on. Totals and pages by status (with other filters, time ranges, both orders, a text search and
events) are compared with brute force over every item at several moments.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta

import pytest

from specmock.engine.collections import Categorical
from specmock.engine.events import Event, Events
from specmock.engine.lifecycle import Course, Fork, Lifecycle, Phase, Schedule, Transition
from specmock.engine.live import Live, LiveView, Slots
from specmock.engine.naming import base36
from specmock.engine.plan import Plan

EPOCH = datetime(2026, 1, 1, tzinfo=UTC)
SPACING = timedelta(minutes=10)
SLOTS = Slots(EPOCH, SPACING, datetime(2100, 1, 1, tzinfo=UTC))
TOTAL = 400

FIELDS = (
    Categorical("wait", [("now", 2), ("short", 2), ("long", 1)], period=10),
    Categorical("run", [("quick", 1), ("slow", 1)], period=4),
    Categorical("outcome", [("completed", 3), ("failed", 1), ("stopped", 1)], period=10),
    Categorical("halt", [("brief", 1), ("slow", 1)], period=6),
    Categorical("team", [("a", 1), ("b", 1), ("c", 1)], period=7),
)
DURATIONS = {
    "wait": {"now": 0, "short": 3, "long": 40},
    "run": {"quick": 5, "slow": 90},
    "halt": {"brief": 1, "slow": 8},
}
EXECUTIONS = Lifecycle(
    [
        Phase("pending", status="pending", lasts="wait", then="running"),
        Phase(
            "running",
            status="running",
            lasts="run",
            then=Fork("outcome", {"completed": "done", "failed": "done", "stopped": "stopping"}),
        ),
        Phase("stopping", status="stopping", lasts="halt", then="stopped"),
        Phase("done", status_of="outcome"),  # completed or failed: the fork narrows the field
        Phase("stopped", status="stopped"),
    ],
    [
        Transition("stop", ("pending", "running"), "stopping"),
        Transition("restart", ("stopping", "stopped"), "pending"),  # back into the graph
    ],
)
STATUSES = ("pending", "running", "stopping", "completed", "failed", "stopped")


def reference(row: Mapping[str, str], index: int, moves: Sequence[tuple[int, str]] = ()) -> str:
    """The status at `index`, stepping index by index through the machine, with (index, transition) moves."""
    follows = {"pending": "running", "stopping": "stopped"}
    lasts = {"pending": "wait", "running": "run", "stopping": "halt"}
    phase, entered = "pending", 0
    for t in range(index + 1):
        while phase in lasts and t >= entered + DURATIONS[lasts[phase]][row[lasts[phase]]]:
            entered += DURATIONS[lasts[phase]][row[lasts[phase]]]
            if phase == "running":
                phase = "stopping" if row["outcome"] == "stopped" else "done"
            else:
                phase = follows[phase]
        for at, transition in moves:
            if at == t and transition == "stop" and phase in ("pending", "running"):
                phase, entered = "stopping", t
            elif at == t and transition == "restart" and phase in ("stopping", "stopped"):
                phase, entered = "pending", t
    return row["outcome"] if phase == "done" else phase


class Executions:
    """A live collection of executions at one moment, with timed stop events."""

    def __init__(self, live: Live, schedule: Schedule, now: datetime, events: Sequence[Event] = ()) -> None:
        self.schedule = schedule
        self.view: LiveView[tuple[int, str]] = live.at(now, self.item, texts={"name": self.name})
        self.events = Events(schedule, self.view, events)

    def item(self, index: int) -> tuple[int, str]:
        return index, self.events.status(index)

    def name(self, index: int) -> str:
        return f"exec-{base36(self.view.slot(index))}"

    def row(self, index: int) -> dict[str, str]:
        return {f.name: self.view.collection.field_value(f.name, index) for f in FIELDS}

    def plan(self, statuses: Sequence[str], base: Mapping[str, Sequence[str]]) -> Plan:
        plan = Plan.of(self.view.collection, self.schedule.pieces(statuses, self.view.total), base)
        return self.events.plan(plan, statuses)


def setup(events: Sequence[Event] = (), now: datetime | None = None) -> Executions:
    live = Live(TOTAL, FIELDS, slots=SLOTS, seed=11, name="executions")
    return Executions(live, EXECUTIONS.schedule(FIELDS, DURATIONS), now or EPOCH + SPACING * 900, events)


def stop(slot: int, after: int, minutes: int = 3) -> Event:
    """A stop requested `after` slots after the execution's own opened (plus a few minutes)."""
    return Event(slot, SLOTS.opens(slot + after) + timedelta(minutes=minutes), "stop")


MOMENTS = [
    EPOCH + SPACING * 150 + timedelta(minutes=4),  # fewer slots than the total so far
    EPOCH + SPACING * 900,
    EPOCH + SPACING * 937 + timedelta(minutes=9),
    EPOCH + SPACING * 10**6,
]
FILTERS: list[tuple[tuple[str, ...], dict[str, list[str]]]] = [
    (("running",), {}),
    (("completed", "failed"), {}),
    (("stopping", "stopped"), {"team": ["b"]}),
    (("pending", "stopped"), {"team": ["a", "c"]}),
    (STATUSES, {}),
    (("failed",), {"team": ["c"], "outcome": ["failed", "stopped"]}),  # a filter on a lifecycle field too
]


def events_for(now: datetime) -> list[Event]:
    """Stops of a dozen executions near the newest slot at `now`: some land, some find nothing to stop."""
    newest = SLOTS.newest(now)
    out = [stop(newest - k, after) for k, after in ((3, 1), (10, 2), (25, 0), (40, 7), (60, 30), (90, 50))]
    out += [stop(newest - 120, 2), stop(newest - 120, 6, minutes=0)]  # a second stop on one execution
    out += [stop(newest - 150, 1), Event(newest - 150, SLOTS.opens(newest - 140), "restart")]  # and a restart
    out += [stop(newest - 200, 150), Event(newest - 5, now + timedelta(minutes=1), "stop")]  # finished; not yet
    out += [Event(newest + 3, now, "stop"), Event(newest - TOTAL - 10, now, "stop")]  # not listed
    return out


def expected(
    ex: Executions, stops: Mapping[int, list[int]], statuses: Sequence[str], base: Mapping[str, Sequence[str]]
) -> list[int]:
    out = []
    for i in range(ex.view.total):
        row = ex.row(i)
        if reference(row, i, stops.get(ex.view.slot(i), ())) in statuses and all(
            not accepted or row[f] in accepted for f, accepted in base.items()
        ):
            out.append(i)
    return out


def moves(ex: Executions, events: Sequence[Event]) -> dict[int, list[tuple[int, str]]]:
    """slot -> the (index, transition) of its events that happened by now, in time order."""
    out: dict[int, list[tuple[int, str]]] = {}
    for e in sorted(events, key=lambda e: e.at):
        if e.at <= ex.view.now:
            out.setdefault(e.key, []).append((SLOTS.newest(e.at) - e.key, e.transition))
    return out


@pytest.mark.parametrize("now", MOMENTS)
@pytest.mark.parametrize("with_events", [False, True])
def test_status_totals_and_pages_match_brute_force(now: datetime, with_events: bool) -> None:
    events = events_for(now) if with_events else []
    ex = setup(events, now)
    stops = moves(ex, events)
    for i in range(ex.view.total):
        assert ex.events.status(i) == reference(ex.row(i), i, stops.get(ex.view.slot(i), ())), i
    for statuses, base in FILTERS:
        want = expected(ex, stops, statuses, base)
        plan = ex.plan(statuses, base)
        assert plan.count(ex.view.collection) == len(want)
        for offset, limit in [(0, 20), (0, 0), (7, 13), (len(want) - 5, 20), (len(want), 5), (len(want) + 9, 3)]:
            offset = max(0, offset)
            items, more = plan.page(ex.view.collection, offset, limit)
            assert [i for i, _ in items] == want[offset : offset + limit]
            assert all(status in statuses for _, status in items)
            assert more == (offset + limit < len(want))
            oldest, more = plan.page(ex.view.collection, offset, limit, order="ASC")
            assert [i for i, _ in oldest] == want[::-1][offset : offset + limit]
            assert more == (offset + limit < len(want))


@pytest.mark.parametrize("now", MOMENTS[1:3])
def test_status_pages_within_a_time_range_and_a_text_search_match_brute_force(now: datetime) -> None:
    events = events_for(now)
    ex = setup(events, now)
    stops = moves(ex, events)
    coll = ex.view.collection
    after, before = coll.time(300), coll.time(20)
    for statuses, base in FILTERS:
        plan = ex.plan(statuses, base)
        timed = [i for i in expected(ex, stops, statuses, base) if after <= coll.time(i) <= before]
        assert plan.count(coll, after=after, before=before) == len(timed)
        for offset in (0, 4, len(timed) - 3):
            items, _ = plan.page(coll, max(0, offset), 10, after=after, before=before)
            assert [i for i, _ in items] == timed[max(0, offset) : max(0, offset) + 10]
        named = [i for i in expected(ex, stops, statuses, base) if "2" in ex.name(i)]
        for offset in (0, 3, len(named) - 2):
            items, more = plan.page(coll, max(0, offset), 6, contains={"name": "2"})
            assert [i for i, _ in items] == named[max(0, offset) : max(0, offset) + 6]
            assert more == (max(0, offset) + 6 < len(named))


def test_the_events_change_what_the_plain_courses_say() -> None:
    """Without the correction the totals would be wrong: the events test is not vacuous."""
    now = MOMENTS[1]
    events = events_for(now)
    ex, plain = setup(events, now), setup((), now)
    applied = sorted(ex.events.applied)
    assert 5 <= len(applied) < len(events)
    twice = [i for i in applied if len(ex.events.applied[i]) == 2]
    assert [[e.transition for e in ex.events.applied[i]] for i in twice] == [["stop", "restart"]]
    assert all(ex.events.status(i) in ("stopping", "stopped") for i in applied if i not in twice)
    assert 120 in applied and len(ex.events.applied[120]) == 1  # a stopping execution is not stopped again
    changed = [i for i in applied if ex.events.status(i) != plain.events.status(i)]
    assert changed
    for statuses in (("stopping", "stopped"), ("running", "pending")):
        with_events = ex.plan(statuses, {}).count(ex.view.collection)
        assert with_events != Plan.of(ex.view.collection, ex.schedule.pieces(statuses, TOTAL)).count(ex.view.collection)


def test_a_stop_takes_effect_at_its_time_not_before() -> None:
    now = MOMENTS[1]
    at = now - timedelta(minutes=1)
    earlier = at - timedelta(microseconds=1)

    def status(slot: int, moment: datetime, events: Sequence[Event] = ()) -> str:
        ex = setup(events, moment)
        index = ex.view.index(slot)
        assert index is not None
        return ex.events.status(index)

    newest = SLOTS.newest(now)
    running = [s for s in range(newest - 60, newest) if status(s, now) == status(s, earlier) == "running"]
    slot = next(s for s in running if setup().view.collection.field_value("halt", newest - s) == "slow")
    stopped = [Event(slot, at, "stop")]
    assert status(slot, now, stopped) == status(slot, at, stopped) == "stopping"
    assert status(slot, earlier, stopped) == "running"
    # a brief stop lasts until the next slot opens: durations count the slots opened since
    brief = next(s for s in running if setup().view.collection.field_value("halt", newest - s) == "brief")
    assert status(brief, at, [Event(brief, at, "stop")]) == "stopping"
    assert status(brief, now, [Event(brief, at, "stop")]) == "stopped"


def test_courses_follow_the_branch_and_moves_cut_them_short() -> None:
    schedule = EXECUTIONS.schedule(FIELDS, DURATIONS)
    assert schedule.fields == ("wait", "run", "outcome", "halt")
    stopped = schedule.course(["short", "quick", "stopped", "slow"])
    assert stopped == Course(
        ("pending", "running", "stopping", "stopped"),
        ("pending", "running", "stopping", "stopped"),
        (3, 8, 16),
        ("short", "quick", "stopped", "slow"),
    )
    assert [stopped.status(i) for i in (0, 2, 3, 7, 8, 15, 16, 10**9)] == [
        "pending", "pending", "running", "running", "stopping", "stopping", "stopped", "stopped"
    ]  # fmt: skip
    assert (stopped.entered("pending"), stopped.entered("stopping"), stopped.entered("done")) == (0, 8, None)
    failed = schedule.course(["now", "slow", "failed", "brief"])
    assert failed.phases == ("pending", "running", "done") and failed.status(0) == "running"
    assert failed.status(90) == "failed"
    moved = schedule.moved(failed, 30, "stop")
    assert moved is not None and moved.bounds == (0, 30, 31) and moved.status(30) == "stopping"
    assert moved.status(31) == "stopped" and moved.values == failed.values
    assert schedule.moved(failed, 90, "stop") is None  # already failed: nothing to stop
    with pytest.raises(ValueError, match="unknown transition"):
        schedule.moved(failed, 3, "pause")


def test_pieces_are_exactly_the_items_in_each_status() -> None:
    ex = setup()
    schedule, coll = ex.schedule, ex.view.collection
    for status in STATUSES:
        pieces = schedule.pieces([status], TOTAL)
        inside = {
            i for clause, lo, hi in pieces for i in range(lo, hi) if all(ex.row(i)[f] in v for f, v in clause.items())
        }
        assert inside == {i for i in range(TOTAL) if schedule.course_of(coll, i).status(i) == status}
    with pytest.raises(ValueError, match="unknown statuses"):
        schedule.pieces(["paused"], TOTAL)


@pytest.mark.parametrize(
    ("phases", "message"),
    [
        ([Phase("a", status="x", lasts="wait", then="a")], "loop"),
        ([Phase("a", status="x", lasts="wait", then="b")], "unknown phases"),
        ([Phase("a", status="x", status_of="outcome")], "exactly one"),
        ([Phase("a", status="x", lasts="wait")], "followed"),
        ([Phase("a", status="x"), Phase("a", status="y")], "twice"),
    ],
)
def test_a_broken_lifecycle_is_refused(phases: list[Phase], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Lifecycle(phases)


def test_a_schedule_needs_every_duration_and_every_branch() -> None:
    with pytest.raises(ValueError, match="durations of 'halt'"):
        EXECUTIONS.schedule(FIELDS, {**DURATIONS, "halt": {"brief": 1}})
    with pytest.raises(ValueError, match="does not declare"):
        EXECUTIONS.schedule(FIELDS[:2], DURATIONS)
    partial = Lifecycle(
        [Phase("a", status="x", lasts="wait", then=Fork("outcome", {"completed": "b"})), Phase("b", status="y")]
    )
    with pytest.raises(ValueError, match="route every value"):
        partial.schedule(FIELDS, DURATIONS)
