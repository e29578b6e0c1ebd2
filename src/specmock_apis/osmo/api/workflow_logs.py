"""The text/plain endpoints of a workflow: spec, logs, error logs and events."""

from __future__ import annotations

from specmock.generators import Context, ProblemError, Reply
from specmock_apis.osmo import generators
from specmock_apis.osmo.api.workflow import found
from specmock_apis.osmo.data.workflow_text import events, log_lines, select, spec_yaml
from specmock_apis.osmo.data.workflows import workflows


def _text(body: str) -> Reply:
    return Reply(body, media_type="text/plain; charset=utf-8")


def _task_name(ctx: Context, names: list[str]) -> str | None:
    """The task_name filter, checked against the workflow's tasks (an unknown task is a 404)."""
    wanted = ctx.params.get("task_name")
    if wanted is not None and wanted not in names:
        raise ProblemError(404, f"Task {wanted} is not found in workflow {ctx.params['name']}")
    return wanted


@generators.operation("get_workflow_spec_api_workflow__name__spec_get")
def get_spec(ctx: Context) -> Reply:
    """GET /api/workflow/{name}/spec: the submitted YAML, or its template with placeholders."""
    wf = found(ctx, ctx.params["name"])
    return _text(spec_yaml(wf, workflows(ctx).groups(wf), bool(ctx.params.get("use_template"))))


def _logs(ctx: Context, errors_only: bool) -> Reply:
    everyone = workflows(ctx)
    wf = found(ctx, ctx.params["name"])
    groups = everyone.groups(wf)
    task = _task_name(ctx, [t.name for g in groups for t in g.tasks])
    lines = [
        line
        for line in log_lines(wf, groups, ctx.seed, everyone.now)
        if line.at <= everyone.now and (line.error or not errors_only)
    ]
    return _text(select(lines, task, ctx.params.get("query"), ctx.params.get("last_n_lines")))


@generators.operation("get_workflow_logs_api_workflow__name__logs_get")
def get_logs(ctx: Context) -> Reply:
    """GET /api/workflow/{name}/logs: `[osmo]` lifecycle lines, the program's output, errors."""
    return _logs(ctx, errors_only=False)


@generators.operation("get_workflow_error_logs_api_workflow__name__error_logs_get")
def get_error_logs(ctx: Context) -> Reply:
    """GET /api/workflow/{name}/error_logs: only the lines that report the failure."""
    return _logs(ctx, errors_only=True)


@generators.operation("get_workflow_pod_conditions_api_workflow__name__events_get")
def get_events(ctx: Context) -> Reply:
    """GET /api/workflow/{name}/events: Kubernetes events of the pods, oldest first."""
    everyone = workflows(ctx)
    wf = found(ctx, ctx.params["name"])
    groups = everyone.groups(wf)
    task = _task_name(ctx, [t.name for g in groups for t in g.tasks])
    text = "".join(
        event.render(pod) + "\n"
        for event, pod in events(wf, groups, everyone.nodes)
        if (task is None or event.task == task) and event.at <= everyone.now
    )
    return _text(text)
