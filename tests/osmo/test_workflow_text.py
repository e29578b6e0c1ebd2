"""OSMO spec, logs, error logs, events and the task list: they conform, and they tell the same story
as the workflow's detail."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

import pytest
import yaml
from fastapi.testclient import TestClient

from specmock.spec.verdicts import SpecValidator
from tests.osmo.conftest import client_for, conforms

LIST = "/api/workflow"
STAMP = re.compile(r"^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z) ")
K8S_REASONS = {
    "Scheduled", "Pulling", "Pulled", "Created", "Started", "Completed", "Failed", "OOMKilled", "Evicted",
    "Preempted", "BackOff", "Killing", "FailedKillPod", "FailedScheduling",
}  # fmt: skip


def one_per_status(client: TestClient) -> dict[str, dict[str, Any]]:
    """The newest workflow of each status, with its detail."""
    entries = client.get(LIST, params={"all_users": "true", "limit": 600, "order": "DESC"}).json()["workflows"]
    picked: dict[str, dict[str, Any]] = {}
    for entry in entries:
        if entry["status"] not in picked:
            picked[entry["status"]] = client.get(f"{LIST}/{entry['name']}").json()
    return picked


def stamps(text: str) -> list[datetime]:
    out = []
    for line in text.splitlines():
        found = STAMP.match(line)
        if found:
            out.append(datetime.fromisoformat(found.group(1).replace("Z", "+00:00")))
    return out


@pytest.mark.parametrize("seed", [0, 7])
def test_text_endpoints_conform_and_match_the_detail(seed: int) -> None:
    with client_for(seed) as c:
        check = SpecValidator(c.app.state.specmock.apis["osmo"].spec.document)  # type: ignore[attr-defined]
        details = one_per_status(c)
        assert len(details) >= 10  # the seed's mix shows most statuses in 600 workflows
        for status, detail in details.items():
            base = f"{LIST}/{detail['name']}"
            logs, errors, events = (c.get(f"{base}/{what}") for what in ("logs", "error_logs", "events"))
            spec = c.get(f"{base}/spec")
            for response in (logs, errors, events, spec):
                assert response.status_code == 200
                assert response.headers["content-type"].startswith("text/plain")
                assert conforms(check, response) == []
            assert f"[osmo] Workflow {detail['name']} submitted by {detail['submitted_by']}" in logs.text
            # lines and events are in time order and never after the clock
            for text in (logs.text, events.text):
                times = stamps(text)
                assert times == sorted(times)
            tasks = [t for g in detail["groups"] for t in g["tasks"]]
            if status == "COMPLETED":
                assert errors.text == ""
                assert all(f"Task {t['name']} completed with exit code 0" in logs.text for t in tasks)
                assert "Normal  Completed" in events.text
            if status.startswith("FAILED"):
                assert f"finished: {status}" in errors.text
            if status == "RUNNING":
                assert "loss=" in logs.text or "% done" in logs.text or "eval batch" in logs.text
                assert errors.text == ""
            for task in tasks:
                if task["node_name"]:
                    assert f"to {task['node_name']}" in events.text  # Scheduled on the detail's node
                    assert f"pod/{task['pod_name']}" in events.text
            reasons = {line.split()[2] for line in events.text.splitlines()}
            assert reasons <= K8S_REASONS
            parsed = yaml.safe_load(spec.text)["workflow"]
            assert parsed["name"] == detail["name"]
            assert [g["name"] for g in parsed["groups"]] == [g["name"] for g in detail["groups"]]


def test_failures_leave_matching_errors_and_events() -> None:
    with client_for(11) as c:
        details = one_per_status(c)
        expected = {
            "FAILED_IMAGE_PULL": ("Failed to pull image", "BackOff"),
            "FAILED_EVICTED": ("evicted", "OOMKilled"),
            "FAILED_PREEMPTED": ("preempted", "Preempted"),
            "FAILED": ("Traceback", "BackOff"),
        }
        for status, (log_words, reason) in expected.items():
            if status not in details:
                continue
            base = f"{LIST}/{details[status]['name']}"
            assert log_words in c.get(f"{base}/error_logs").text
            assert f" {reason} " in c.get(f"{base}/events").text


def test_logs_filters(client: TestClient) -> None:
    details = one_per_status(client)
    detail = details["COMPLETED"]
    base = f"{LIST}/{detail['name']}"
    whole = client.get(f"{base}/logs").text.splitlines()
    task = detail["groups"][0]["tasks"][0]["name"]
    mine = client.get(f"{base}/logs", params={"task_name": task}).text.splitlines()
    assert mine and all(f" [{task}] " in line for line in mine)
    assert client.get(f"{base}/logs", params={"last_n_lines": 3}).text.splitlines() == whole[-3:]
    assert client.get(f"{base}/logs", params={"last_n_lines": 0}).text == ""
    found = client.get(f"{base}/logs", params={"query": "Pulling image"}).text.splitlines()
    assert found == [line for line in whole if "Pulling image" in line]
    assert client.get(f"{base}/logs", params={"task_name": "no-such-task"}).status_code == 404
    assert client.get(f"{LIST}/no-such-workflow-1/logs").status_code == 404
    template = yaml.safe_load(client.get(f"{base}/spec", params={"use_template": "true"}).text)
    assert template["workflow"]["name"] == "{{workflow_name}}"


def test_text_is_deterministic() -> None:
    with client_for(5) as a, client_for(5) as b, client_for(6) as other:
        name = a.get(LIST, params={"all_users": "true", "limit": 1}).json()["workflows"][0]["name"]
        for what in ("logs", "events", "spec"):
            assert a.get(f"{LIST}/{name}/{what}").content == b.get(f"{LIST}/{name}/{what}").content
        assert other.get(f"{LIST}/{name}/logs").content != a.get(f"{LIST}/{name}/logs").content


# GET /api/task


def test_task_list_matches_the_details(client: TestClient, validator: SpecValidator) -> None:
    response = client.get("/api/task", params={"all_users": "true", "limit": 50, "order": "DESC"})
    assert response.status_code == 200
    assert conforms(validator, response) == []
    tasks = response.json()["tasks"]
    assert len(tasks) == 50
    for entry in tasks[:12]:
        detail = client.get(f"{LIST}/{entry['workflow_id']}").json()
        task = next(t for g in detail["groups"] for t in g["tasks"] if t["name"] == entry["task_name"])
        assert (entry["status"], entry["node"], entry["start_time"]) == (
            task["status"],
            task["node_name"],
            task["start_time"],
        )
        assert entry["pool"] == detail["pool"] and entry["user"] == detail["submitted_by"]
        one = client.get(f"{LIST}/{entry['workflow_id']}/task/{entry['task_name']}").json()
        assert (one["gpu"], one["cpu"], one["memory"]) == (entry["gpu"], entry["cpu"], entry["memory"])


def test_task_list_filters_and_modes(client: TestClient, validator: SpecValidator) -> None:
    every = client.get("/api/task", params={"all_users": "true", "limit": 1000, "order": "DESC"}).json()["tasks"]
    running = client.get(
        "/api/task", params={"all_users": "true", "statuses": "RUNNING", "limit": 1000, "order": "DESC"}
    ).json()["tasks"]
    seen = [t for t in every if t["status"] == "RUNNING"]  # `every` is the first 1000 tasks only
    assert running[: len(seen)] == seen
    assert running and all(t["status"] == "RUNNING" for t in running)
    node = running[0]["node"]
    on_node = client.get("/api/task", params={"all_users": "true", "nodes": node, "limit": 1000}).json()["tasks"]
    assert on_node and all(t["node"] == node for t in on_node)
    started = sorted(t["start_time"] for t in every if t["start_time"])
    middle = started[len(started) // 2]
    later = client.get(
        "/api/task", params={"all_users": "true", "started_after": middle.removesuffix("Z"), "limit": 1000}
    ).json()["tasks"]  # a time without a zone is UTC
    assert later and all(t["start_time"] and t["start_time"] >= middle for t in later)
    name = every[0]["workflow_id"]
    own = client.get("/api/task", params={"workflow_id": name, "all_users": "true"}).json()["tasks"]
    detail = client.get(f"{LIST}/{name}").json()
    assert sorted(t["task_name"] for t in own) == sorted(t["name"] for g in detail["groups"] for t in g["tasks"])
    page = client.get("/api/task", params={"all_users": "true", "offset": 5, "limit": 5, "order": "DESC"})
    assert page.json()["tasks"] == every[5:10]
    asc = client.get("/api/task", params={"all_users": "true", "offset": 5, "limit": 5}).json()["tasks"]
    assert asc == every[5:10][::-1]
    for mode in ("summary", "aggregate_by_workflow"):
        response = client.get("/api/task", params={"all_users": "true", mode: "true", "statuses": "RUNNING"})
        assert response.status_code == 200
        assert conforms(validator, response) == []
        summaries = response.json()["summaries"]
        assert summaries
        assert sum(s["gpu"] for s in summaries) == sum(t["gpu"] for t in running)
    by_workflow = client.get(
        "/api/task", params={"all_users": "true", "aggregate_by_workflow": "true", "workflow_id": name}
    ).json()["summaries"]
    assert by_workflow == [
        {
            "user": detail["submitted_by"],
            "pool": detail["pool"],
            "storage": sum(t["storage"] for t in own),
            "cpu": sum(t["cpu"] for t in own),
            "memory": sum(t["memory"] for t in own),
            "gpu": sum(t["gpu"] for t in own),
            "priority": detail["priority"],
            "workflow_id": name,
        }
    ]
    assert client.get("/api/task", params={"limit": -1}).status_code == 422
