"""Cancel and tag: kept in the state overlay and seen by the list, the detail, the logs and the tasks."""

from __future__ import annotations

from specmock.spec.verdicts import SpecValidator
from tests.osmo.conftest import client_for, conforms

LIST = "/api/workflow"


def test_cancel_ends_an_alive_workflow_everywhere() -> None:
    with client_for(12) as c:
        validator = SpecValidator(c.app.state.specmock.apis["osmo"].spec.document)  # type: ignore[attr-defined]
        running = c.get(LIST, params={"all_users": "true", "statuses": "RUNNING", "limit": 1}).json()["workflows"][0]
        name = running["name"]
        response = c.post(f"{LIST}/{name}/cancel", headers={"x-osmo-user": "ops.lead"})
        assert response.status_code == 200 and response.json() == {"name": name}
        assert conforms(validator, response) == []
        detail = c.get(f"{LIST}/{name}").json()
        assert detail["status"] == "FAILED_CANCELED" and detail["cancelled_by"] == "ops.lead"
        assert detail["end_time"] is not None and detail["end_time"] >= detail["start_time"]
        assert "RUNNING" not in {g["status"] for g in detail["groups"]}
        assert "FAILED_CANCELED" in {g["status"] for g in detail["groups"]}
        canceled = c.get(LIST, params={"all_users": "true", "statuses": "FAILED_CANCELED", "limit": 1000}).json()
        still_running = c.get(LIST, params={"all_users": "true", "statuses": "RUNNING", "limit": 1000}).json()
        assert name not in {w["name"] for w in still_running["workflows"]}
        entry = next(
            w for w in c.get(LIST, params={"all_users": "true", "limit": 1000}).json()["workflows"] if w["name"] == name
        )
        assert entry["status"] == "FAILED_CANCELED"
        assert canceled["workflows"]  # the generated cancellations are still listed
        assert "finished: FAILED_CANCELED" in c.get(f"{LIST}/{name}/logs").text
        tasks = c.get("/api/task", params={"workflow_id": name, "all_users": "true"}).json()["tasks"]
        assert "RUNNING" not in {t["status"] for t in tasks}
        # a finished workflow cannot be canceled again: the spec's 422, naming the workflow
        again = c.post(f"{LIST}/{name}/cancel")
        assert again.status_code == 422 and "already FAILED_CANCELED" in again.text
        assert conforms(validator, again) == []
        assert c.post(f"{LIST}/no-such-workflow-1/cancel").status_code == 404


def test_tags_are_added_and_removed() -> None:
    with client_for(12) as c:
        name = c.get(LIST, params={"all_users": "true", "limit": 1}).json()["workflows"][0]["name"]
        before = c.get(f"{LIST}/{name}").json()["tags"]
        response = c.post(f"{LIST}/{name}/tag", params={"add": ["release", "eval"]})
        assert response.status_code == 200
        assert set(c.get(f"{LIST}/{name}").json()["tags"]) == {*before, "release", "eval"}
        c.post(f"{LIST}/{name}/tag", params={"remove": ["eval"]})
        assert set(c.get(f"{LIST}/{name}").json()["tags"]) == {*before, "release"} - {"eval"}
        bad = c.post(f"{LIST}/{name}/tag", params={"add": ["no-such-tag"]})
        assert bad.status_code == 422 and "no-such-tag" in bad.text
        # the change lives in the state overlay: a reset forgets it
        assert c.post("/_specmock/reset").status_code in (200, 204)
        assert c.get(f"{LIST}/{name}").json()["tags"] == before


def _every(c: object, **params: object) -> list[dict[str, object]]:
    """Every matching workflow, page by page (600 workflows: small enough to list whole)."""
    out: list[dict[str, object]] = []
    while True:
        page = c.get(LIST, params={"all_users": "true", "limit": 100, "offset": len(out), "order": "DESC", **params})  # type: ignore[attr-defined]
        out += page.json()["workflows"]
        if not page.json()["more_entries"]:
            return out


def test_writes_move_workflows_in_and_out_of_filtered_pages_exactly() -> None:
    """After cancels and tags, every filtered page is the brute-force filter of the whole list:
    nothing one short, nothing listed twice, `more_entries` exact, deep offsets included."""
    with client_for(5) as c:
        running = _every(c, statuses="RUNNING")
        for wf in running[3:40:4]:
            assert c.post(f"{LIST}/{wf['name']}/cancel").status_code == 200
        tagged = [wf["name"] for wf in _every(c)[10:400:37]]
        for name in tagged:
            assert c.post(f"{LIST}/{name}/tag", params={"add": ["release"]}).status_code == 200
        whole = _every(c)
        assert len(whole) == 600 and len({w["name"] for w in whole}) == 600
        details = {w["name"]: c.get(f"{LIST}/{w['name']}").json() for w in whole if w["name"] in tagged}
        assert all("release" in d["tags"] for d in details.values())
        for status in ("RUNNING", "FAILED_CANCELED", "COMPLETED"):
            expected = [w["name"] for w in whole if w["status"] == status]
            assert [w["name"] for w in _every(c, statuses=status)] == expected
            # a page in the middle, with the exact more_entries
            page = c.get(
                LIST, params={"all_users": "true", "statuses": status, "offset": 5, "limit": 7, "order": "DESC"}
            )
            assert [w["name"] for w in page.json()["workflows"]] == expected[5:12]
            assert page.json()["more_entries"] == (len(expected) > 12)
        with_tag = [w["name"] for w in _every(c, tags="release")]
        assert set(tagged) <= set(with_tag) and len(with_tag) < len(whole)
        assert with_tag == [w["name"] for w in whole if w["name"] in set(with_tag)]  # in list order
        assert all("release" in c.get(f"{LIST}/{name}").json()["tags"] for name in with_tag)
        assert len(running) - 10 == len(_every(c, statuses="RUNNING"))
