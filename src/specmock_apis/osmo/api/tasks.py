"""GET /api/task: the tasks of the workflows, as a list, a summary per user and pool, or per workflow.

Tasks are not a collection of their own: they are the tasks of the workflows, newest workflow
first, exactly as each workflow's detail shows them. Workflow-level filters (users, pools,
priority, submitted before `started_before`) are exact through the workflow collection; task-level
filters (statuses, nodes, started_after/before) are applied while walking those workflows, at most
SCAN_LIMIT of them per request, so a filter that matches almost nothing still answers in bounded
time. With `workflow_id` only that workflow's tasks are listed.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from specmock.generators import Context, as_utc
from specmock_apis.osmo import generators
from specmock_apis.osmo.api.workflow import DASHBOARD, list_filters, page_bounds, when
from specmock_apis.osmo.data.workflows import Task, Workflow, Workflows, workflows

SCAN_LIMIT = 5_000  # workflows walked per request, newest first
CHUNK = 200


def _workflows_walked(ctx: Context, everyone: Workflows) -> Iterator[Workflow]:
    """The workflows whose tasks the request can see, newest first, at most SCAN_LIMIT."""
    name = ctx.params.get("workflow_id")
    if name is not None:
        wf = everyone.find(name)
        if wf is not None:
            yield wf
        return
    filters = list_filters(ctx, everyone)
    if filters is None:
        return
    for start in range(0, SCAN_LIMIT, CHUNK):
        items, more = everyone.page(start, CHUNK, filters, None, before=ctx.params.get("started_before"))
        yield from items
        if not more:
            return


def _instant(value: datetime | None) -> datetime | None:
    return None if value is None else as_utc(value)


def _selected(ctx: Context, task: Task) -> bool:
    p = ctx.params
    after, before = _instant(p.get("started_after")), _instant(p.get("started_before"))
    if p.get("statuses") and task.status.value not in p["statuses"]:
        return False
    if p.get("nodes") and task.node not in p["nodes"]:
        return False
    if after is not None and (task.start_time is None or task.start_time < after):
        return False
    return before is None or (task.start_time is not None and task.start_time < before)


def matching_tasks(ctx: Context) -> Iterator[tuple[Workflow, Task]]:
    """Every (workflow, task) pair the request selects, newest workflow first."""
    everyone = workflows(ctx)
    for wf in _workflows_walked(ctx, everyone):
        for group in everyone.groups(wf):
            for task in group.tasks:
                if _selected(ctx, task):
                    yield wf, task


def task_entry(wf: Workflow, task: Task) -> dict[str, Any]:
    """A task as the list shows it (ListTaskEntry), with the same values as the workflow detail."""
    base = f"/api/workflow/{wf.name}"
    duration = None
    if task.start_time is not None and task.end_time is not None:
        duration = round((task.end_time - task.start_time).total_seconds(), 3)
    return {
        "user": wf.user,
        "workflow_id": wf.name,
        "workflow_uuid": wf.uuid,
        "task_name": task.name,
        "retry_id": task.retry_id,
        "pool": wf.pool,
        "node": task.node,
        "start_time": when(task.start_time),
        "end_time": when(task.end_time),
        "duration": duration,
        "status": task.status.value,
        "overview": f"{DASHBOARD}/workflows/{wf.name}/tasks/{task.name}",
        "logs": f"{base}/logs?task_name={task.name}",
        "error_logs": f"{base}/error_logs?task_name={task.name}" if task.failure_message else None,
        "grafana_url": f"{DASHBOARD}/grafana/d/task?var-workflow={wf.name}&var-task={task.name}",
        "dashboard_url": f"{DASHBOARD}/workflows/{wf.name}/tasks/{task.name}",
        "storage": task.storage,
        "cpu": task.cpu,
        "memory": task.memory,
        "gpu": task.gpu,
        "priority": wf.priority.value,
    }


def _summaries(ctx: Context, by_workflow: bool) -> list[dict[str, Any]]:
    """Resources summed per (user, pool, priority), or per workflow; in first-seen order."""
    sums: dict[tuple[str, ...], dict[str, Any]] = {}
    for wf, task in matching_tasks(ctx):
        key = (wf.name,) if by_workflow else (wf.user, wf.pool, wf.priority.value)
        entry = sums.setdefault(
            key,
            {
                "user": wf.user,
                "pool": wf.pool,
                "storage": 0.0,
                "cpu": 0,
                "memory": 0.0,
                "gpu": 0,
                "priority": wf.priority.value,
                **({"workflow_id": wf.name} if by_workflow else {}),
            },
        )
        for resource in ("storage", "cpu", "memory", "gpu"):
            entry[resource] += getattr(task, resource)
    return list(sums.values())


@generators.operation("list_task_api_task_get")
def list_tasks(ctx: Context) -> dict[str, Any]:
    """GET /api/task: a page of tasks (newest workflow first), or the resources of all of them summed."""
    offset, limit = page_bounds(ctx)
    # a summary adds up every selected task: paging it would make its sums depend on the page
    if ctx.params.get("aggregate_by_workflow"):
        return {"summaries": _summaries(ctx, by_workflow=True)}
    if ctx.params.get("summary"):
        return {"summaries": _summaries(ctx, by_workflow=False)}
    page = []
    for k, (wf, task) in enumerate(matching_tasks(ctx)):
        if k >= offset + limit:
            break
        if k >= offset:
            page.append(task_entry(wf, task))
    return {"tasks": page if ctx.params.get("order") == "DESC" else page[::-1]}
