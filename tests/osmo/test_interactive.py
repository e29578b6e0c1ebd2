"""OSMO interactive sessions: exec (a simulated shell over HTTP and WebSocket), port-forward and
webserver sessions, the sessions routes, and the router their addresses point at."""

from __future__ import annotations

import builtins
import io
import os
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from specmock.spec.verdicts import SpecValidator
from specmock_apis.osmo.data import catalog
from specmock_apis.osmo.sim.container import GPU_MODELS
from tests.osmo.conftest import client_for, conforms

BASE = "/api/workflow"
SESSIONS = "/_specmock/osmo/sessions"


@dataclass(frozen=True)
class Pick:
    """A task of a workflow, with what the API says about both."""

    workflow: str
    task: str
    group: str
    user: str
    pool: str
    pod: str
    gpu: int


@dataclass(frozen=True)
class Picks:
    """The tasks the tests need, found through the API as a user would find them."""

    gpu_task: Pick  # running, with GPUs
    cpu_task: Pick  # running, without GPUs
    stopped_task: Pick  # not running, in a running workflow
    completed_workflow: str
    pending_workflow: str


def find_picks(client: TestClient) -> Picks:
    """Walk the running workflows (and a finished and a pending one) until every kind of task is found."""
    found: dict[str, Pick] = {}
    listed = client.get(BASE, params={"statuses": "RUNNING", "all_users": "true", "limit": 200}).json()["workflows"]
    for entry in listed:
        detail = client.get(f"{BASE}/{entry['name']}").json()
        for group in detail["groups"]:
            for task in group["tasks"]:
                gpu = client.get(f"{BASE}/{entry['name']}/task/{task['name']}").json()["gpu"]
                kind = "stopped" if task["status"] != "RUNNING" else "gpu" if gpu else "cpu"
                pick = Pick(
                    entry["name"], task["name"], group["name"], entry["user"], entry["pool"], task["pod_name"], gpu
                )
                found.setdefault(kind, pick)
        if len(found) == 3:
            break
    first = {
        status: client.get(BASE, params={"statuses": status, "all_users": "true", "limit": 1}).json()["workflows"]
        for status in ("COMPLETED", "PENDING")
    }
    return Picks(
        found["gpu"], found["cpu"], found["stopped"], first["COMPLETED"][0]["name"], first["PENDING"][0]["name"]
    )


@pytest.fixture(scope="module")
def picks(client: TestClient) -> Picks:
    return find_picks(client)


def exec_session(client: TestClient, pick: Pick, command: str = "/bin/bash") -> dict[str, str]:
    """Open an exec session on a task; its RouterResponse."""
    response = client.post(f"{BASE}/{pick.workflow}/exec/task/{pick.task}", params={"entry_command": command})
    assert response.status_code == 200, response.text
    return dict(response.json())


def shell_url(session: dict[str, str], workflow: str) -> str:
    """Where the UI connects for an exec session, as the real OSMO UI builds it from the RouterResponse."""
    return f"{session['router_address']}/api/router/exec/{workflow}/client/{session['key']}"


class Terminal:
    """An exec session driven over HTTP: one POST per command line."""

    def __init__(self, client: TestClient, pick: Pick, command: str = "/bin/bash") -> None:
        self.client = client
        self.session = exec_session(client, pick, command)
        self.url = shell_url(self.session, pick.workflow).replace("ws://", "http://", 1)

    def run(self, line: str) -> dict[str, Any]:
        """The shell's JSON answer to one line."""
        response = self.client.post(self.url, json={"command": line})
        assert response.status_code == 200, response.text
        return dict(response.json())

    def out(self, line: str) -> str:
        """Only the output of one line."""
        return str(self.run(line)["output"])


# The spec's four operations


def test_the_four_operations_answer_what_the_spec_declares(
    client: TestClient, validator: SpecValidator, picks: Picks
) -> None:
    wf, task = picks.gpu_task.workflow, picks.gpu_task.task
    calls = [
        client.post(f"{BASE}/{wf}/exec/task/{task}", params={"entry_command": "/bin/bash"}),
        client.post(f"{BASE}/{wf}/exec/group/{picks.gpu_task.group}", params={"entry_command": "nvidia-smi"}),
        client.post(f"{BASE}/{wf}/portforward/{task}", params={"task_ports": [8888, 6006], "use_udp": "false"}),
        client.post(f"{BASE}/{wf}/portforward/{task}", params={"task_ports": [8080]}),
        client.post(f"{BASE}/{wf}/webserver/{task}", params={"task_port": 6006}),
    ]
    for response in calls:
        assert response.status_code == 200, response.text
        assert conforms(validator, response) == []
    single, group, ports, one_port, webserver = (r.json() for r in calls)
    assert single["router_address"] == "ws://testserver/_specmock/osmo/router"
    assert single["key"].startswith("EXEC-") and single["cookie"].startswith("AWSALB=")
    assert picks.gpu_task.task in group and all(v["key"].startswith("EXEC-") for v in group.values())
    assert [p["key"].split("-")[0] for p in ports] == ["PORTFORWARD", "PORTFORWARD"]
    assert isinstance(one_port, list) and len(one_port) == 1  # a list even for one port, as the real service
    assert webserver["key"].startswith("WEBSERVER-")
    keys = [single["key"], *(v["key"] for v in group.values()), *(p["key"] for p in ports), webserver["key"]]
    assert len(set(keys)) == len(keys)


def test_an_unknown_workflow_task_or_group_is_a_404(client: TestClient, picks: Picks) -> None:
    wf = picks.gpu_task.workflow
    missing = [
        client.post(f"{BASE}/nope-train-zzzz/exec/task/train", params={"entry_command": "bash"}),
        client.post(f"{BASE}/{wf}/exec/task/no-such-task", params={"entry_command": "bash"}),
        client.post(f"{BASE}/{wf}/exec/group/no-such-group", params={"entry_command": "bash"}),
        client.post(f"{BASE}/{wf}/portforward/no-such-task", params={"task_ports": [8080]}),
        client.post(f"{BASE}/{wf}/webserver/no-such-task", params={"task_port": 8080}),
    ]
    assert [r.status_code for r in missing] == [404] * 5
    assert "nope-train-zzzz" in missing[0].json()["detail"]
    assert "no-such-task" in missing[1].json()["detail"] and wf in missing[1].json()["detail"]
    assert "no-such-group" in missing[2].json()["detail"]


def test_a_session_opens_only_on_a_running_task(client: TestClient, validator: SpecValidator, picks: Picks) -> None:
    stopped = picks.stopped_task
    cases = [
        (f"{BASE}/{picks.completed_workflow}/exec/task/train", ["path", "name"], "is not running!"),
        (f"{BASE}/{picks.pending_workflow}/exec/task/train", ["path", "name"], "is not running yet..."),
        (f"{BASE}/{stopped.workflow}/exec/task/{stopped.task}", ["path", "task_name"], "is not running (status"),
        (f"{BASE}/{stopped.workflow}/webserver/{stopped.task}?task_port=6006", ["path", "task_name"], "not running"),
    ]
    for url, loc, message in cases:
        response = client.post(url, params={"entry_command": "/bin/bash"} if "exec" in url else None)
        assert response.status_code == 422, url
        assert conforms(validator, response) == []
        detail = response.json()["detail"][0]
        assert detail["loc"] == loc and message in detail["msg"]


def test_bad_parameters_get_a_422_naming_them(client: TestClient, validator: SpecValidator, picks: Picks) -> None:
    wf, task = picks.gpu_task.workflow, picks.gpu_task.task
    cases = [
        (f"{BASE}/{wf}/exec/task/{task}", {"entry_command": "  "}, "entry_command", "must not be empty"),
        (f"{BASE}/{wf}/portforward/{task}", {}, "task_ports", "No port is provided!"),
        (f"{BASE}/{wf}/portforward/{task}", {"task_ports": list(range(8000, 8011))}, "task_ports", "exceeds"),
        (f"{BASE}/{wf}/portforward/{task}", {"task_ports": [70000]}, "task_ports", "between 1 and 65535"),
        (f"{BASE}/{wf}/webserver/{task}", {"task_port": 0}, "task_port", "between 1 and 65535"),
    ]
    for url, params, name, message in cases:
        response = client.post(url, params=params)
        assert response.status_code == 422, (url, params)
        assert conforms(validator, response) == []
        detail = response.json()["detail"][0]
        assert detail["loc"] == ["query", name] and message in detail["msg"]


# The shell


def test_every_command_answers_from_the_tasks_container(client: TestClient, picks: Picks) -> None:
    pick = picks.gpu_task
    term = Terminal(client, pick)
    first = term.run("pwd")
    assert first == {
        "output": "/workspace\n",
        "prompt": f"{pick.user}@{pick.pod}:/workspace$ ",
        "cwd": "/workspace",
        "exit_code": 0,
        "exited": False,
    }
    assert term.out("ls").split() == [
        "README.md", "checkpoints", "data", "logs", "requirements.txt", "train.py", "workflow.yaml"
    ]  # fmt: skip
    listing = term.out("ls -la").splitlines()
    assert listing[0] == "total 36" and listing[1].startswith("drwxr-xr-x") and listing[1].endswith(" .")
    assert f" {pick.user} " in listing[3] and listing[3].endswith("README.md")
    assert f"name: {pick.workflow}" in term.out("cat workflow.yaml")
    assert f"- name: {pick.task}" in term.out("cat workflow.yaml")
    assert term.out("whoami") == f"{pick.user}\n"
    assert term.out("hostname") == f"{pick.pod}\n"
    assert term.out("cat /etc/hostname") == f"{pick.pod}\n"
    assert term.out("date") == "Mon Jun  1 12:00:00 UTC 2026\n"  # the app's frozen clock
    assert term.out("date +%Y-%m-%dT%H:%M") == "2026-06-01T12:00\n"
    env = dict(line.split("=", 1) for line in term.out("env").splitlines())
    assert env["OSMO_WORKFLOW_ID"] == pick.workflow and env["OSMO_TASK_NAME"] == pick.task
    assert env["USER"] == pick.user and env["HOSTNAME"] == pick.pod and env["PWD"] == "/workspace"
    assert env["NVIDIA_VISIBLE_DEVICES"] == ",".join(str(i) for i in range(pick.gpu))
    assert term.out("python --version") == "Python 3.10.12\n"
    assert term.out("python3 -V") == "Python 3.10.12\n"
    packages = term.out("pip list").splitlines()
    assert packages[0].split() == ["Package", "Version"] and any(p.split() == ["torch", "2.3.0"] for p in packages)
    assert term.out("clear").startswith("\x1b[H\x1b[2J")
    assert all(name in term.out("help") for name in ("ls", "cd", "cat", "nvidia-smi", "pip list", "exit"))
    bye = term.run("exit")
    assert (bye["output"], bye["exited"], bye["prompt"]) == ("exit\n", True, "")
    assert client.post(term.url, json={"command": "pwd"}).status_code == 404  # the session ended


def test_nvidia_smi_shows_the_tasks_gpus_of_the_pools_model(client: TestClient, picks: Picks) -> None:
    pick = picks.gpu_task
    model = GPU_MODELS[catalog.gpu_type(pick.pool)]
    term = Terminal(client, pick)
    table = term.out("nvidia-smi")
    rows = [line for line in table.splitlines() if model.name in line]
    assert len(rows) == pick.gpu
    assert table.count(f"MiB / {model.memory_mib}MiB") == pick.gpu
    assert "NVIDIA-SMI" in table and "Processes:" in table
    assert {len(line) for line in table.splitlines()[1:]} == {89}  # the table's frame is straight
    listed = term.out("nvidia-smi -L").splitlines()
    assert [line.split(" (UUID")[0] for line in listed] == [f"GPU {i}: {model.name}" for i in range(pick.gpu)]
    cpu = Terminal(client, picks.cpu_task)
    answer = cpu.run("nvidia-smi")
    assert (answer["output"], answer["exit_code"]) == ("bash: nvidia-smi: command not found\n", 127)


def test_cd_and_pwd_keep_state_within_a_session(client: TestClient, picks: Picks) -> None:
    term = Terminal(client, picks.gpu_task)
    assert term.run("cd data")["cwd"] == "/workspace/data"
    assert term.out("pwd") == "/workspace/data\n"
    assert term.out("ls") == "manifest.jsonl\n"
    assert term.out("cd ..; cd logs && pwd") == "/workspace/logs\n"
    assert term.out("cd -") == "/workspace\n"
    assert term.out("cd ~ && pwd") == f"/home/{picks.gpu_task.user}\n"
    assert term.run("cd")["prompt"].endswith(":~$ ")
    missing = term.run("cd /nowhere")
    assert (missing["output"], missing["exit_code"]) == ("bash: cd: /nowhere: No such file or directory\n", 1)
    assert term.out("cd /etc/hostname") == "bash: cd: /etc/hostname: Not a directory\n"
    assert term.out("pwd") == f"/home/{picks.gpu_task.user}\n"  # failures left the directory alone
    assert Terminal(client, picks.gpu_task).out("pwd") == "/workspace\n"  # another session has its own


def test_unknown_commands_and_bad_lines_answer_like_bash(client: TestClient, picks: Picks) -> None:
    term = Terminal(client, picks.gpu_task)
    unknown = term.run("frobnicate --now")
    assert (unknown["output"], unknown["exit_code"]) == ("bash: frobnicate: command not found\n", 127)
    assert term.out("frobnicate; echo $?") == "bash: frobnicate: command not found\n127\n"
    assert term.out("false && echo no || echo yes") == "yes\n"
    unclosed = term.run("echo 'unclosed")
    assert unclosed["exit_code"] == 2
    assert unclosed["output"] == (
        "bash: unexpected EOF while looking for matching `''\nbash: syntax error: unexpected end of file\n"
    )
    assert term.out('echo "a;b" \'$HOME\' "$HOME" x\\;y') == f"a;b $HOME /home/{picks.gpu_task.user} x;y\n"
    assert term.out("ls | grep x").startswith("bash: `|' is not supported by this simulated shell")
    assert term.out("cat nothing.txt") == "cat: nothing.txt: No such file or directory\n"
    assert term.out("ls -z").startswith("ls: invalid option -- 'z'")


HOSTILE = [
    "$(rm -rf /)",
    "echo `reboot`",
    "; cat /etc/passwd",
    "cat /etc/passwd",
    "cat ../../../../../../etc/shadow",
    "cd ../../../../..; pwd; ls",
    "python -c 'import os; os.system(\"id\")'",
    "echo hi > /etc/motd",
    "/bin/sh -c id",
    "cat /proc/self/environ",
    "export LD_PRELOAD=/tmp/x.so; env",
]


@pytest.fixture
def no_host_access(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Make running a process or opening a file on the host fail loudly; yield the attempts made."""
    attempts: list[str] = []

    def forbid(name: str) -> Any:
        def refuse(*args: Any, **kwargs: Any) -> Any:
            attempts.append(f"{name}{args[:2]}")
            raise AssertionError(f"the simulated shell touched the host: {name}{args[:2]}")

        return refuse

    for target, name in [
        (subprocess, "Popen"),
        (os, "system"),
        (os, "popen"),
        (os, "execv"),
        (os, "execvp"),
        (os, "posix_spawn"),
        (os, "open"),
        (os, "listdir"),
        (os, "scandir"),
        (builtins, "open"),
        (io, "open"),
    ]:
        monkeypatch.setattr(target, name, forbid(f"{target.__name__}.{name}"))
    yield attempts


def test_hostile_lines_are_only_text_for_the_simulator(client: TestClient, picks: Picks, request: Any) -> None:
    host_passwd = Path("/etc/passwd").read_text() if Path("/etc/passwd").exists() else ""
    term = Terminal(client, picks.gpu_task)
    term.out("pwd")  # anything imported lazily on a first command is imported now
    attempts = request.getfixturevalue("no_host_access")
    answers = {line: term.run(line) for line in HOSTILE}
    assert attempts == []
    assert answers["$(rm -rf /)"]["output"].startswith("bash: command substitution is not supported")
    assert answers["echo `reboot`"]["output"].startswith("bash: command substitution is not supported")
    assert answers["; cat /etc/passwd"]["output"] == "bash: syntax error near unexpected token `;'\n"
    fake = answers["cat /etc/passwd"]["output"]
    assert f"{picks.gpu_task.user}:x:1000:1000::/home/{picks.gpu_task.user}:/bin/bash" in fake
    assert fake != host_passwd
    assert answers["cat ../../../../../../etc/shadow"]["output"].endswith("No such file or directory\n")
    assert answers["cd ../../../../..; pwd; ls"]["output"].startswith("/\nbin  etc  home")
    assert "cannot run Python programs" in answers["python -c 'import os; os.system(\"id\")'"]["output"]
    assert answers["echo hi > /etc/motd"]["output"].startswith("bash: `>' is not supported")
    assert answers["/bin/sh -c id"]["output"] == "bash: /bin/sh: No such file or directory\n"
    assert answers["cat /proc/self/environ"]["output"].endswith("No such file or directory\n")
    assert "LD_PRELOAD=/tmp/x.so" in answers["export LD_PRELOAD=/tmp/x.so; env"]["output"]
    with client.websocket_connect(shell_url(term.session, picks.gpu_task.workflow)) as ws:
        ws.receive_text()
        ws.send_text("$(cat /etc/passwd); cat /etc/hostname")
        assert ws.receive_text().startswith("bash: command substitution is not supported")
    assert attempts == []


# The WebSocket terminal


def test_the_websocket_terminal_answers_lines_and_keystrokes(client: TestClient, picks: Picks) -> None:
    pick = picks.gpu_task
    session = exec_session(client, pick)
    prompt = f"{pick.user}@{pick.pod}:/workspace$ "
    with client.websocket_connect(shell_url(session, pick.workflow)) as ws:
        assert ws.receive_text() == prompt
        ws.send_text("cd data && pwd")
        assert ws.receive_text() == f"/workspace/data\n{pick.user}@{pick.pod}:/workspace/data$ "
        ws.send_text("cd ..")
        assert ws.receive_text() == prompt
        # the OSMO UI: its terminal size first, then keystrokes as binary frames, answered in binary
        ws.send_text('{"Rows": 24, "Cols": 80}')
        assert ws.receive_bytes() == prompt.encode()
        ws.send_bytes(b"whox\x7fami")
        assert ws.receive_bytes() == b"whox\b \bami"
        ws.send_bytes(b"\r")
        assert ws.receive_bytes() == f"\r\n{pick.user}\r\n{prompt}".encode()
        ws.send_bytes(b"\x1b[Als\x03")  # an arrow key is ignored; Ctrl-C drops the line
        assert ws.receive_bytes() == f"ls^C\r\n{prompt}".encode()
        ws.send_bytes(b"exit\r")
        assert ws.receive_bytes() == b"exit\r\nexit\r\n"
        with pytest.raises(WebSocketDisconnect) as closed:
            ws.receive_bytes()
        assert closed.value.code == 1000
    # the session ended with the shell: the same address now refuses
    with client.websocket_connect(shell_url(session, pick.workflow)) as ws, pytest.raises(WebSocketDisconnect) as gone:
        ws.receive_text()
    assert gone.value.code == 4404 and session["key"] in gone.value.reason


def test_the_http_and_websocket_shells_share_one_session(client: TestClient, picks: Picks) -> None:
    term = Terminal(client, picks.gpu_task)
    term.run("cd /etc")
    with client.websocket_connect(shell_url(term.session, picks.gpu_task.workflow)) as ws:
        assert ws.receive_text().endswith(":/etc$ ")
        ws.send_text("cd /tmp")
        ws.receive_text()
    assert term.out("pwd") == "/tmp\n"


def test_a_non_shell_entry_command_runs_once(client: TestClient, picks: Picks) -> None:
    pick = picks.gpu_task
    term = Terminal(client, pick, command="nvidia-smi -L")
    answer = term.run("ls")  # the command is the session: what is posted is not run
    assert answer["exited"] and answer["output"].startswith("GPU 0: ")
    assert client.post(term.url, json={"command": "ls"}).status_code == 404
    session = exec_session(client, pick, "hostname")
    with client.websocket_connect(shell_url(session, pick.workflow)) as ws:
        assert ws.receive_text() == f"{pick.pod}\n"
        with pytest.raises(WebSocketDisconnect):
            ws.receive_text()


def test_the_http_shell_refuses_a_missing_command(client: TestClient, picks: Picks) -> None:
    term = Terminal(client, picks.gpu_task)
    assert client.post(term.url, content="pwd", headers={"content-type": "text/plain"}).json()["output"] == (
        "/workspace\n"
    )
    missing = client.post(term.url, json={"line": "pwd"})
    assert missing.status_code == 422 and missing.json()["detail"][0]["loc"] == ["body", "command"]
    other = shell_url(term.session, picks.cpu_task.workflow).replace("ws://", "http://")
    assert client.post(other, json={"command": "pwd"}).status_code == 404  # the key belongs to another workflow


# Port-forward and webserver sessions


def test_sessions_are_listed_shown_and_closed() -> None:
    with client_for(3) as client:
        picks = find_picks(client)
        wf, task = picks.gpu_task.workflow, picks.gpu_task.task
        shell = exec_session(client, picks.gpu_task)
        web = client.post(f"{BASE}/{wf}/webserver/{task}", params={"task_port": 6006}).json()
        ports = client.post(f"{BASE}/{wf}/portforward/{task}", params={"task_ports": [8888]}).json()
        listed = client.get(SESSIONS).json()["sessions"]
        assert [(s["key"], s["kind"]) for s in listed] == [
            (shell["key"], "exec"),
            (web["key"], "webserver"),
            (ports[0]["key"], "portforward"),
        ]
        assert all(s["workflow"] == wf and s["task"] == task for s in listed)
        assert listed[1]["port"] == 6006 and listed[1]["service"] == "TensorBoard"
        assert listed[1]["url"] == f"http://testserver/_specmock/osmo/router/webserver/{web['key']}/"
        assert listed[0]["entry_command"] == "/bin/bash" and listed[0]["client_url"] == shell_url(shell, wf)
        assert [s["key"] for s in client.get(SESSIONS, params={"kind": "webserver"}).json()["sessions"]] == [web["key"]]
        assert client.get(SESSIONS, params={"workflow": "other-wf-1"}).json() == {"sessions": []}
        assert client.get(SESSIONS, params={"kind": "ssh"}).status_code == 422
        assert client.get(f"{SESSIONS}/{web['key']}").json() == listed[1]
        alive = f"/_specmock/osmo/router/api/router/webserver/{web['key']}"
        assert client.get(alive).json() is True
        assert client.delete(f"{SESSIONS}/{web['key']}").status_code == 204
        assert client.get(alive).json() is False
        assert client.get(f"{SESSIONS}/{web['key']}").status_code == 404
        assert client.delete(f"{SESSIONS}/{web['key']}").status_code == 404
        assert client.get(f"/_specmock/osmo/router/webserver/{web['key']}/").status_code == 404
        assert client.delete(f"{SESSIONS}/{shell['key']}").status_code == 204
        shell_http = shell_url(shell, wf).replace("ws://", "http://")
        assert client.post(shell_http, json={"command": "pwd"}).status_code == 404
        assert [s["key"] for s in client.get(SESSIONS).json()["sessions"]] == [ports[0]["key"]]
        ports_known = client.get("/_specmock/osmo/ports").json()["ports"]
        assert {"port": 6006, "service": "TensorBoard"} in ports_known
        assert {"port": 8888, "service": "Jupyter"} in ports_known
        assert {"port": 8080, "service": "Web app"} in ports_known


def test_a_webserver_session_serves_a_page_naming_service_workflow_task_and_port(
    client: TestClient, picks: Picks
) -> None:
    wf, task = picks.gpu_task.workflow, picks.gpu_task.task
    pages = {}
    for number in (6006, 8888, 9999):
        key = client.post(f"{BASE}/{wf}/webserver/{task}", params={"task_port": number}).json()["key"]
        page = client.get(f"/_specmock/osmo/router/webserver/{key}/")
        assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
        pages[number] = page.text
    assert f"<title>TensorBoard — {wf}/{task}:6006</title>" in pages[6006]
    assert "train/loss" in pages[6006] and picks.gpu_task.pod in pages[6006]
    assert f"<title>Jupyter — {wf}/{task}:8888</title>" in pages[8888] and "<li>workflow.yaml</li>" in pages[8888]
    assert f"Service on port 9999 — {wf}/{task}:9999" in pages[9999]


def test_a_port_forward_tunnel_answers_http_with_the_services_page(client: TestClient, picks: Picks) -> None:
    wf, task = picks.gpu_task.workflow, picks.gpu_task.task
    forwarded = client.post(f"{BASE}/{wf}/portforward/{task}", params={"task_ports": [6006]}).json()[0]
    url = f"{forwarded['router_address']}/api/router/portforward/{wf}/client/{forwarded['key']}"
    with client.websocket_connect(url) as ws:
        ws.send_bytes(b"GET / HTTP/1.1\r\nHost: localhost:6006\r\n\r\n")
        answer = ws.receive_bytes()
    head, body = answer.split(b"\r\n\r\n", 1)
    assert head.startswith(b"HTTP/1.1 200 OK") and f"Content-Length: {len(body)}".encode() in head
    assert f"TensorBoard — {wf}/{task}:6006".encode() in body


def test_the_router_address_follows_the_host_the_client_used(client: TestClient, picks: Picks) -> None:
    with TestClient(client.app, base_url="https://osmo.example.test:8443") as secure:
        session = exec_session(secure, picks.gpu_task)
    assert session["router_address"] == "wss://osmo.example.test:8443/_specmock/osmo/router"


# Determinism


def _transcript(client: TestClient) -> list[Any]:
    picks = find_picks(client)
    term = Terminal(client, picks.gpu_task)
    web = client.post(f"{BASE}/{picks.gpu_task.workflow}/webserver/{picks.gpu_task.task}", params={"task_port": 6006})
    page = client.get(httpx.URL(client.get(f"{SESSIONS}/{web.json()['key']}").json()["url"]).path).text
    lines = ["ls -la", "nvidia-smi", "cat logs/*", f"cat logs/{picks.gpu_task.task}.log", "cat data/manifest.jsonl"]
    return [term.session, web.json(), page, *(term.run(line) for line in lines)]


def test_the_same_seed_gives_the_same_sessions_and_outputs() -> None:
    with client_for(11) as one, client_for(11) as two:
        first = _transcript(one)
        assert first == _transcript(two)
        # a reset forgets the sessions and their count: the same calls give the same keys again
        one.post("/_specmock/reset")
        assert _transcript(one)[0] == first[0]
    with client_for(12) as other:
        assert _transcript(other)[0]["key"] != first[0]["key"]
