"""The records the OSMO generators share: a workflow, its groups and their tasks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from generated.osmo.models import TaskGroupStatus, WorkflowPriority, WorkflowStatus
from mocks.osmo.distributions import ALIVE_WORKFLOW_STATUSES


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


@dataclass(frozen=True)
class Workflow:
    """One workflow, as the list and the detail both show it."""

    index: int  # 0 is the newest workflow at the request's clock
    slot: int  # absolute submission slot: what the workflow's identity and randomness are keyed on
    name: str
    uuid: str
    user: str
    pool: str
    status: WorkflowStatus
    priority: WorkflowPriority
    tags: tuple[str, ...]
    submit_time: datetime
    start_time: datetime | None
    end_time: datetime | None
    planned_end: datetime | None  # when a started workflow ends (or will), None if it never starts
    queued_time: float
    app_name: str
    app_version: int
    fate: WorkflowStatus  # the status it ends in, fixed at submission
    cancelled_by: str | None = None

    @property
    def alive(self) -> bool:
        """PENDING, RUNNING or WAITING: not finished, so no end time."""
        return self.status in ALIVE_WORKFLOW_STATUSES

    @property
    def duration(self) -> float | None:
        """Seconds from start to end, once both are known."""
        if self.start_time is None or self.end_time is None:
            return None
        return round((self.end_time - self.start_time).total_seconds(), 3)
