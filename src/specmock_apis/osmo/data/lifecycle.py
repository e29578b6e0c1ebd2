"""How a workflow lives through time: queued, running, then its fate, all fixed at submission.

OSMO's lifecycle on the engine's (see `Lifecycle`): a workflow waits in the queue as PENDING or
WAITING (the `queue` field) for its `wait` class, then its `fate` forks: the fates that fail in
the queue end it there, the others run for its `run` class and end in the fate. At index i (i
slots newer workflows exist) its status is therefore

    i < wait                 -> PENDING or WAITING
    wait <= i < wait + run   -> RUNNING (never, for fates that fail before starting)
    otherwise                -> its fate

so a running workflow finishes as the clock moves on, and status filters are exact (the
engine's `Schedule.pieces` and `Plan`).

The long classes scale with the volume, so the seed's mix (RUNNING about 20%, PENDING 7%, ...)
holds over the whole list at any volume; the short ones are real durations.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import timedelta

from specmock.generators import Categorical, Fork, Lifecycle, Phase, Schedule
from specmock_apis.generated.osmo.models import WorkflowStatus
from specmock_apis.osmo.data.distributions import ALIVE_WORKFLOW_STATUSES, WORKFLOW_STATUS_WEIGHTS

QUEUE_FAILURES = (WorkflowStatus.FAILED_SUBMISSION, WorkflowStatus.FAILED_QUEUE_TIMEOUT)  # never start
QUEUED = (WorkflowStatus.PENDING, WorkflowStatus.WAITING)
FATES = tuple(s for s in WORKFLOW_STATUS_WEIGHTS if s not in ALIVE_WORKFLOW_STATUSES)
STARTING_FATES = tuple(s for s in FATES if s not in QUEUE_FAILURES)
SHORT_WAIT = timedelta(minutes=15)
SHORT_RUNS = (timedelta(minutes=20), timedelta(hours=2), timedelta(hours=10))
LONG = 0.5  # a long wait or run lasts this share of the whole list
RUNNING, ENDED = "running", "ended"  # the phases whose entry times are the start and end times

LIFECYCLE = Lifecycle(
    [
        Phase(
            "queued",
            status_of="queue",
            lasts="wait",
            then=Fork("fate", {s.value: ENDED if s in QUEUE_FAILURES else RUNNING for s in FATES}),
        ),
        Phase(RUNNING, status=WorkflowStatus.RUNNING.value, lasts="run", then=ENDED),
        Phase(ENDED, status_of="fate"),
    ]
)


def _share(statuses: Sequence[WorkflowStatus]) -> float:
    whole = sum(WORKFLOW_STATUS_WEIGHTS.values())
    return sum(WORKFLOW_STATUS_WEIGHTS[s] for s in statuses) / whole


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


def schedule(fields: Sequence[Categorical], total: int, spacing: timedelta) -> Schedule:
    """The lifecycle of a list of `total` workflows submitted `spacing` apart, its classes in slots."""
    long = max(1, math.ceil(total * LONG))

    def slots(span: timedelta) -> int:
        return max(1, math.ceil(span / spacing))

    runs = {f"short{k}": slots(span) for k, span in enumerate(SHORT_RUNS)}
    waits = {"now": 0, "short": slots(SHORT_WAIT), "long": long}
    return LIFECYCLE.schedule(fields, {"wait": waits, "run": {**runs, "long": long}})
