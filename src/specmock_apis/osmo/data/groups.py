"""The groups of a workflow (a chain DAG) and their tasks, as they stand at a moment.

A started workflow's span, from its start to its planned end, is shared equally by the groups it
runs: every group before the one its fate ends in, and that one. So the groups finish one after
the other as the clock passes their boundaries, and the last of them ends exactly when the
workflow reaches its fate.
"""

from __future__ import annotations

from datetime import datetime

from specmock.generators import Rng, values
from specmock_apis.generated.osmo.models import TaskGroupStatus, WorkflowStatus
from specmock_apis.osmo import generators
from specmock_apis.osmo.data import catalog
from specmock_apis.osmo.data.records import Group, Task, Workflow

GROUP_PLANS = (
    ("train",),
    ("preprocess", "train"),
    ("preprocess", "train", "evaluate"),
    ("download", "preprocess", "train", "evaluate", "export"),
)

_GROUP_FAILURE = {
    WorkflowStatus.FAILED: TaskGroupStatus.FAILED,
    WorkflowStatus.FAILED_SUBMISSION: TaskGroupStatus.FAILED_SERVER_ERROR,
    WorkflowStatus.FAILED_SERVER_ERROR: TaskGroupStatus.FAILED_SERVER_ERROR,
    WorkflowStatus.FAILED_EXEC_TIMEOUT: TaskGroupStatus.FAILED_EXEC_TIMEOUT,
    WorkflowStatus.FAILED_QUEUE_TIMEOUT: TaskGroupStatus.FAILED_QUEUE_TIMEOUT,
    WorkflowStatus.FAILED_CANCELED: TaskGroupStatus.FAILED_CANCELED,
    WorkflowStatus.FAILED_BACKEND_ERROR: TaskGroupStatus.FAILED_BACKEND_ERROR,
    WorkflowStatus.FAILED_IMAGE_PULL: TaskGroupStatus.FAILED_IMAGE_PULL,
    WorkflowStatus.FAILED_EVICTED: TaskGroupStatus.FAILED_EVICTED,
    WorkflowStatus.FAILED_START_ERROR: TaskGroupStatus.FAILED_START_ERROR,
    WorkflowStatus.FAILED_START_TIMEOUT: TaskGroupStatus.FAILED_START_TIMEOUT,
    WorkflowStatus.FAILED_PREEMPTED: TaskGroupStatus.FAILED_PREEMPTED,
}

FAILURE_MESSAGES = {
    TaskGroupStatus.FAILED: ("Task exited with code {code}", 1),
    TaskGroupStatus.FAILED_SERVER_ERROR: ("OSMO service error while submitting the group", None),
    TaskGroupStatus.FAILED_EXEC_TIMEOUT: ("Task exceeded its exec timeout and was killed", 137),
    TaskGroupStatus.FAILED_QUEUE_TIMEOUT: ("Group was not scheduled before its queue timeout", None),
    TaskGroupStatus.FAILED_CANCELED: ("Workflow was canceled by its owner", 143),
    TaskGroupStatus.FAILED_BACKEND_ERROR: ("Kubernetes backend reported an error: pod deleted unexpectedly", None),
    TaskGroupStatus.FAILED_IMAGE_PULL: ("Failed to pull image: ErrImagePull: manifest unknown", None),
    TaskGroupStatus.FAILED_EVICTED: ("Pod was evicted: The node was low on resource: memory", 137),
    TaskGroupStatus.FAILED_START_ERROR: ("Container failed to start: exec format error", 128),
    TaskGroupStatus.FAILED_START_TIMEOUT: ("Container did not start within the start timeout", None),
    TaskGroupStatus.FAILED_PREEMPTED: ("Pod was preempted by a higher priority workflow", 143),
    TaskGroupStatus.FAILED_UPSTREAM: ("An upstream group failed", None),
}


def groups(wf: Workflow, seed: int, now: datetime, nodes: int) -> tuple[Group, ...]:
    """The workflow's groups in plan order, with their tasks, as they stand at `now`."""
    rng = generators.rng(seed, "workflow", wf.slot, "groups")
    plan = rng.choice(GROUP_PLANS, "plan")
    windows = _windows(wf, len(plan), rng)
    out = []
    for k, name in enumerate(plan):
        status, start, end = _state(wf, k, windows, now)
        failure = _failure(status, rng.child(name))
        tasks = _tasks(wf, name, status, start, end, failure, nodes, rng.child("tasks", name))
        out.append(
            Group(
                name=name,
                status=status,
                upstream=plan[k - 1 : k] if k else (),
                downstream=plan[k + 1 : k + 2],
                start_time=start,
                end_time=end,
                failure_message=failure[0] if failure else None,
                tasks=tasks,
            )
        )
    return tuple(out)


def _windows(wf: Workflow, n: int, rng: Rng) -> list[tuple[datetime, datetime]]:
    """The planned [start, end) of each group that runs; the last one ends with the workflow."""
    if wf.start_time is None or wf.planned_end is None:
        return []
    ends_in = n - 1 if wf.fate == WorkflowStatus.COMPLETED else rng.integer(0, n - 1, "failing")
    width = (wf.planned_end - wf.start_time) / (ends_in + 1)
    windows = [(wf.start_time + width * k, wf.start_time + width * (k + 1)) for k in range(ends_in + 1)]
    if wf.cancelled_by is not None and wf.end_time is not None:
        # canceled mid-run: the groups past the one running at that moment never run
        windows = [(s, e) for s, e in windows if s < wf.end_time] or windows[:1]
    return windows


def _state(
    wf: Workflow, k: int, windows: list[tuple[datetime, datetime]], now: datetime
) -> tuple[TaskGroupStatus, datetime | None, datetime | None]:
    """Group k's status, start and end at `now`."""
    ended = wf.end_time is not None and wf.end_time <= now
    if not windows:  # the workflow never started
        if wf.status == WorkflowStatus.PENDING:
            return (TaskGroupStatus.SCHEDULING if k == 0 else TaskGroupStatus.WAITING), None, None
        if not ended:
            return TaskGroupStatus.WAITING, None, None
        return (_GROUP_FAILURE[wf.status] if k == 0 else TaskGroupStatus.FAILED_UPSTREAM), None, None
    if k >= len(windows):
        return (TaskGroupStatus.FAILED_UPSTREAM if ended else TaskGroupStatus.WAITING), None, None
    start, end = windows[k]
    last = k == len(windows) - 1
    if ended and last:
        assert wf.end_time is not None
        status = TaskGroupStatus.COMPLETED if wf.status == WorkflowStatus.COMPLETED else _GROUP_FAILURE[wf.status]
        return status, start, wf.end_time
    if end <= now:
        return TaskGroupStatus.COMPLETED, start, end
    if start <= now:
        return TaskGroupStatus.RUNNING, start, None
    return TaskGroupStatus.WAITING, None, None


def _failure(status: TaskGroupStatus, rng: Rng) -> tuple[str, int | None] | None:
    found = FAILURE_MESSAGES.get(status)
    if found is None:
        return None
    text, code = found
    if status == TaskGroupStatus.FAILED:
        code = rng.choice((1, 2, 139, 255), "exit_code")
    return text.format(code=code), code


def _tasks(
    wf: Workflow,
    group: str,
    status: TaskGroupStatus,
    start: datetime | None,
    end: datetime | None,
    failure: tuple[str, int | None] | None,
    nodes: int,
    rng: Rng,
) -> tuple[Task, ...]:
    count = 1 if group in ("download", "preprocess", "export") else rng.integer(1, 4, "count")
    gpu = 0 if group in ("download", "preprocess") else rng.choice((1, 2, 4, 8), "gpu")
    out = []
    for k in range(count):
        trng = rng.child(k)
        name = group if count == 1 else f"{group}-{k}"
        started = start is not None
        failed_here = failure is not None and k == 0
        out.append(
            Task(
                name=name,
                group=group,
                retry_id=1 if status == TaskGroupStatus.FAILED_PREEMPTED and k == 0 else 0,
                status=status,
                start_time=start,
                end_time=end,
                node=catalog.node_name(wf.pool, trng.integer(0, nodes - 1, "node")) if started else None,
                pod_name=f"{wf.name}-{name}-{values.hex_digest(trng, 'pod', 5)}",
                pod_ip=f"10.{trng.integer(0, 255, 'ip1')}.{trng.integer(0, 255, 'ip2')}.{trng.integer(2, 254, 'ip3')}"
                if started
                else None,
                uuid=values.uuid(trng, "uuid"),
                lead=k == 0,
                exit_code=failure[1] if failed_here and failure else _exit_code(status),
                failure_message=failure[0] if failure else None,
                gpu=gpu,
                cpu=max(2, gpu * 8),
                memory=float(max(8, gpu * 64)),
                storage=float(trng.choice((50, 100, 200, 500), "storage")),
            )
        )
    return tuple(out)


def _exit_code(status: TaskGroupStatus) -> int | None:
    return 0 if status == TaskGroupStatus.COMPLETED else None
