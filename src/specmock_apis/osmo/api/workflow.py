"""Workflow list, detail and task endpoints of specs/osmo.yaml.

Paging follows the real service: `offset` counts from the newest matching workflow, and
`order` sorts the page itself (ASC, the spec's default: oldest of the page first; DESC: newest
first). Without `all_users` and `users` a developer sees their own workflows (the x-osmo-user
header, else the signed-in default user); `pools` restricts to those pools.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from specmock.generators import Context, ProblemError
from specmock_apis.osmo import generators
from specmock_apis.osmo.data import catalog
from specmock_apis.osmo.data.records import EPOCH, micros
from specmock_apis.osmo.data.workflows import Group, Task, Workflow, Workflows, workflows

MAX_LIMIT = 1000
DASHBOARD = "https://osmo.example.com"
HOUR = 3_600_000_000  # microseconds
MINUTES_SECONDS = tuple(f"{m:02d}:{s:02d}" for m in range(60) for s in range(60))
THOUSANDS = tuple(f"{n:03d}" for n in range(1000))  # three digits of the fraction of a second
WORKFLOWS_PAGE = f"{DASHBOARD}/workflows/"
GRAFANA_PAGE = f"{DASHBOARD}/grafana/d/workflow?var-workflow="


def invalid(where: str, message: str) -> ProblemError:
    """A 422 in the HTTPValidationError shape the spec declares, naming the query parameter."""
    detail = [{"loc": ["query", where], "msg": message, "type": "value_error"}]
    return ProblemError(422, f"{where}: {message}", body={"detail": detail})


def page_bounds(ctx: Context) -> tuple[int, int]:
    """offset and limit, checked: both >= 0, limit at most MAX_LIMIT."""
    offset, limit = int(ctx.params.get("offset") or 0), int(ctx.params.get("limit") or 0)
    if offset < 0:
        raise invalid("offset", "must be 0 or more")
    if not 0 <= limit <= MAX_LIMIT:
        raise invalid("limit", f"must be between 0 and {MAX_LIMIT}")
    return offset, limit


def when(value: datetime | None) -> str | None:
    """An instant as the API writes it (ISO 8601, Z), or None."""
    return None if value is None else iso(micros(value))


@generators.memo(maxsize=4096)
def _hour(hours: int) -> str:
    """`YYYY-MM-DDTHH:` of the hour that many hours after EPOCH."""
    days, hour = divmod(hours, 24)
    return f"{date.fromordinal(EPOCH.toordinal() + days).isoformat()}T{hour:02d}:"


def iso(us: int) -> str:
    """Microseconds since EPOCH as the API writes instants: what isoformat gives in UTC, with Z."""
    # a list entry writes up to three instants: divisions and lookups take a fifth of the time
    # of a datetime and its isoformat (the hours of a page are few, hence the cache), and a
    # format spec (:06d) would take as long as all the rest
    hours, rest = divmod(us, HOUR)
    seconds, fraction = divmod(rest, 1_000_000)
    if fraction:
        milli, micro = divmod(fraction, 1000)
        return f"{_hour(hours)}{MINUTES_SECONDS[seconds]}.{THOUSANDS[milli]}{THOUSANDS[micro]}Z"
    return f"{_hour(hours)}{MINUTES_SECONDS[seconds]}Z"


def _known(wanted: list[str] | None, known: tuple[str, ...]) -> list[str] | None:
    """The wanted values that exist; None for no constraint. Unknown ones can match nothing."""
    if not wanted:
        return None
    return [w for w in wanted if w in known]


def list_filters(ctx: Context, everyone: Workflows, tags: list[str] | None = None) -> dict[str, list[str]] | None:
    """The filters on fixed workflow fields (not status), or None when they can match nothing.

    `tags` comes from the caller: only the workflow list has that parameter.
    """
    p = ctx.params
    users = p.get("users") or ([] if p.get("all_users") else [p.get("x-osmo-user") or catalog.CURRENT_USER])
    wanted = {
        "priority": p.get("priority"),
        "user": _known(users, everyone.users),
        "pool": _known(p.get("pools"), everyone.pools),
        "tag": _known(tags, catalog.TAGS),
    }
    if any(v == [] for v in wanted.values()):
        return None
    return {k: list(v) for k, v in wanted.items() if v}


def labels(wf: Workflow) -> dict[str, str]:
    """The labels the list and the detail show: the project, and the first tag if any."""
    return {"project": wf.app_name, "tag": wf.tags[0]} if wf.tags else {"project": wf.app_name}


def list_entry(wf: Workflow) -> dict[str, Any]:
    """A workflow as the list shows it (ListEntry)."""
    # status and priority are StrEnums, hence strings, written as their values: no .value lookups
    name, status, started, ended = wf.name, wf.status, wf.started, wf.ended
    overview = WORKFLOWS_PAGE + name
    return {
        "user": wf.user,
        "name": name,
        "workflow_uuid": wf.uuid,
        "submit_time": iso(wf.submitted),
        "start_time": None if started is None else iso(started),
        "end_time": None if ended is None else iso(ended),
        "queued_time": wf.queued_time,
        "duration": wf.duration,
        "status": status,
        "overview": overview,
        "logs": f"/api/workflow/{name}/logs",
        "error_logs": f"/api/workflow/{name}/error_logs" if status.startswith("FAILED") else None,
        "grafana_url": GRAFANA_PAGE + name,
        "dashboard_url": overview,
        "pool": wf.pool,
        "app_owner": wf.user,
        "app_name": wf.app_name,
        "app_version": wf.app_version,
        "priority": wf.priority,
        "labels": labels(wf),
    }


@generators.operation("list_workflow_api_workflow_get")
def list_workflows(ctx: Context) -> dict[str, Any]:
    """GET /api/workflow: exact filters, exact pages, `more_entries` true only when more match."""
    offset, limit = page_bounds(ctx)
    everyone = workflows(ctx)
    filters = list_filters(ctx, everyone, ctx.params.get("tags"))
    if filters is None:
        return {"workflows": [], "more_entries": False}
    name = ctx.params.get("name")
    items, more = everyone.page(
        offset,
        limit,
        filters,
        ctx.params.get("statuses"),
        after=ctx.params.get("submitted_after"),
        before=ctx.params.get("submitted_before"),
        contains={"name": name} if name else None,
    )
    if ctx.params.get("order") != "DESC":
        items = items[::-1]
    return {"workflows": [list_entry(wf) for wf in items], "more_entries": more}


def found(ctx: Context, name: str) -> Workflow:
    """The named workflow, or the 404 the real service answers."""
    wf = workflows(ctx).find(name)
    if wf is None:
        raise ProblemError(404, f"Workflow {name} is not found")
    return wf


def task_detail(task: Task, wf: Workflow) -> dict[str, Any]:
    """A task inside a group of the detail (TaskQueryResponse)."""
    base = f"/api/workflow/{wf.name}"
    return {
        "name": task.name,
        "retry_id": task.retry_id,
        "status": task.status.value,
        "failure_message": task.failure_message,
        "exit_code": task.exit_code,
        "logs": f"{base}/logs?task_name={task.name}",
        "error_logs": f"{base}/error_logs?task_name={task.name}" if task.failure_message else None,
        "events": f"{base}/events?task_name={task.name}",
        "start_time": when(task.start_time),
        "end_time": when(task.end_time),
        "dashboard_url": f"{DASHBOARD}/workflows/{wf.name}/tasks/{task.name}",
        "pod_name": task.pod_name,
        "pod_ip": task.pod_ip,
        "task_uuid": task.uuid,
        "node_name": task.node,
        "lead": task.lead,
    }


def group_detail(group: Group, wf: Workflow) -> dict[str, Any]:
    """A group of the detail (GroupQueryResponse): its DAG edges and tasks."""
    return {
        "name": group.name,
        "status": group.status.value,
        "start_time": when(group.start_time),
        "end_time": when(group.end_time),
        "remaining_upstream_groups": list(group.upstream) if group.start_time is None else [],
        "downstream_groups": list(group.downstream),
        "failure_message": group.failure_message,
        "tasks": [task_detail(t, wf) for t in group.tasks],
    }


@generators.operation("get_workflow_api_workflow__name__get")
def get_workflow(ctx: Context) -> dict[str, Any]:
    """GET /api/workflow/{name}: the list entry's data plus groups (a DAG) and tasks."""
    wf = found(ctx, ctx.params["name"])
    base = f"/api/workflow/{wf.name}"
    detail = {
        "name": wf.name,
        "uuid": wf.uuid,
        "submitted_by": wf.user,
        "cancelled_by": wf.cancelled_by or (wf.user if wf.status.value == "FAILED_CANCELED" else None),
        "spec": f"{base}/spec",
        "template_spec": f"{base}/spec?use_template=true",
        "logs": f"{base}/logs",
        "events": f"{base}/events",
        "overview": f"{DASHBOARD}/workflows/{wf.name}",
        "dashboard_url": f"{DASHBOARD}/workflows/{wf.name}",
        "grafana_url": f"{DASHBOARD}/grafana/d/workflow?var-workflow={wf.name}",
        "tags": list(wf.tags),
        "submit_time": when(wf.submit_time),
        "start_time": when(wf.start_time),
        "end_time": when(wf.end_time),
        "exec_timeout": 86400.0,
        "queue_timeout": 3600.0,
        "duration": wf.duration,
        "queued_time": wf.queued_time,
        "status": wf.status.value,
        "outputs": "",
        "groups": [] if ctx.params.get("skip_groups") else [group_detail(g, wf) for g in workflows(ctx).groups(wf)],
        "pool": wf.pool,
        "backend": wf.pool.rsplit("-", 1)[0],
        "app_owner": wf.user,
        "app_name": wf.app_name,
        "app_version": wf.app_version,
        "plugins": {"rsync": False},
        "priority": wf.priority.value,
        "labels": labels(wf),
        "warnings": [],
    }
    return detail


@generators.operation("get_workflow_task_api_workflow__name__task__task_name__get")
def get_task(ctx: Context) -> dict[str, Any]:
    """GET /api/workflow/{name}/task/{task_name}: the same task the detail shows, with its resources."""
    wf = found(ctx, ctx.params["name"])
    hit = workflows(ctx).find_task(wf, ctx.params["task_name"])
    if hit is None:
        raise ProblemError(404, f"Task {ctx.params['task_name']} is not found in workflow {wf.name}")
    _, task = hit
    return {
        "workflow_id": wf.name,
        "task_name": task.name,
        "node": task.node,
        "start_time": when(task.start_time),
        "end_time": when(task.end_time),
        "status": task.status.value,
        "storage": task.storage,
        "cpu": task.cpu,
        "memory": task.memory,
        "gpu": task.gpu,
    }
