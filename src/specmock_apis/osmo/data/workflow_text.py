"""The text/plain views of a workflow: its spec (YAML), logs, error logs and Kubernetes events.

Every line is derived from the same groups and tasks that the detail shows, so a failure
message in the detail reappears in the error logs and as a Failed event at the same moment.
Nothing after the collection's anchor is ever written: a running task's log stops at "now".
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import yaml

from specmock.generators import Rng, values
from specmock_apis.generated.osmo.models import TaskGroupStatus
from specmock_apis.osmo import generators
from specmock_apis.osmo.data.records import Group, Task, Workflow

WORKFLOW = "workflow"  # the source of lines about the whole workflow rather than one task
MAX_LINES_PER_TASK = 400  # a month-long task still answers a page of text, not megabytes
IMAGES = {
    "download": "nvcr.io/nvidia/osmo/data-tools:2.4.1",
    "preprocess": "nvcr.io/nvidia/pytorch:24.05-py3",
    "train": "nvcr.io/nvidia/pytorch:24.05-py3",
    "evaluate": "nvcr.io/nvidia/pytorch:24.05-py3",
    "export": "nvcr.io/nvidia/tritonserver:24.05-py3",
}
# The log line each failing status leaves behind, as the container or OSMO would print it.
ERROR_LINES = {
    TaskGroupStatus.FAILED: 'Traceback (most recent call last):\n  File "/workspace/{step}.py", line {line}, in '
    "<module>\nRuntimeError: CUDA error: an illegal memory access was encountered",
    TaskGroupStatus.FAILED_EXEC_TIMEOUT: "[osmo] Task {task} exceeded its exec timeout; sending SIGKILL",
    TaskGroupStatus.FAILED_CANCELED: "[osmo] Workflow canceled by {user}; sending SIGTERM to {task}",
    TaskGroupStatus.FAILED_BACKEND_ERROR: "[osmo] Backend error: pod {pod} deleted unexpectedly",
    TaskGroupStatus.FAILED_IMAGE_PULL: "[osmo] Failed to pull image {image}: manifest unknown",
    TaskGroupStatus.FAILED_EVICTED: "[osmo] Pod {pod} evicted: the node was low on resource: memory (OOMKilled)",
    TaskGroupStatus.FAILED_START_ERROR: "[osmo] Container failed to start: exec format error",
    TaskGroupStatus.FAILED_START_TIMEOUT: "[osmo] Container did not start within the start timeout",
    TaskGroupStatus.FAILED_PREEMPTED: "[osmo] Pod {pod} preempted by a higher priority workflow",
    TaskGroupStatus.FAILED_SERVER_ERROR: "[osmo] OSMO service error while submitting group {group}",
    TaskGroupStatus.FAILED_QUEUE_TIMEOUT: "[osmo] Group {group} was not scheduled before its queue timeout",
    TaskGroupStatus.FAILED_UPSTREAM: "[osmo] Group {group} will not run: an upstream group failed",
}


@dataclass(frozen=True)
class Line:
    """One line of text with the moment it was written and whether it reports an error."""

    at: datetime
    task: str
    text: str
    error: bool = False

    def render(self) -> str:
        """The line as the logs endpoint prints it."""
        return f"{_stamp(self.at)} [{self.task}] {self.text}"


def _stamp(at: datetime) -> str:
    return at.strftime("%Y-%m-%dT%H:%M:%S.") + f"{at.microsecond // 1000:03d}Z"


def image(task: Task) -> str:
    """The container image a task runs."""
    return IMAGES.get(task.group, IMAGES["train"])


def command(wf: Workflow, task: Task) -> tuple[list[str], list[str]]:
    """The command and arguments of a task's container."""
    if task.group == "train":
        config = f"--config=configs/{wf.app_name}.yaml"
        return ["torchrun"], [f"--nproc_per_node={max(1, task.gpu)}", "train.py", config]
    if task.group == "download":
        return ["osmo-data"], ["download", f"s3://osmo-datasets/{wf.app_name}/", "/data"]
    return ["python"], [f"{task.group}.py", "--data=/data", "--output=/output"]


def spec_yaml(wf: Workflow, groups: tuple[Group, ...], template: bool) -> str:
    """The workflow spec the user submitted; the template form keeps the `{{ }}` placeholders."""
    name = "{{workflow_name}}" if template else wf.name
    lead = groups[0].tasks[0] if groups and groups[0].tasks else None
    spec: dict[str, Any] = {
        "workflow": {
            "name": name,
            "pool": wf.pool,
            "priority": wf.priority.value,
            "resources": {
                "default": {
                    "cpu": lead.cpu if lead else 8,
                    "gpu": lead.gpu if lead else 0,
                    "memory": f"{int(lead.memory) if lead else 32}Gi",
                    "storage": f"{int(lead.storage) if lead else 50}Gi",
                }
            },
            "groups": [
                {
                    "name": group.name,
                    **({"depends_on": list(group.upstream)} if group.upstream else {}),
                    "tasks": [_task_spec(wf, task) for task in group.tasks],
                }
                for group in groups
            ],
        }
    }
    if wf.tags:
        spec["workflow"]["tags"] = list(wf.tags)
    return yaml.safe_dump(spec, sort_keys=False)


def _task_spec(wf: Workflow, task: Task) -> dict[str, object]:
    cmd, args = command(wf, task)
    return {
        "name": task.name,
        "image": image(task),
        "command": cmd,
        "args": args,
        **({"lead": True} if task.lead else {}),
        "resources": {"gpu": task.gpu, "cpu": task.cpu, "memory": f"{int(task.memory)}Gi"},
    }


def log_lines(wf: Workflow, groups: tuple[Group, ...], seed: int, now: datetime) -> list[Line]:
    """Every log line of every task, in time order (ties keep group and task order)."""
    lines = [Line(wf.submit_time, WORKFLOW, f"[osmo] Workflow {wf.name} submitted by {wf.user} to pool {wf.pool}")]
    if wf.start_time is not None:
        queued = f"[osmo] Workflow {wf.name} started after {wf.queued_time:.0f}s in queue"
        lines.append(Line(wf.start_time, WORKFLOW, queued))
    if wf.end_time is not None:
        failed = wf.status.value.startswith("FAILED")
        lines.append(Line(wf.end_time, WORKFLOW, f"[osmo] Workflow {wf.name} finished: {wf.status.value}", failed))
    for group in groups:
        for task in group.tasks:
            lines.extend(_task_lines(wf, group, task, generators.rng(seed, "logs", wf.index, task.name), now))
    lines.sort(key=lambda line: line.at)
    return lines


def _task_lines(wf: Workflow, group: Group, task: Task, rng: Rng, now: datetime) -> Iterator[Line]:
    start = task.start_time
    if start is None:
        if group.status in ERROR_LINES:
            yield Line(group.end_time or wf.end_time or wf.submit_time, task.name, _error(wf, group, task), True)
        return
    end = task.end_time or now
    span = max(timedelta(seconds=1), end - start)
    yield Line(start, task.name, f"[osmo] Task {task.name} scheduled on node {task.node} in pool {wf.pool}")
    yield Line(start + span * 0.002, task.name, f"[osmo] Pulling image {image(task)}")
    if group.status == TaskGroupStatus.FAILED_IMAGE_PULL:
        yield Line(start + span * 0.5, task.name, _error(wf, group, task), True)
        return
    cmd, args = command(wf, task)
    yield Line(start + span * 0.004, task.name, f"[osmo] Starting container: {' '.join(cmd + args)}")
    yield from _work_lines(group, task, start, span, rng)
    if task.end_time is None:
        return
    if task.failure_message:
        yield Line(task.end_time, task.name, _error(wf, group, task), True)
        yield Line(task.end_time, task.name, f"[osmo] Task {task.name} failed with exit code {task.exit_code}", True)
    elif group.status == TaskGroupStatus.COMPLETED:
        yield Line(task.end_time, task.name, f"[osmo] Task {task.name} completed with exit code 0")


def _work_lines(group: Group, task: Task, start: datetime, span: timedelta, rng: Rng) -> Iterator[Line]:
    """What the program prints: training metrics, evaluation results or progress."""
    body = span * 0.99
    count = max(1, min(MAX_LINES_PER_TASK - 8, int(body.total_seconds() // 60)))
    epochs = rng.integer(3, 30, "epochs")
    first_loss = values.number(rng, 2.0, 6.0, "loss")
    for k in range(count):
        at = start + span * 0.005 + body * (k / count)
        progress = (k + 1) / count
        if group.name == "train":
            epoch = min(epochs, 1 + int(progress * epochs))
            loss = first_loss * (0.08 + 0.92 * (1 - progress) ** 2) + rng.uniform(0, 0.05, "noise", k)
            accuracy = min(0.99, 0.1 + 0.85 * progress**0.6 + rng.uniform(-0.01, 0.01, "acc", k))
            text = f"epoch {epoch}/{epochs} step {k * 100} loss={loss:.4f} accuracy={accuracy:.4f} lr=3.0e-04"
        elif group.name == "evaluate":
            text = f"eval batch {k + 1}/{count} accuracy={0.7 + 0.25 * rng.random('eval', k):.4f}"
        else:
            text = f"{group.name}: {progress:.0%} done ({k + 1}/{count} shards)"
        yield Line(at, task.name, text)


def _error(wf: Workflow, group: Group, task: Task) -> str:
    template = ERROR_LINES.get(group.status, "[osmo] {task} failed: {message}")
    return template.format(
        task=task.name,
        group=group.name,
        pod=task.pod_name,
        image=image(task),
        user=wf.user,
        step=task.group,
        line=40 + len(task.name),
        message=task.failure_message or "",
    )


def select(lines: list[Line], task_name: str | None, query: str | None, last_n: int | None) -> str:
    """The text of the lines of one task (or all), containing `query`, the last `last_n` of them."""
    picked = [
        rendered
        for line in lines
        if task_name is None or line.task == task_name
        for rendered in [line.render()]
        if query is None or query in rendered
    ]
    if last_n is not None:
        picked = picked[-last_n:] if last_n > 0 else []
    return "".join(f"{line}\n" for line in picked)


# Kubernetes events


@dataclass(frozen=True)
class Event:
    """A Kubernetes event about a task's pod."""

    at: datetime
    task: str
    kind: str  # Normal or Warning
    reason: str
    message: str

    def render(self, pod: str) -> str:
        """The event as `kubectl get events` would list it."""
        return f"{_stamp(self.at)} {self.kind:<7} {self.reason:<16} pod/{pod} {self.message}"


WARNINGS = {
    TaskGroupStatus.FAILED: ("Failed", "Error: container exited with code {code}"),
    TaskGroupStatus.FAILED_EXEC_TIMEOUT: ("Killing", "Stopping container {task}: exec timeout exceeded"),
    TaskGroupStatus.FAILED_CANCELED: ("Killing", "Stopping container {task}: workflow canceled"),
    TaskGroupStatus.FAILED_BACKEND_ERROR: ("FailedKillPod", "error killing pod: pod deleted unexpectedly"),
    TaskGroupStatus.FAILED_EVICTED: ("Evicted", "The node was low on resource: memory."),
    TaskGroupStatus.FAILED_START_ERROR: ("Failed", "Error: failed to start container: exec format error"),
    TaskGroupStatus.FAILED_START_TIMEOUT: ("Failed", "Error: container did not start in time"),
    TaskGroupStatus.FAILED_PREEMPTED: ("Preempted", "Preempted by a higher priority workload"),
}


def events(wf: Workflow, groups: tuple[Group, ...], nodes: int) -> list[tuple[Event, str]]:
    """Every pod event of the workflow with its pod name, in time order."""
    out: list[tuple[Event, str]] = []
    for group in groups:
        for task in group.tasks:
            out.extend((event, task.pod_name) for event in _task_events(wf, group, task, nodes))
    out.sort(key=lambda pair: pair[0].at)
    return out


def _task_events(wf: Workflow, group: Group, task: Task, nodes: int) -> Iterator[Event]:
    start, end, quoted = task.start_time, task.end_time, f'"{image(task)}"'

    def normal(at: datetime, reason: str, message: str) -> Event:
        return Event(at, task.name, "Normal", reason, message)

    def warning(at: datetime, reason: str, message: str) -> Event:
        return Event(at, task.name, "Warning", reason, message)

    if start is None:
        if group.status in (TaskGroupStatus.SCHEDULING, TaskGroupStatus.FAILED_QUEUE_TIMEOUT):
            message = f"0/{nodes} nodes are available: {nodes} Insufficient nvidia.com/gpu."
            yield warning(wf.submit_time + timedelta(seconds=5), "FailedScheduling", message)
        return
    second = timedelta(seconds=1)
    yield normal(start, "Scheduled", f"Successfully assigned osmo/{task.pod_name} to {task.node}")
    yield normal(start + second, "Pulling", f"Pulling image {quoted}")
    if group.status == TaskGroupStatus.FAILED_IMAGE_PULL:
        yield warning(start + 3 * second, "Failed", f"Failed to pull image {quoted}: manifest unknown")
        yield warning(start + 13 * second, "BackOff", f"Back-off pulling image {quoted}")
        return
    yield normal(start + 3 * second, "Pulled", f"Successfully pulled image {quoted}")
    yield normal(start + 4 * second, "Created", f"Created container {task.name}")
    yield normal(start + 5 * second, "Started", f"Started container {task.name}")
    if end is None:
        return
    if group.status == TaskGroupStatus.COMPLETED:
        yield normal(end, "Completed", f"Container {task.name} completed with exit code 0")
        return
    if group.status == TaskGroupStatus.FAILED_EVICTED:
        yield warning(end, "OOMKilled", f"Container {task.name} exceeded its memory limit ({int(task.memory)}Gi)")
    reason, message = WARNINGS.get(group.status, ("Failed", "Error: {task} did not finish"))
    yield warning(end, reason, message.format(task=task.name, code=task.exit_code))
    if group.status == TaskGroupStatus.FAILED:
        yield warning(end + 10 * second, "BackOff", "Back-off restarting failed container")
