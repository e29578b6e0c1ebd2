"""OSMO workflows: an infinite, filterable collection, and the groups and tasks of each one.

Workflow i is a pure function of (seed, i, the hour of the clock): index 0 is the newest. Its
name ends in its index in base 36, so a detail request finds it in O(1) and an unknown name is
a 404, as the real service answers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

from generated.osmo.models import TaskGroupStatus, WorkflowPriority, WorkflowStatus
from mocks.osmo import catalog, generators
from mocks.osmo.distributions import (
    ALIVE_WORKFLOW_STATUSES,
    WORKFLOW_PRIORITY_WEIGHTS,
    WORKFLOW_STATUS_WEIGHTS,
)
from specmock.context import Context
from specmock.engine import values
from specmock.engine.collections import Categorical, Collection, Timeline
from specmock.engine.rng import Rng

WORKFLOWS = generators.collection("workflows", default=10_000, low=100, high=100_000)
SPACING = timedelta(minutes=7)  # between two submissions, on average
HISTORY = timedelta(days=3650)  # a huge volume is squeezed into ten years rather than reaching year 1
NO_TAG = "-"  # the tag field's value for a workflow without a tag
PROJECTS = ("resnet", "llama", "bert", "vit", "diffusion", "whisper", "gpt", "unet", "clip", "mamba")
STEPS = ("train", "finetune", "eval", "sweep", "pretrain", "distill", "export", "bench")
GROUP_PLANS = (
    ("train",),
    ("preprocess", "train"),
    ("preprocess", "train", "evaluate"),
    ("download", "preprocess", "train", "evaluate", "export"),
)
QUEUE_FAILURES = (WorkflowStatus.FAILED_SUBMISSION, WorkflowStatus.FAILED_QUEUE_TIMEOUT)


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

    index: int
    name: str
    uuid: str
    user: str
    pool: str
    status: WorkflowStatus
    priority: WorkflowPriority
    tag: str | None
    submit_time: datetime
    start_time: datetime | None
    end_time: datetime | None
    queued_time: float
    app_name: str
    app_version: int

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


def _base36(number: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while True:
        number, rest = divmod(number, 36)
        out = digits[rest] + out
        if number == 0:
            return out


def _prime_at_least(n: int) -> int:
    candidate = max(2, n)
    while any(candidate % d == 0 for d in range(2, int(candidate**0.5) + 1)):
        candidate += 1
    return candidate


def index_of(name: str) -> int | None:
    """The index a workflow name encodes (its last dash-separated part, base 36), if any."""
    tail = name.rsplit("-", 1)[-1]
    if not tail or not tail.isascii() or not tail.isalnum() or tail != tail.lower():
        return None
    return int(tail, 36)


def hour_of(now: datetime) -> datetime:
    """The anchor of the timeline: the clock's hour, so data holds still within an hour."""
    return now.replace(minute=0, second=0, microsecond=0)


class Workflows:
    """The workflows of one seed, volume and hour."""

    def __init__(
        self, seed: int, total: int, users: tuple[str, ...], pools: tuple[str, ...], nodes: int, anchor: datetime
    ) -> None:
        self.seed = seed
        self.anchor = anchor
        self.users = users
        self.pools = pools
        self.nodes = nodes
        others = max(1, len(users) - 1)
        # Periods chosen so that every combination repeats within the engine's limit (2**32) even
        # at the high volumes: status and priority are exact in 100 and 20 slots, the rest prime.
        fields = (
            Categorical("status", [(s.value, w) for s, w in WORKFLOW_STATUS_WEIGHTS.items()], period=100),
            Categorical("priority", [(p.value, w) for p, w in WORKFLOW_PRIORITY_WEIGHTS.items()], period=20),
            # the signed-in developer owns about one workflow in eight, the others share the rest
            Categorical(
                "user",
                [(u, 0.125 if u == catalog.CURRENT_USER else 0.875 / others) for u in users],
                period=_prime_at_least(8 * others),
            ),
            Categorical("pool", [(p, 1.0) for p in pools], period=_prime_at_least(len(pools))),
            Categorical("tag", [(NO_TAG, 4.0), *((t, 1.0) for t in catalog.TAGS)], period=29),
        )
        self.collection: Collection[Workflow] = Collection(
            total,
            self.build,
            fields,
            seed=seed,
            name="osmo.workflows",
            timeline=Timeline(anchor, max(timedelta(microseconds=1), min(SPACING, HISTORY / max(1, total)))),
            texts={"name": self.name_of},
        )

    def rng(self, index: int) -> Rng:
        """The root of every value of workflow `index`."""
        return Rng.root(self.seed, "osmo", "workflow", index)

    def name_of(self, index: int, rng: Rng | None = None) -> str:
        """`<project>-<step>-<index in base 36>`, e.g. llama-finetune-2s."""
        rng = rng or self.rng(index)
        return f"{rng.choice(PROJECTS, 'project')}-{rng.choice(STEPS, 'step')}-{_base36(index)}"

    def build(self, index: int) -> Workflow:
        """Workflow `index`, consistent with the collection's filterable fields and timeline."""
        coll = self.collection
        rng = self.rng(index)
        status = WorkflowStatus(coll.field_value("status", index))
        submit = coll.time(index)
        age = (self.anchor - submit).total_seconds()
        queued = round(min(values.number(rng, 2.0, 1800.0, "queued", skew=3.0), age * 0.3), 3)
        start: datetime | None = submit + timedelta(seconds=queued)
        end: datetime | None = None
        if status == WorkflowStatus.PENDING or status in QUEUE_FAILURES:
            start = None
            queued = round(age, 3) if status == WorkflowStatus.PENDING else queued
        if status not in ALIVE_WORKFLOW_STATUSES:
            if start is None:
                end = submit + timedelta(seconds=queued)
            else:
                longest = max(1.0, (self.anchor - start).total_seconds() * 0.95)
                end = start + timedelta(seconds=min(values.number(rng, 30.0, 43200.0, "run", skew=2.0), longest))
        tag = coll.field_value("tag", index)
        return Workflow(
            index=index,
            name=self.name_of(index, rng),
            uuid=values.uuid(rng, "uuid"),
            user=coll.field_value("user", index),
            pool=coll.field_value("pool", index),
            status=status,
            priority=WorkflowPriority(coll.field_value("priority", index)),
            tag=None if tag == NO_TAG else tag,
            submit_time=submit,
            start_time=start,
            end_time=end,
            queued_time=queued,
            app_name=rng.choice(PROJECTS, "project"),
            app_version=rng.integer(1, 12, "app_version"),
        )

    def find(self, name: str) -> Workflow | None:
        """The workflow with this exact name, or None."""
        index = index_of(name)
        if index is None or index >= self.collection.total or self.name_of(index) != name:
            return None
        return self.collection.get(index)

    def groups(self, wf: Workflow) -> tuple[Group, ...]:
        """The workflow's groups (a chain DAG) with their tasks, as of the anchor."""
        return groups(wf, self.seed, self.anchor, self.nodes)

    def find_task(self, wf: Workflow, task_name: str) -> tuple[Group, Task] | None:
        """The task with this name in the workflow, with its group."""
        for group in self.groups(wf):
            for task in group.tasks:
                if task.name == task_name:
                    return group, task
        return None


@cache
def _workflows(
    seed: int, total: int, users: tuple[str, ...], pools: tuple[str, ...], nodes: int, anchor: datetime
) -> Workflows:
    return Workflows(seed, total, users, pools, nodes, anchor)


def workflows(ctx: Context) -> Workflows:
    """The workflows this request sees (built once per seed, volume and hour, then cached)."""
    total = ctx.volume(WORKFLOWS, 10_000)
    return _workflows(
        ctx.seed, total, catalog.users(ctx), catalog.pools(ctx), catalog.nodes_per_pool(ctx), hour_of(ctx.now)
    )


# Groups and tasks


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


def group_statuses(wf: Workflow, plan: tuple[str, ...], rng: Rng) -> list[TaskGroupStatus]:
    """Each group's status from the workflow's: done before the current group, waiting after it."""
    n = len(plan)
    if wf.status == WorkflowStatus.COMPLETED:
        return [TaskGroupStatus.COMPLETED] * n
    if wf.status in (WorkflowStatus.PENDING, WorkflowStatus.WAITING) or wf.status in QUEUE_FAILURES:
        first = {
            WorkflowStatus.PENDING: TaskGroupStatus.SCHEDULING,
            WorkflowStatus.WAITING: TaskGroupStatus.WAITING,
        }.get(wf.status) or _GROUP_FAILURE[wf.status]
        rest = TaskGroupStatus.FAILED_UPSTREAM if wf.status in QUEUE_FAILURES else TaskGroupStatus.WAITING
        return [first] + [rest] * (n - 1)
    current = rng.integer(0, n - 1, "current")
    now = TaskGroupStatus.RUNNING if wf.status == WorkflowStatus.RUNNING else _GROUP_FAILURE[wf.status]
    after = TaskGroupStatus.WAITING if wf.status == WorkflowStatus.RUNNING else TaskGroupStatus.FAILED_UPSTREAM
    return [TaskGroupStatus.COMPLETED] * current + [now] + [after] * (n - current - 1)


def groups(wf: Workflow, seed: int, now: datetime, nodes: int) -> tuple[Group, ...]:
    """The workflow's groups, a chain in plan order, with their tasks; `now` bounds a live one."""
    rng = Rng.root(seed, "osmo", "workflow", wf.index, "groups")
    plan = rng.choice(GROUP_PLANS, "plan")
    statuses = group_statuses(wf, plan, rng)
    span_start = wf.start_time
    span_end = wf.end_time or now
    out = []
    for k, (name, status) in enumerate(zip(plan, statuses, strict=True)):
        start = end = None
        if span_start is not None and span_end is not None and status not in _NOT_STARTED:
            width = (span_end - span_start) / len(plan)
            start = span_start + width * k
            end = start + width if _finished(status) else None
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


_NOT_STARTED = (
    TaskGroupStatus.SUBMITTING,
    TaskGroupStatus.WAITING,
    TaskGroupStatus.PROCESSING,
    TaskGroupStatus.SCHEDULING,
    TaskGroupStatus.FAILED_UPSTREAM,
    TaskGroupStatus.FAILED_QUEUE_TIMEOUT,
    TaskGroupStatus.FAILED_SERVER_ERROR,
)


def _finished(status: TaskGroupStatus) -> bool:
    return status == TaskGroupStatus.COMPLETED or status.value.startswith("FAILED")


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
