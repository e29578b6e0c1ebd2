"""`specmock conform` as users run it: specmock's own app, a broken server, reports and bad input.

Most runs call the command's entry point in this process (the same code as the `specmock` script,
without a second interpreter's start-up); one runs the real command in a subprocess.
"""

from __future__ import annotations

import json
import re
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from specmock.cli import main
from specmock.conformance.runner import Conformance
from specmock.conformance.target import load
from specmock.conformance.transport import app_client
from tests.conformance.conftest import PETS_SPEC
from tests.conftest import CORPUS, REPO, Result, run_specmock
from tests.server.conftest import free_port

OSMO = "specs/osmo.yaml"
PETS = str(PETS_SPEC.relative_to(REPO))


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """Run `specmock ARGS` through its entry point, in the repository."""
    monkeypatch.chdir(REPO)

    def run(*args: str) -> Result:
        monkeypatch.setattr(sys, "argv", ["specmock", *args])
        try:
            main()
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
        out, err = capsys.readouterr()
        return Result(code, out, err)

    return run


def problem_lines(text: str) -> dict[str, list[str]]:
    """Each FAIL line's operationId -> its problem lines, without the example request."""
    out: dict[str, list[str]] = {}
    current = ""
    for line in text.splitlines():
        if line.startswith("FAIL "):
            current = re.findall(r"\((\w+)\)", line)[0]
            out[current] = []
        elif line.startswith("     ") and current:
            out[current].append(line.strip().split("  [")[0])
    return out


def test_every_osmo_operation_conforms_and_gets_real_names(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("conform", OSMO, "--report", "json")
    report = json.loads(result.out)
    failing = {o["operationId"]: o["problems"] for o in report["operations"] if not o["passed"]}
    assert result.code == 0 and not failing, json.dumps(failing, indent=1)[:3000]
    operations = len(load(REPO / OSMO).index.operations)
    assert (report["passed"], report["failed"]) == (operations, 0)
    # The OSMO generators answer 404 for a workflow or task name they do not know: every 200 here
    # means the name came from GET /api/workflow and the task name from the workflow's detail.
    by_id = {o["operationId"]: o["exchanges"] for o in report["operations"]}
    for operation_id in (
        "get_workflow_api_workflow__name__get",
        "get_workflow_task_api_workflow__name__task__task_name__get",
    ):
        assert [e["status"] for e in by_id[operation_id]] == [200, 200, 200], by_id[operation_id]
    assert len({e["request"] for e in by_id["get_workflow_api_workflow__name__get"]}) == 3


def test_a_broken_server_gets_one_precise_message_per_defect(broken_server: str) -> None:
    result = run_specmock("conform", PETS, "--url", broken_server)
    assert result.code == 1, result.text
    assert problem_lines(result.out) == {
        "getPet": ["200: $.status: 'lost' is not one of ['available', 'sold'] (enum)"],
        "getOwner": ["200: $: 'name' is a required property (required)"],
        "getAge": ["200: $.age: 'three' is not of type 'integer' (type)"],
        "getPhoto": ["200: content-type: text/html; charset=utf-8 is not a declared media type (declared: image/png)"],
    }
    assert "ok   GET /pets (listPets) 200" in result.out
    assert "ok   GET /health (getHealth) 200" in result.out
    assert result.out.splitlines()[-1] == "2 passed, 4 failed"


def test_pet_ids_come_from_the_list(broken_server: str, cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("conform", PETS, "--url", broken_server, "--report", "json")
    report = json.loads(result.out)
    get_pet = next(o for o in report["operations"] if o["operationId"] == "getPet")
    assert sorted(e["request"] for e in get_pet["exchanges"]) == ["GET /pets/1", "GET /pets/2", "GET /pets/3"]
    assert (report["passed"], report["failed"], report["responses"]) == (2, 4, 18)
    assert report["target"] == broken_server


def test_junit_report_and_progress_stay_apart(broken_server: str, cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("conform", PETS, "--url", broken_server, "--report", "junit", "--progress")
    assert result.code == 1
    suite = ET.fromstring(result.out).find("testsuite")
    assert suite is not None and suite.get("tests") == "6" and suite.get("failures") == "4"
    failures = {case.get("name"): case.find("failure") for case in suite.iter("testcase")}
    message = failures["GET /pets/{petId}/age (getAge)"]
    assert message is not None and "$.age: 'three' is not of type 'integer' (type)" in (message.get("message") or "")
    assert failures["GET /health (getHealth)"] is None
    assert "[6/6] " in result.err  # progress went to stderr, the XML alone to stdout


def test_a_spec_outside_the_project_is_served_by_synthesis(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("conform", PETS, "--samples", "2", "--seed", "5")
    assert result.code == 0, result.text
    assert result.out.splitlines()[-1] == "6 passed, 0 failed"


def test_a_declared_refusal_passes_unless_success_is_required() -> None:
    async def refuse(request: Request) -> Response:
        if request.url.path == "/pets":
            return JSONResponse({"pets": [{"id": 1, "name": "Rex", "status": "sold"}]})
        return Response(status_code=404)

    app = Starlette(routes=[Route("/{rest:path}", refuse)])
    spec = load(PETS_SPEC)
    with app_client(app) as client:
        lenient = Conformance(spec, client, samples=1).exercise(spec.index.operation("getPet"))
        strict = Conformance(spec, client, samples=1, require_success=True).exercise(spec.index.operation("getPet"))
    assert lenient.passed
    assert not strict.passed and strict.problems[0].startswith("404: expected 200")


def test_bad_input_exits_2_with_one_line(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    missing = cli("conform", "no-such-spec.yaml")
    assert (missing.code, missing.err.strip()) == (2, "error: no-such-spec.yaml: no such file")

    bad_report = cli("conform", PETS, "--report", "xml")
    assert (bad_report.code, bad_report.err.strip()) == (2, "error: --report: 'xml' is not one of text, json, junit")

    bad_header = cli("conform", PETS, "--header", "no colon")
    assert (bad_header.code, bad_header.err.strip()) == (2, "error: --header: 'no colon' is not 'Name: value'")

    bad_url = cli("conform", PETS, "--url", "ftp://example.com")
    assert bad_url.code == 2 and bad_url.err.startswith("error: --url: 'ftp://example.com' is not an http(s) URL")

    nobody = cli("conform", PETS, "--url", f"http://127.0.0.1:{free_port()}")
    assert nobody.code == 2 and "no server answers" in nobody.err

    broken = tmp_path / "broken.yaml"
    broken.write_text(PETS_SPEC.read_text().replace("#/components/schemas/Pet", "#/components/schemas/Cat"))
    bad_ref = cli("conform", str(broken))
    assert (
        bad_ref.code == 2 and bad_ref.err.startswith(f"error: {broken}") and "#/components/schemas/Cat" in bad_ref.err
    )

    swagger = cli("conform", str(CORPUS / "v2.0_yaml_petstore.yaml"))
    assert swagger.code == 2 and swagger.err.startswith("error: ") and swagger.out == ""

    few = run_specmock("conform", PETS, "--samples", "0")  # click checks bounds and prints usage itself
    assert few.code == 2 and "--samples" in few.err
