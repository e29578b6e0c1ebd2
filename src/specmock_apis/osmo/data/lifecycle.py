"""How a workflow lives through time: queued, running, then its fate, all fixed at submission.

Workflows sit in absolute submission slots of one spacing each. A workflow's fixed facts are
three classes and a fate: how many slots it waits before it starts (`wait`), how many it runs
(`run`), whether it waits as PENDING or WAITING (`queue`), and the final status (`fate`). At
index i (i slots newer workflows exist) its status is therefore

    i < wait                 -> PENDING or WAITING
    wait <= i < wait + run   -> RUNNING (never, for fates that fail before starting)
    otherwise                -> its fate

so a running workflow finishes as the clock moves on, and the status at every index is a pure
function of the slot's classes and the index. That keeps status filters exact: a status is a
union of (classes, index window) pieces, and inside the windows between piece boundaries the
union is an OR of conjunctions that the engine's collection pages exactly.

The long classes scale with the volume, so the seed's mix (RUNNING about 20%, PENDING 7%, ...)
holds over the whole list at any volume; the short ones are real durations.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import NamedTuple

from specmock.generators import Categorical
from specmock_apis.generated.osmo.models import WorkflowStatus
from specmock_apis.osmo.data.distributions import ALIVE_WORKFLOW_STATUSES, WORKFLOW_STATUS_WEIGHTS

QUEUE_FAILURES = (WorkflowStatus.FAILED_SUBMISSION, WorkflowStatus.FAILED_QUEUE_TIMEOUT)  # never start
QUEUED = (WorkflowStatus.PENDING, WorkflowStatus.WAITING)
FATES = tuple(s for s in WORKFLOW_STATUS_WEIGHTS if s not in ALIVE_WORKFLOW_STATUSES)
STARTING_FATES = tuple(s for s in FATES if s not in QUEUE_FAILURES)
SHORT_WAIT = timedelta(minutes=15)
SHORT_RUNS = (timedelta(minutes=20), timedelta(hours=2), timedelta(hours=10))
LONG = 0.5  # a long wait or run lasts this share of the whole list


def _share(statuses: Sequence[WorkflowStatus]) -> float:
    whole = sum(WORKFLOW_STATUS_WEIGHTS.values())
    return sum(WORKFLOW_STATUS_WEIGHTS[s] for s in statuses) / whole


LIFECYCLE = ("wait", "run", "queue", "fate")  # the fields below, in the order Classes.course takes them


def fields() -> tuple[Categorical, ...]:
    """The collection fields of the lifecycle, weighted so the seed's status mix holds.

    A long class covers LONG of the list, so a share x of long waits gives about x * LONG of
    the list queued; likewise for runs. Periods divide 100 so they add nothing to the layout's
    joint period.
    """
    queued, running = _share(QUEUED), _share((WorkflowStatus.RUNNING,))
    long_wait = min(0.9, queued / LONG)
    long_run = min(0.9, running / LONG)
    short_run = (1 - long_run) / len(SHORT_RUNS)
    return (
        Categorical("wait", [("now", (1 - long_wait) / 2), ("short", (1 - long_wait) / 2), ("long", long_wait)], 100),
        Categorical("run", [*((f"short{k}", short_run) for k in range(len(SHORT_RUNS))), ("long", long_run)], 100),
        Categorical("queue", [(s.value, WORKFLOW_STATUS_WEIGHTS[s]) for s in QUEUED], 100),
        Categorical("fate", [(s.value, WORKFLOW_STATUS_WEIGHTS[s]) for s in FATES], 100),
    )


class Course(NamedTuple):
    """One combination of classes, in slots: what a workflow's status and times follow from."""

    wait: int  # slots queued before it starts
    run: int  # slots running, for a workflow that starts
    queue: WorkflowStatus  # PENDING or WAITING while queued
    fate: WorkflowStatus
    starts: bool  # False for the fates that fail in the queue

    def at(self, index: int, opens: int, step: int) -> tuple[WorkflowStatus, int | None, int | None, int | None]:
        """Status, start, end and planned end (None: not yet, or never) at `index` (that many newer
        workflows exist) of a workflow whose slot opens at `opens`, with slots `step` apart.

        It leaves the queue when `wait` slots have opened after its own, and a workflow that fails
        in the queue ends right then.
        """
        leaves = opens + self.wait * step
        if not self.starts:
            return (self.queue, None, None, None) if index < self.wait else (self.fate, None, leaves, None)
        if index < self.wait:
            return self.queue, None, None, None
        ends = leaves + self.run * step
        if index < self.wait + self.run:
            return WorkflowStatus.RUNNING, leaves, None, ends
        return self.fate, leaves, ends, ends


@dataclass(frozen=True)
class Classes:
    """The lengths, in slots, of the wait and run classes for one volume and spacing."""

    wait: Mapping[str, int]
    run: Mapping[str, int]

    @staticmethod
    def of(total: int, spacing: timedelta) -> Classes:
        """The classes of a list of `total` workflows submitted `spacing` apart."""
        long = max(1, math.ceil(total * LONG))

        def slots(span: timedelta) -> int:
            return max(1, math.ceil(span / spacing))

        runs = {f"short{k}": slots(span) for k, span in enumerate(SHORT_RUNS)}
        return Classes({"now": 0, "short": slots(SHORT_WAIT), "long": long}, {**runs, "long": long})

    def course(self, wait: str, run: str, queue: str, fate: str) -> Course:
        """The course of a workflow with these classes (the values of the lifecycle fields)."""
        end = WorkflowStatus(fate)
        return Course(self.wait[wait], self.run[run], WorkflowStatus(queue), end, end not in QUEUE_FAILURES)

    def pieces(self, statuses: Sequence[str], total: int) -> list[tuple[dict[str, list[str]], int, int]]:
        """(classes, index window) pieces whose union is exactly the workflows in these statuses."""
        out: list[tuple[dict[str, list[str]], int, int]] = []
        wanted = [WorkflowStatus(s) for s in dict.fromkeys(statuses)]
        for wait, a in self.wait.items():
            queued = [s.value for s in wanted if s in QUEUED]
            if queued:
                out.append(({"wait": [wait], "queue": queued}, 0, a))
            never = [s.value for s in wanted if s in QUEUE_FAILURES]
            if never:
                out.append(({"wait": [wait], "fate": never}, a, total))
            for run, c in self.run.items():
                if WorkflowStatus.RUNNING in wanted:
                    out.append(({"wait": [wait], "run": [run], "fate": [s.value for s in STARTING_FATES]}, a, a + c))
                ended = [s.value for s in wanted if s in STARTING_FATES]
                if ended:
                    out.append(({"wait": [wait], "run": [run], "fate": ended}, a + c, total))
        return [(clause, lo, min(hi, total)) for clause, lo, hi in out if lo < min(hi, total)]


def segments(
    pieces: Sequence[tuple[dict[str, list[str]], int, int]], base: Mapping[str, list[str]]
) -> list[tuple[int, int, list[dict[str, list[str]]]]]:
    """The index windows between piece boundaries, each with the OR of the pieces covering it.

    `base` (the other filters: user, pool, ...) is added to every clause.
    """
    bounds = sorted({b for _, lo, hi in pieces for b in (lo, hi)})
    out = []
    for lo, hi in itertools.pairwise(bounds):
        clauses = [{**base, **clause} for clause, start, stop in pieces if start <= lo and hi <= stop]
        if clauses:
            out.append((lo, hi, clauses))
    return out
