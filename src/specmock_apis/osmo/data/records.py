"""The records the OSMO generators share: a workflow, its groups and their tasks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import NamedTuple

from specmock.generators import as_utc
from specmock_apis.generated.osmo.models import TaskGroupStatus, WorkflowPriority, WorkflowStatus
from specmock_apis.osmo.data.distributions import ALIVE_WORKFLOW_STATUSES

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)  # workflow times are whole microseconds since this instant
MICROSECOND = timedelta(microseconds=1)


def instant(micros: int) -> datetime:
    """The UTC instant `micros` microseconds after EPOCH."""
    return EPOCH + timedelta(microseconds=micros)


def micros(moment: datetime) -> int:
    """Whole microseconds from EPOCH to a moment (naive means UTC)."""
    return (as_utc(moment) - EPOCH) // MICROSECOND


def seconds(us: int) -> float:
    """Microseconds as seconds to the millisecond: exactly `round(us / 1_000_000, 3)`, at a third of its cost."""
    if us % 1000 == 500 or not -(1 << 50) < us < 1 << 50:
        return round(us / 1_000_000, 3)  # a tie, where round decides by the float, or beyond exact floats
    # k / 1000 is the float nearest k thousandths, which is what round gives
    return (us + 500) // 1000 / 1000


@dataclass(frozen=True)
class Task:
    """One task of a group: the pod that runs it."""

    name: str
    group: str
    retry_id: int
    status: TaskGroupStatus
    start_time: datetime | None
    end_time: datetime | None
    node: str | None
    pod_name: str
    pod_ip: str | None
    uuid: str
    lead: bool
    exit_code: int | None
    failure_message: str | None
    gpu: int
    cpu: int
    memory: float
    storage: float


@dataclass(frozen=True)
class Group:
    """A group of tasks; groups form a DAG through their upstream and downstream names."""

    name: str
    status: TaskGroupStatus
    upstream: tuple[str, ...]
    downstream: tuple[str, ...]
    start_time: datetime | None
    end_time: datetime | None
    failure_message: str | None
    tasks: tuple[Task, ...]


class Workflow(NamedTuple):
    """One workflow, as the list and the detail both show it.

    A named tuple, immutable like the other records but several times cheaper to build: a list
    page builds one per entry. Times are kept as microseconds since EPOCH, which is what they are
    computed in and what the list writes out; the detail reads them as datetimes.
    """

    index: int  # type: ignore[assignment]  # shadows tuple.index: 0 is the newest workflow at the request's clock
    slot: int  # absolute submission slot: what the workflow's identity and randomness are keyed on
    name: str
    uuid: str
    user: str
    pool: str
    status: WorkflowStatus
    priority: WorkflowPriority
    tags: tuple[str, ...]
    submitted: int
    started: int | None
    ended: int | None
    ends: int | None  # when a started workflow ends (or will), None if it never starts
    queued_time: float
    app_name: str
    app_version: int
    fate: WorkflowStatus  # the status it ends in, fixed at submission
    cancelled_by: str | None = None

    @property
    def submit_time(self) -> datetime:
        """When it was submitted."""
        return instant(self.submitted)

    @property
    def start_time(self) -> datetime | None:
        """When it started, once it has."""
        return None if self.started is None else instant(self.started)

    @property
    def end_time(self) -> datetime | None:
        """When it ended, once it has."""
        return None if self.ended is None else instant(self.ended)

    @property
    def planned_end(self) -> datetime | None:
        """When a started workflow ends (or will), None if it never starts."""
        return None if self.ends is None else instant(self.ends)

    @property
    def alive(self) -> bool:
        """PENDING, RUNNING or WAITING: not finished, so no end time."""
        return self.status in ALIVE_WORKFLOW_STATUSES

    @property
    def duration(self) -> float | None:
        """Seconds from start to end, once both are known."""
        if self.started is None or self.ended is None:
            return None
        return seconds(self.ended - self.started)
