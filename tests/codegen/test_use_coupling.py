"""`specmock check` knows what generators use of an operation: the parameters they read (a handler
its own operation's, a helper those of every handler that calls it) and the fields of the dicts a
handler returns. The OSMO spec is mutated in a copy of the project."""

from __future__ import annotations

from pathlib import Path

import yaml

from tests.conftest import copy_repo, run_specmock

LIST = "list_workflow_api_workflow_get"


def _mutated(tmp_path: Path, change: object) -> Path:
    project = copy_repo(tmp_path / "repo")
    spec = project / "specs" / "osmo.yaml"
    document = yaml.safe_load(spec.read_text())
    change(document)  # type: ignore[operator]
    spec.write_text(yaml.safe_dump(document, sort_keys=False))
    assert run_specmock("codegen", cwd=project).code == 0  # in sync: only the coupling can break
    return project


def test_a_renamed_parameter_names_the_reading_line_and_the_operation(tmp_path: Path) -> None:
    def rename(document: dict) -> None:  # type: ignore[type-arg]
        for parameter in document["paths"]["/api/workflow"]["get"]["parameters"]:
            if parameter["name"] == "pools":
                parameter["name"] = "pool_names"

    project = _mutated(tmp_path, rename)
    helper = project / "src/specmock_apis/osmo/api/workflow.py"
    line = next(n for n, text in enumerate(helper.read_text().splitlines(), 1) if 'p.get("pools")' in text)
    result = run_specmock("check", cwd=project)
    assert result.code == 1, result.text
    assert (
        f"src/specmock_apis/osmo/api/workflow.py:{line}: specmock_apis.osmo reads parameter `pools` of {LIST}, "
        "which specs/osmo.yaml no longer defines"
    ) in result.out


def test_a_parameter_a_handler_reads_itself_is_held_to_its_operation(tmp_path: Path) -> None:
    def drop(document: dict) -> None:  # type: ignore[type-arg]
        get = document["paths"]["/api/workflow"]["get"]
        get["parameters"] = [p for p in get["parameters"] if p["name"] != "tags"]

    result = run_specmock("check", cwd=_mutated(tmp_path, drop))
    assert result.code == 1, result.text
    assert f"reads parameter `tags` of {LIST}, which specs/osmo.yaml no longer defines" in result.out
    assert "src/specmock_apis/osmo/api/workflow.py:" in result.out


def test_a_dropped_operation_names_its_generator(tmp_path: Path) -> None:
    def drop(document: dict) -> None:  # type: ignore[type-arg]
        del document["paths"]["/api/pool_quota"]

    result = run_specmock("check", cwd=_mutated(tmp_path, drop))
    assert result.code == 1, result.text
    assert "has a generator for operation 'get_pool_quotas_api_pool_quota_get'" in result.out


def test_the_bundled_generators_read_only_parameters_the_spec_has() -> None:
    result = run_specmock("check")
    assert result.code == 0, result.text
    assert "reads parameter" not in result.out


def test_a_response_field_a_handler_fills_names_the_return(tmp_path: Path) -> None:
    """A field dropped from the workflow list's 200 body, which its handler returns as a dict."""

    def drop(document: dict) -> None:  # type: ignore[type-arg]
        ref = document["paths"]["/api/workflow"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
        schema = document["components"]["schemas"][ref["$ref"].rsplit("/", 1)[1]]
        del schema["properties"]["more_entries"]
        schema["required"] = [r for r in schema.get("required", []) if r != "more_entries"]

    result = run_specmock("check", cwd=_mutated(tmp_path, drop))
    assert result.code == 1, result.text
    assert (
        f"specmock_apis.osmo returns field `more_entries` for {LIST}, which its 200 response in specs/osmo.yaml "
        "no longer has"
    ) in result.out
    assert "src/specmock_apis/osmo/api/workflow.py:" in result.out
