"""Timed events: a few items of a live collection moved onto another branch of their lifecycle.

An `Event` is (item key, time, transition): the item in slot `key` undergoes `transition` at `at`
("a stop requested at 12:03"). At a moment `now` an event that has happened is applied at the
index the item had then (`LiveView.index_at`): from that index on the item follows the
transition's target (`Schedule.moved`), if it was in one of the transition's source phases; an
event that finds the item elsewhere (already completed, say) changes nothing. Several events of
one item apply in time order, each to the course the previous ones left.

Events are few (what users did, one by one), so nothing is laid out for them: the courses they
change are kept by index, and a status plan is corrected by carving those indices out of its
windows and counting each moved item alone (`Plan.split`), which keeps totals and pages exact in
O(page + events).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from specmock.engine.clock import as_utc
from specmock.engine.lifecycle import Course, Schedule
from specmock.engine.live import LiveView
from specmock.engine.plan import Plan


@dataclass(frozen=True)
class Event:
    """A transition that happens to the item in slot `key` at the moment `at`."""

    key: int
    at: datetime
    transition: str


class Events:
    """Timed events as a live view sees them at its `now`: the courses they change, and plans corrected."""

    def __init__(self, schedule: Schedule, view: LiveView[Any], events: Sequence[Event]) -> None:
        self.schedule, self.view = schedule, view
        self.moved: dict[int, Course] = {}  # index -> course, for the items an event changed
        self.applied: dict[int, list[Event]] = {}  # index -> the events that changed its course, in order
        # by item, then time; a stable sort keeps events of one moment in the order given
        for event in sorted(events, key=lambda e: (e.key, as_utc(e.at))):
            if as_utc(event.at) > view.now:
                continue
            index = view.index(event.key)
            then = view.index_at(event.key, event.at)
            if index is None or then < 0:
                continue  # not listed now, or not yet submitted when it happened
            course = self.course(index)
            moved = schedule.moved(course, then, event.transition)
            if moved is not None:
                self.moved[index] = moved
                self.applied.setdefault(index, []).append(event)

    def course(self, index: int) -> Course:
        """The course item `index` follows now, events applied."""
        moved = self.moved.get(index)
        return moved if moved is not None else self.schedule.course_of(self.view.indices, index)

    def status(self, index: int) -> str:
        """The status item `index` shows now, events applied."""
        return self.course(index).status(index)

    def plan(self, plan: Plan, statuses: Sequence[str]) -> Plan:
        """A status plan of the view's collection corrected for the moved items: exact with the events."""
        if not self.moved:
            return plan
        wanted = dict.fromkeys(statuses)
        return plan.split([(i, course.status(i) in wanted) for i, course in sorted(self.moved.items())])
