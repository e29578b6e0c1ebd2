"""The router a session's `router_address` points at: the mock's stand-in for OSMO's router.

Paths follow the real router's under /_specmock/osmo/router:
- `api/router/exec/{workflow}/client/{key}`: the session's shell. WebSocket: a text frame is a
  command line, answered by one text frame (output, then the prompt); the OSMO UI's protocol
  works too (a `{"Rows", "Cols"}` frame, then keystrokes as binary frames, echoed like a
  terminal). HTTP POST: a command line (JSON `{"command": ...}` or plain text), answered with
  JSON {output, prompt, cwd, exit_code, exited}.
- `api/router/portforward/{workflow}/client/{key}`: a TCP port-forward; an HTTP request sent
  through it is answered with the service's page.
- `api/router/webserver/{key}`: whether a session is open (the real router's check).
- `webserver/{key}/`: the forwarded service's page, for a browser.
A shell whose entry command is not bash or sh runs that command once and ends, as an exec does.
"""

from __future__ import annotations

import html
import json
import posixpath
import shlex
from collections.abc import Callable
from typing import Any

from starlette.websockets import WebSocket, WebSocketDisconnect

from specmock.generators import Context, ProblemError, Reply
from specmock_apis.osmo import generators
from specmock_apis.osmo.api.sessions import SESSIONS, refused, session
from specmock_apis.osmo.sim.container import WORKSPACE, Machine, files
from specmock_apis.osmo.sim.terminal import Shell, ShellState

SHELLS = ("bash", "sh")
NOT_FOUND = 4404  # WebSocket close code for an unknown or closed session


def _line_result(ctx: Context, record: dict[str, Any], line: str | None) -> dict[str, Any]:
    """Run a line (None: just start) in a session's shell; keep its state, or close it when it exits."""
    state = ShellState.from_json(record.get("shell"))
    shell = Shell(Machine.from_json(record["machine"]), state, ctx.now)
    output = ""
    if "shell" not in record and not _is_shell(str(record.get("entry_command") or "")):
        # a one-shot exec: the entry command runs, then the session ends
        output = shell.run(str(record["entry_command"]))
        state.exited = True
    elif line is not None:
        output = shell.run(line)
    if state.exited:
        ctx.entity(SESSIONS).delete(record["key"])
    else:
        ctx.entity(SESSIONS).put(record["key"], {**record, "shell": state.to_json()})
    return {
        "output": output,
        "prompt": "" if state.exited else shell.prompt(),
        "cwd": state.cwd,
        "exit_code": state.status,
        "exited": state.exited,
    }


def _is_shell(command: str) -> bool:
    try:
        words = shlex.split(command)
    except ValueError:
        return False
    return bool(words) and posixpath.basename(words[0]) in SHELLS


@generators.route("/router/api/router/exec/{name}/client/{key}", methods=["POST"])
def run_command(ctx: Context) -> dict[str, Any]:
    """POST a command line to an exec session's shell; JSON back with output, prompt, cwd, exited."""
    record = session(ctx, ctx.params["key"], "exec", ctx.params["name"])
    body = ctx.body
    line = body.get("command") if isinstance(body, dict) else body
    if not isinstance(line, str):
        raise refused(("body", "command"), 'send {"command": "<a command line>"} or the line as text/plain')
    return _line_result(ctx, record, line)


async def _open(
    websocket: WebSocket, context: Callable[[], Context], kind: str
) -> tuple[Context, dict[str, Any]] | None:
    """Accept the socket and find its session; an unknown one closes it with the reason."""
    await websocket.accept()
    ctx = context()
    try:
        return ctx, session(ctx, ctx.params["key"], kind, ctx.params["name"])
    except ProblemError as exc:
        await websocket.close(NOT_FOUND, _reason(exc.detail))
        return None


@generators.websocket("/router/api/router/exec/{name}/client/{key}")
async def terminal(websocket: WebSocket, context: Callable[[], Context]) -> None:
    """An exec session's shell over a WebSocket (text lines, or the UI's keystrokes)."""
    opened = await _open(websocket, context, "exec")
    if opened is None:
        return
    ctx, record = opened
    start = _line_result(ctx, record, None)
    await websocket.send_text(start["output"] + start["prompt"])
    if start["exited"]:
        await websocket.close()
        return
    keys = _Keystrokes()
    try:
        while True:
            message = await websocket.receive()
            if message["type"] == "websocket.disconnect":
                return
            if message.get("bytes") is not None:
                reply, done = keys.feed(
                    message["bytes"].decode("utf-8", errors="replace"), lambda line: _run(context, line)
                )
                await websocket.send_bytes(reply.encode())
            else:
                text = str(message.get("text") or "")
                if _resize(text):
                    # the UI's first frame (its terminal size): from now on it reads binary frames only
                    if not keys.started:
                        keys.started = True
                        await websocket.send_bytes(_run(context, "")["prompt"].encode())
                    continue
                result = _run(context, text)
                await websocket.send_text(result["output"] + result["prompt"])
                done = result["exited"]
            if done:
                await websocket.close()
                return
    except WebSocketDisconnect:
        return


def _reason(text: str) -> str:
    """A close reason: WebSocket allows 123 bytes."""
    return text.encode()[:123].decode(errors="ignore")


def _run(context: Callable[[], Context], line: str) -> dict[str, Any]:
    """Run one line with a fresh context (the clock moves on); a closed session says so."""
    ctx = context()
    try:
        record = session(ctx, ctx.params["key"], "exec", ctx.params["name"])
    except ProblemError as exc:
        return {"output": exc.detail + "\n", "prompt": "", "exited": True}
    return _line_result(ctx, record, line)


def _resize(text: str) -> bool:
    if not text.startswith("{"):
        return False
    try:
        data = json.loads(text)
    except json.JSONDecodeError:
        return False
    return isinstance(data, dict) and "Rows" in data and "Cols" in data


class _Keystrokes:
    """A terminal's line discipline: echo keys, edit the line, run it on Enter."""

    def __init__(self) -> None:
        self.line = ""
        self.escape = False
        self.started = False  # whether the prompt was sent as a binary frame

    def feed(self, keys: str, run: Callable[[str], dict[str, Any]]) -> tuple[str, bool]:
        """What the terminal shows for these keys, and whether the session ended."""
        out: list[str] = []
        for key in keys:
            if self.escape:  # the rest of an arrow or function key: the simulated line has no cursor
                self.escape = key in "[O" or (not key.isalpha() and key != "~")
                continue
            if key == "\x1b":
                self.escape = True
            elif key in "\r\n":
                out.append("\r\n")
                result = run(self.line)
                self.line = ""
                out.append(result["output"].replace("\n", "\r\n") + result["prompt"])
                if result["exited"]:
                    return "".join(out), True
            elif key in "\x7f\b":
                if self.line:
                    self.line = self.line[:-1]
                    out.append("\b \b")
            elif key == "\x03":
                self.line = ""
                result = run("")
                out.append("^C\r\n" + result["prompt"])
            elif key == "\x04" and not self.line:
                result = run("exit")
                out.append(result["output"].replace("\n", "\r\n"))
                return "".join(out), True
            elif key.isprintable():
                self.line += key
                out.append(key)
        return "".join(out), False


# Forwarded ports


@generators.route("/router/api/router/webserver/{key}")
def webserver_alive(ctx: Context) -> bool:
    """GET .../api/router/webserver/{key}: whether the session is open (the UI polls this)."""
    record = ctx.entity(SESSIONS).get(ctx.params["key"])
    return isinstance(record, dict) and record["kind"] in ("webserver", "portforward")


@generators.route("/router/webserver/{key}/")
def webserver_page(ctx: Context) -> Reply:
    """The forwarded service's page: names the service, workflow, task and port."""
    record = session(ctx, ctx.params["key"])
    if record["kind"] == "exec" or record.get("use_udp"):
        raise ProblemError(404, f"Session {record['key']} forwards no HTTP port")
    return Reply(page(record), media_type="text/html; charset=utf-8")


@generators.websocket("/router/api/router/portforward/{name}/client/{key}")
async def tunnel(websocket: WebSocket, context: Callable[[], Context]) -> None:
    """A TCP port-forward: each HTTP request sent through it is answered with the service's page."""
    opened = await _open(websocket, context, "portforward")
    if opened is None:
        return
    _, record = opened
    try:
        while True:
            data = await websocket.receive_bytes()
            if data.split(b" ", 1)[0] in (b"GET", b"HEAD", b"POST"):
                body = page(record).encode()
                head = (
                    "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n"
                    f"Content-Length: {len(body)}\r\nConnection: keep-alive\r\n\r\n"
                ).encode()
                await websocket.send_bytes(head + (b"" if data.startswith(b"HEAD") else body))
            else:
                await websocket.send_bytes(data)  # a protocol the simulated service does not speak: echoed
    except WebSocketDisconnect:
        return


def page(record: dict[str, Any]) -> str:
    """A small HTML page of the service behind a forwarded port."""
    m = Machine.from_json(record["machine"])
    title = f"{record['service']} — {record['workflow']}/{record['task']}:{record['port']}"
    body = _service_body(record["service"], m)
    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title></head>\n<body>\n<h1>{html.escape(title)}</h1>\n"
        f"<p>Pod {html.escape(m.hostname)} on node {html.escape(m.node)} ({html.escape(m.pod_ip)}), "
        f"pool {html.escape(m.pool)}. Served by specmock through session {html.escape(record['key'])}.</p>\n"
        f"{body}</body></html>\n"
    )


def _service_body(service: str, m: Machine) -> str:
    if service == "TensorBoard":
        rng = generators.rng(m.seed, "tensorboard", m.workflow, m.task)
        loss = rng.uniform(2.5, 4.0, "loss")
        rows = []
        for k in range(1, 6):
            loss *= rng.uniform(0.85, 0.97, "decay", k)
            rows.append(f"<tr><td>{k * 100}</td><td>{loss:.4f}</td></tr>")
        return f"<h2>Scalars: train/loss</h2>\n<table><tr><th>step</th><th>value</th></tr>{''.join(rows)}</table>\n"
    if service == "Jupyter":
        names = [p[len(WORKSPACE) + 1 :] for p in files(m) if p.startswith(WORKSPACE + "/")]
        items = "".join(f"<li>{html.escape(n)}</li>" for n in sorted(names))
        return f"<h2>Files in {WORKSPACE}</h2>\n<ul>{items}</ul>\n"
    return f"<p>{html.escape(service)} of task {html.escape(m.task)} is up.</p>\n"
