"""OSMO workflows: every answer conforms to specs/osmo.yaml; filters are exact; list, detail and
task agree."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from fastapi.testclient import TestClient

from specmock.spec.verdicts import SpecValidator
from tests.osmo.conftest import SMALL, client_for, conforms
from tests.server.conftest import FROZEN

LIST = "/api/workflow"


def everything(client: TestClient, **params: Any) -> list[dict[str, Any]]:
    """Every entry of a filtered list, page by page, newest first."""
    out: list[dict[str, Any]] = []
    while True:
        page = client.get(LIST, params={**params, "offset": len(out), "limit": 97, "order": "DESC"}).json()
        out += page["workflows"]
        if not page["more_entries"]:
            return out


@pytest.mark.parametrize("seed", [0, 1, 2, 99])
def test_pages_conform_for_many_seeds(seed: int) -> None:
    with client_for(seed, workflows=10_000) as c:
        check = SpecValidator(c.app.state.specmock.apis["osmo"].spec.document)  # type: ignore[attr-defined]
        for offset, order in itertools.product((0, 5000, 9990, 20_000), ("ASC", "DESC")):
            response = c.get(LIST, params={"offset": offset, "limit": 20, "order": order, "all_users": "true"})
            assert response.status_code == 200
            assert conforms(check, response) == []
            body = response.json()
            assert len(body["workflows"]) == max(0, min(20, 10_000 - offset))
            assert body["more_entries"] == (offset + 20 < 10_000)
            for entry in body["workflows"][:3]:
                detail = c.get(f"{LIST}/{entry['name']}")
                assert conforms(check, detail) == []
                for group in detail.json()["groups"]:
                    for task in group["tasks"]:
                        assert conforms(check, c.get(f"{LIST}/{entry['name']}/task/{task['name']}")) == []


def test_filters_match_brute_force(client: TestClient, validator: SpecValidator) -> None:
    every = everything(client, all_users="true")
    assert len(every) == SMALL
    users = sorted({w["user"] for w in every})
    pools = sorted({w["pool"] for w in every})
    cases: list[dict[str, Any]] = [
        {"statuses": ["RUNNING"]},
        {"statuses": ["FAILED_IMAGE_PULL", "COMPLETED"], "priority": ["HIGH"]},
        {"pools": [pools[0], pools[3]], "statuses": ["RUNNING", "PENDING"]},
        {"users": [users[1]]},
        {"tags": ["nightly"]},
        {"name": "llama"},
        {"name": "llama", "statuses": ["RUNNING", "COMPLETED", "FAILED", "PENDING"]},
        {"statuses": ["WAITING", "FAILED_QUEUE_TIMEOUT", "FAILED_SUBMISSION", "FAILED_CANCELED"], "tags": ["nightly"]},
        {"submitted_after": every[300]["submit_time"], "submitted_before": every[100]["submit_time"]},
        {"pools": ["no-such-pool"]},
    ]
    for case in cases:
        got = everything(client, all_users="true", **case)

        def keep(w: dict[str, Any], case: dict[str, Any] = case) -> bool:
            return (
                w["status"] in case.get("statuses", [w["status"]])
                and w["priority"] in case.get("priority", [w["priority"]])
                and w["pool"] in case.get("pools", [w["pool"]])
                and w["user"] in case.get("users", [w["user"]])
                and (w["labels"].get("tag") in case["tags"] if "tags" in case else True)
                and case.get("name", "") in w["name"]
                and w["submit_time"] >= case.get("submitted_after", "")
                and w["submit_time"] <= case.get("submitted_before", "9999")
            )

        assert got == [w for w in every if keep(w)], case
    response = client.get(LIST, params={"statuses": ["RUNNING"], "all_users": "true", "limit": 5})
    assert conforms(validator, response) == []


def test_own_workflows_without_all_users(client: TestClient) -> None:
    mine = everything(client)
    assert mine and {w["user"] for w in mine} == {"dev.user"}
    theirs = everything(client, **{"users": ["nobody-at-all"]})
    assert theirs == []


def test_order_sorts_the_page_and_offset_counts_from_the_newest(client: TestClient) -> None:
    desc = client.get(LIST, params={"all_users": "true", "order": "DESC", "limit": 10}).json()["workflows"]
    asc = client.get(LIST, params={"all_users": "true", "limit": 10}).json()["workflows"]
    assert asc == desc[::-1]
    times = [w["submit_time"] for w in desc]
    assert times == sorted(times, reverse=True)


def test_times_are_consistent(client: TestClient) -> None:
    for w in everything(client, all_users="true"):
        alive = w["status"] in ("PENDING", "RUNNING", "WAITING")
        assert (w["end_time"] is None) == alive, w
        if w["start_time"]:
            assert w["submit_time"] <= w["start_time"]
        if w["start_time"] and w["end_time"]:
            assert w["start_time"] <= w["end_time"]
            assert w["duration"] is not None and w["duration"] >= 0
        assert w["submit_time"] <= FROZEN.replace("+00:00", "Z")


def test_list_detail_and_task_agree(client: TestClient) -> None:
    for entry in everything(client, all_users="true")[::37]:
        detail = client.get(f"{LIST}/{entry['name']}").json()
        assert detail["uuid"] == entry["workflow_uuid"]
        assert (detail["status"], detail["pool"], detail["submitted_by"]) == (
            entry["status"],
            entry["pool"],
            entry["user"],
        )
        names = [g["name"] for g in detail["groups"]]
        for group in detail["groups"]:
            for down in group["downstream_groups"]:
                assert down in names
                assert next(g for g in detail["groups"] if g["name"] == down)
            for task in group["tasks"]:
                one = client.get(f"{LIST}/{entry['name']}/task/{task['name']}").json()
                assert (one["status"], one["node"], one["start_time"]) == (
                    task["status"],
                    task["node_name"],
                    task["start_time"],
                )
        if entry["status"] == "COMPLETED":
            assert {g["status"] for g in detail["groups"]} == {"COMPLETED"}
        if entry["status"].startswith("FAILED"):
            assert any(g["failure_message"] for g in detail["groups"])


def test_the_same_seed_gives_the_same_workflow_forever() -> None:
    with client_for(8) as one, client_for(8) as two:
        assert (
            one.get(LIST, params={"offset": 250, "all_users": "true"}).content
            == two.get(LIST, params={"offset": 250, "all_users": "true"}).content
        )


def test_a_trillion_workflows_page_at_the_end() -> None:
    with client_for(4, workflows=10**12) as c:
        response = c.get(LIST, params={"offset": 10**12 - 20, "limit": 20, "all_users": "true"})
        body = response.json()
        assert len(body["workflows"]) == 20 and body["more_entries"] is False
        oldest = body["workflows"][0]
        assert c.get(f"{LIST}/{oldest['name']}").json()["uuid"] == oldest["workflow_uuid"]


def test_unknown_names_and_bad_pages(client: TestClient) -> None:
    assert client.get(f"{LIST}/resnet-train-zzzzzz").status_code == 404
    assert client.get(f"{LIST}/not a workflow").status_code == 404
    some = everything(client, all_users="true")[0]["name"]
    assert client.get(f"{LIST}/{some}/task/no-such-task").status_code == 404
    bad = client.get(LIST, params={"limit": 5000})
    assert bad.status_code == 422
    assert bad.json()["detail"][0]["loc"] == ["query", "limit"]
    assert client.get(LIST, params={"offset": -1}).status_code == 422
