"""Exec, port-forward and webserver sessions: the four RouterResponse operations of
specs/osmo.yaml, and routes to list and close sessions (the spec has none).

As in the real service, a session opens only on a RUNNING workflow's RUNNING task. The real
service answers 410 or 425 otherwise; the spec declares only 422, so that is the refusal here,
with the real service's message. Each session is kept in the state overlay under "sessions";
its key is drawn from (seed, workflow, task, a counter in the store), so the same calls after a
reset give the same keys. `router_address` points at this mock's router (specmock_apis.osmo.sim.router).
"""

from __future__ import annotations

from typing import Any

from specmock.generators import Context, ProblemError, Reply, values
from specmock_apis.generated.osmo.models import TaskGroupStatus, WorkflowStatus
from specmock_apis.osmo import generators
from specmock_apis.osmo.api.workflow import found
from specmock_apis.osmo.data import catalog
from specmock_apis.osmo.data.workflows import Group, Task, Workflow, workflows
from specmock_apis.osmo.sim.container import Machine

SESSIONS = "sessions"
COUNTERS = "counters"
ROUTER = generators.path_of("/router")
MAX_PORTS = 10  # ports per port-forward call
# port -> the service a task usually serves there
SERVICES = {8080: "Web app", 8888: "Jupyter", 6006: "TensorBoard", 8265: "Ray Dashboard", 5000: "MLflow"}
KINDS = ("exec", "portforward", "webserver")


def refused(where: tuple[str, str], message: str) -> ProblemError:
    """A 422 in the spec's HTTPValidationError shape, naming the parameter at fault."""
    detail = [{"loc": list(where), "msg": message, "type": "value_error"}]
    return ProblemError(422, f"{where[1]}: {message}", body={"detail": detail})


def running_task(ctx: Context, name: str, task_name: str) -> tuple[Workflow, Group, Task]:
    """The workflow, group and task a session opens on: 404 when unknown, 422 unless both run."""
    wf = running_workflow(ctx, name)
    hit = workflows(ctx).find_task(wf, task_name)
    if hit is None:
        raise ProblemError(404, f"Task {task_name} is not found in workflow {wf.name}")
    group, task = hit
    if task.status != TaskGroupStatus.RUNNING:
        raise refused(("path", "task_name"), f"Task {task.name} is not running (status {task.status.value})!")
    return wf, group, task


def running_workflow(ctx: Context, name: str) -> Workflow:
    """The named workflow if it runs; the real service's messages for one that does not."""
    wf = found(ctx, name)
    if wf.status == WorkflowStatus.RUNNING:
        return wf
    if wf.alive:
        raise refused(("path", "name"), f"Workflow {wf.name} is not running yet...")
    raise refused(("path", "name"), f"Workflow {wf.name} is not running!")


def router_address(ctx: Context) -> str:
    """The mock's router as the client reached the mock: ws://host:port/_specmock/osmo/router."""
    base = str(ctx.request.base_url).rstrip("/") if ctx.request is not None else "http://127.0.0.1:8000"
    return ("wss" if base.startswith("https:") else "ws") + base[base.index(":") :] + ROUTER


def machine(ctx: Context, wf: Workflow, group: Group, task: Task) -> Machine:
    """The task's container as its shell sees it."""
    started = task.start_time or wf.start_time or wf.submit_time
    return Machine(
        seed=ctx.seed,
        workflow=wf.name,
        task=task.name,
        group=group.name,
        user=wf.user,
        hostname=task.pod_name,
        pool=wf.pool,
        node=task.node or "",
        pod_ip=task.pod_ip or "",
        gpu_type=catalog.gpu_type(wf.pool),
        gpus=task.gpu,
        cpus=task.cpu,
        memory_gib=task.memory,
        started=started.isoformat(),
        groups=tuple((g.name, tuple(t.name for t in g.tasks)) for g in workflows(ctx).groups(wf)),
    )


def open_session(ctx: Context, kind: str, wf: Workflow, group: Group, task: Task, **extra: Any) -> dict[str, str]:
    """Keep a new session in the store; its RouterResponse."""
    # one atomic step: two requests at once (another worker, too) must not draw the same key
    count = int(ctx.entity(COUNTERS).update(SESSIONS, lambda n: int(n or 0) + 1))
    rng = generators.rng(ctx.seed, "session", wf.name, task.name, count)
    # the real service's keys are the action's name and a unique id
    key = f"{kind.upper()}-{values.hex_digest(rng, 'key', 32)}"
    response = {
        "router_address": router_address(ctx),
        "key": key,
        "cookie": f"AWSALB={values.hex_digest(rng, 'cookie', 40)}",
    }
    record = {
        **response,
        "kind": kind,
        "workflow": wf.name,
        "group": group.name,
        "task": task.name,
        "created_at": ctx.now.isoformat().replace("+00:00", "Z"),
        "machine": machine(ctx, wf, group, task).to_json(),
        **extra,
    }
    ctx.entity(SESSIONS).put(key, record)
    return response


def session(ctx: Context, key: str, kind: str | None = None, workflow: str | None = None) -> dict[str, Any]:
    """An open session by key (and kind and workflow, when given), or a 404 naming it."""
    record = ctx.entity(SESSIONS).get(key)
    if (
        not isinstance(record, dict)
        or (kind and record["kind"] != kind)
        or (workflow and record["workflow"] != workflow)
    ):
        what = f"{kind} session" if kind else "session"
        where = f" of workflow {workflow}" if workflow else ""
        raise ProblemError(404, f"There is no open {what} {key}{where}")
    return record


def page_url(record: dict[str, Any]) -> str:
    """Where a browser sees a forwarded port's service."""
    address = str(record["router_address"])
    return "http" + address[2:] + f"/webserver/{record['key']}/"


def public(record: dict[str, Any]) -> dict[str, Any]:
    """A session as the sessions routes show it: no internal shell state."""
    kind = record["kind"]
    out = {k: v for k, v in record.items() if k not in ("machine", "shell")}
    if kind == "webserver" or (kind == "portforward" and not record.get("use_udp")):
        out["url"] = page_url(record)
    if kind in ("exec", "portforward"):
        out["client_url"] = f"{record['router_address']}/api/router/{kind}/{record['workflow']}/client/{record['key']}"
    return out


def port(where: str, value: int) -> int:
    """A TCP/UDP port, checked."""
    if not 1 <= value <= 65535:
        raise refused(("query", where), f"port {value} is not between 1 and 65535")
    return value


def service(port_number: int) -> str:
    """The service a task usually serves on a port."""
    return SERVICES.get(port_number, f"Service on port {port_number}")


# The spec's operations


@generators.operation("exec_into_task_api_workflow__name__exec_task__task_name__post")
def exec_into_task(ctx: Context) -> dict[str, str]:
    """POST /api/workflow/{name}/exec/task/{task_name}: a shell session in a running task."""
    command = str(ctx.params.get("entry_command") or "").strip()
    if not command:
        raise refused(("query", "entry_command"), "must not be empty (e.g. /bin/bash)")
    wf, group, task = running_task(ctx, ctx.params["name"], ctx.params["task_name"])
    return open_session(ctx, "exec", wf, group, task, entry_command=command)


@generators.operation("exec_into_group_api_workflow__name__exec_group__group_name__post")
def exec_into_group(ctx: Context) -> dict[str, dict[str, str]]:
    """POST /api/workflow/{name}/exec/group/{group_name}: one session per running task of the group."""
    command = str(ctx.params.get("entry_command") or "").strip()
    if not command:
        raise refused(("query", "entry_command"), "must not be empty (e.g. /bin/bash)")
    wf = running_workflow(ctx, ctx.params["name"])
    name = ctx.params["group_name"]
    group = next((g for g in workflows(ctx).groups(wf) if g.name == name), None)
    if group is None:
        raise ProblemError(404, f"Group {name} is not found in workflow {wf.name}")
    tasks = [t for t in group.tasks if t.status == TaskGroupStatus.RUNNING]
    if not tasks:
        raise refused(("path", "group_name"), f"Group {group.name} has no running task (status {group.status.value})!")
    return {t.name: open_session(ctx, "exec", wf, group, t, entry_command=command) for t in tasks}


@generators.operation("port_forward_task_api_workflow__name__portforward__task_name__post")
def port_forward_task(ctx: Context) -> list[dict[str, str]]:
    """POST /api/workflow/{name}/portforward/{task_name}: one session per port, as a list."""
    ports = list(ctx.params.get("task_ports") or [])
    if not ports:
        raise refused(("query", "task_ports"), "No port is provided!")
    if len(ports) > MAX_PORTS:
        raise refused(
            ("query", "task_ports"),
            f"Number of ports to portforward ({len(ports)}) exceeds the maximum number of ports per call "
            f"({MAX_PORTS})!",
        )
    checked = [port("task_ports", int(p)) for p in ports]
    udp = bool(ctx.params.get("use_udp"))
    wf, group, task = running_task(ctx, ctx.params["name"], ctx.params["task_name"])
    return [open_session(ctx, "portforward", wf, group, task, port=p, use_udp=udp, service=service(p)) for p in checked]


@generators.operation("port_forward_webserver_api_workflow__name__webserver__task_name__post")
def port_forward_webserver(ctx: Context) -> dict[str, str]:
    """POST /api/workflow/{name}/webserver/{task_name}: a browser session to a task's web port."""
    p = port("task_port", int(ctx.params["task_port"]))
    wf, group, task = running_task(ctx, ctx.params["name"], ctx.params["task_name"])
    return open_session(ctx, "webserver", wf, group, task, port=p, service=service(p))


# Routes the spec does not have: list, show and close sessions; the common ports


@generators.route("/sessions")
def list_sessions(ctx: Context) -> dict[str, Any]:
    """GET /_specmock/osmo/sessions[?workflow=&task=&kind=]: the open sessions, oldest first."""
    kind = ctx.params.get("kind")
    if kind is not None and kind not in KINDS:
        raise refused(("query", "kind"), f"must be one of {', '.join(KINDS)}")
    wanted = {k: ctx.params[k] for k in ("workflow", "task", "kind") if ctx.params.get(k)}
    records = [r for _, r in ctx.entity(SESSIONS).items()]
    return {"sessions": [public(r) for r in records if all(r.get(k) == v for k, v in wanted.items())]}


@generators.route("/sessions/{key}")
def get_session(ctx: Context) -> dict[str, Any]:
    """GET /_specmock/osmo/sessions/{key}: one open session."""
    return public(session(ctx, ctx.params["key"]))


@generators.route("/sessions/{key}", methods=["DELETE"])
def close_session(ctx: Context) -> Reply:
    """DELETE /_specmock/osmo/sessions/{key}: close a session (its shell and its router address stop answering)."""
    key = session(ctx, ctx.params["key"])["key"]
    ctx.entity(SESSIONS).delete(key)
    return Reply(status=204)


@generators.route("/ports")
def common_ports(ctx: Context) -> dict[str, Any]:
    """GET /_specmock/osmo/ports: the ports tasks usually serve, and their services."""
    return {"ports": [{"port": p, "service": name} for p, name in SERVICES.items()]}
