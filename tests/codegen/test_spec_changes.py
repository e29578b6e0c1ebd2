"""`specmock check` says what a spec changed since its package was generated, readable in a CI log,
on a real case: the OSMO service's export of January 2026 in place of the current document."""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml

from tests.conftest import SHARED, copy_repo, needs_shared, run_specmock


def test_the_older_real_export_is_drift_named_in_words(tmp_path: Path) -> None:
    needs_shared()
    project = copy_repo(tmp_path / "repo")
    # JSON is YAML: the export goes where specmock.toml looks for the OSMO document
    shutil.copy(SHARED / "reference" / "osmo-openapi-2026-01.json", project / "specs" / "osmo.yaml")
    result = run_specmock("check", cwd=project)
    assert result.code == 1, result.text
    out = result.out
    assert "specs/osmo.yaml changed since the committed package was generated:" in out
    # operations the service added later are "removed" going back, and the other way round
    assert "operation removed: GET /api/auth/user (list_users_api_auth_user_get)" in out
    assert "operation added: GET /api/auth/refresh_token (get_new_jwt_token_api_auth_refresh_token_get)" in out
    assert "schema ListTaskEntry: field duration retyped (float | None -> timedelta | None)" in out
    assert "schema CliConfig: field client_install_url removed" in out
    assert "more changes" in out  # a long list is cut, not dumped
    assert "drift: src/specmock_apis/generated/osmo/models.py is not what" in out
    # the words come before the file diffs, so the log reads top down
    assert out.index("changed since the committed package") < out.index("drift:")


def test_enum_values_and_fields_are_named(tmp_path: Path) -> None:
    project = copy_repo(tmp_path / "repo")
    spec = project / "specs" / "osmo.yaml"
    document = yaml.safe_load(spec.read_text())
    schemas = document["components"]["schemas"]
    schemas["WorkflowStatus"]["enum"].remove("FAILED_PREEMPTED")
    schemas["WorkflowStatus"]["enum"].append("FAILED_QUOTA")
    props = schemas["PoolResponse"]["properties"]
    props["node_set_list"] = props.pop("node_sets")
    spec.write_text(yaml.safe_dump(document, sort_keys=False))
    result = run_specmock("check", cwd=project)
    assert result.code == 1, result.text
    assert "enum WorkflowStatus: value FAILED_QUOTA added" in result.out
    assert "enum WorkflowStatus: value FAILED_PREEMPTED removed" in result.out
    assert "schema PoolResponse: field node_sets removed" in result.out
    assert "schema PoolResponse: field node_set_list added" in result.out


def test_a_spec_in_sync_shows_no_changes() -> None:
    result = run_specmock("check")
    assert result.code == 0, result.text
    assert "changed since" not in result.out
