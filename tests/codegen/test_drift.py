"""`specmock check` on the petshop fixture: each kind of spec change is named in words."""

from __future__ import annotations

from pathlib import Path

import yaml

from tests.conftest import copy_repo, run_specmock


def edit(project: Path, old: str, new: str) -> None:
    spec = project / "specs" / "petshop.yaml"
    text = spec.read_text()
    assert old in text
    spec.write_text(text.replace(old, new))


def test_clean_project_passes(petshop: Path) -> None:
    result = run_specmock("check", cwd=petshop)
    assert result.code == 0, result.text
    assert "petshop (specs/petshop.yaml): ok" in result.out


OSMO = "specmock_apis.osmo"


def test_spec_edited_but_not_regenerated_is_drift(petshop: Path) -> None:
    edit(petshop, "title: Petshop", "title: Pet shop")
    edit(petshop, "name: {type: string}", "name: {type: string, maxLength: 40}")
    result = run_specmock("check", cwd=petshop)
    assert result.code == 1, result.text
    assert "drift: generated/petshop/models.py" in result.out
    assert "max_length=40" in result.out  # the short diff shows what changed
    assert "drift: generated/petshop/manifest.json" in result.out  # the spec hash moved


def test_renamed_enum_value_names_enum_value_and_line(petshop: Path) -> None:
    edit(petshop, "enum: [available, pending, sold]", "enum: [available, pending, sold_out]")
    result = run_specmock("check", cwd=petshop)
    assert result.code == 1, result.text
    assert "petshop_mocks uses PetStatus.sold, which specs/petshop.yaml no longer defines" in result.out
    # the use inside is_sold() is found by reading the code, with its line
    assert "src/petshop_mocks/__init__.py:22:" in result.out
    # and its use in the exhaustive mapping, once: the failing import adds nothing there
    assert "src/petshop_mocks/__init__.py:10: petshop_mocks uses PetStatus.sold" in result.out
    assert "importing petshop_mocks" not in result.out


def test_removed_enum_value_after_codegen_still_fails(petshop: Path) -> None:
    edit(petshop, "enum: [available, pending, sold]", "enum: [available, pending]")
    assert run_specmock("codegen", cwd=petshop).code == 0
    result = run_specmock("check", cwd=petshop)
    assert result.code == 1, result.text
    assert "drift" not in result.out  # regenerated: only the coupling is broken
    assert "uses PetStatus.sold, which specs/petshop.yaml no longer defines" in result.out


def test_added_enum_value_not_covered_by_distribution(petshop: Path) -> None:
    edit(petshop, "enum: [available, pending, sold]", "enum: [available, pending, sold, reserved]")
    assert run_specmock("codegen", cwd=petshop).code == 0
    result = run_specmock("check", cwd=petshop)
    assert result.code == 1, result.text
    assert "specs/petshop.yaml adds PetStatus.reserved, which petshop_mocks's exhaustive mapping" in result.out
    assert "src/petshop_mocks/__init__.py:10:" in result.out


def test_removed_field_names_model_and_field(petshop: Path) -> None:
    edit(petshop, '        tag:\n          anyOf: [{type: string}, {type: "null"}]\n', "")
    assert run_specmock("codegen", cwd=petshop).code == 0
    result = run_specmock("check", cwd=petshop)
    assert result.code == 1, result.text
    assert "petshop_mocks builds Pet(tag=...), but Pet has no field 'tag' in specs/petshop.yaml" in result.out


def test_removed_operation_names_operation(petshop: Path) -> None:
    spec = petshop / "specs" / "petshop.yaml"
    text = spec.read_text()
    start, end = text.index("  /pets/{petId}:"), text.index("components:")
    spec.write_text(text[:start] + text[end:])
    assert run_specmock("codegen", cwd=petshop).code == 0
    result = run_specmock("check", cwd=petshop)
    assert result.code == 1, result.text
    assert "petshop_mocks has a generator for operation 'getPet', which specs/petshop.yaml no longer has" in result.out


def test_removed_schema_names_class(petshop: Path) -> None:
    edit(petshop, "    PetStatus:\n      type: string\n      enum: [available, pending, sold]\n", "")
    edit(petshop, '$ref: "#/components/schemas/PetStatus"', "type: string")  # both uses
    assert run_specmock("codegen", cwd=petshop).code == 0
    result = run_specmock("check", cwd=petshop)
    assert result.code == 1, result.text
    assert "petshop_mocks uses PetStatus, which specs/petshop.yaml no longer defines" in result.out


def test_osmo_rename_in_a_copy_names_workflow_status(tmp_path: Path) -> None:
    """The issue's own acceptance check, on a copy of this repository's spec and generators."""
    project = copy_repo(tmp_path / "repo")
    spec = project / "specs" / "osmo.yaml"
    spec.write_text(spec.read_text().replace("- FAILED_PREEMPTED\n", "- FAILED_PREEMPTION\n"))
    result = run_specmock("check", cwd=project)
    assert result.code == 1, result.text
    assert (
        "specmock_apis.osmo uses WorkflowStatus.FAILED_PREEMPTED, which specs/osmo.yaml no longer defines" in result.out
    )
    assert "src/specmock_apis/osmo/data/distributions.py" in result.out


def test_osmo_removal_after_codegen_names_the_generators(tmp_path: Path) -> None:
    """A value dropped from WorkflowStatus and regenerated: the models are in sync, the generators are not."""
    project = copy_repo(tmp_path / "repo")
    spec = project / "specs" / "osmo.yaml"
    document = yaml.safe_load(spec.read_text())
    document["components"]["schemas"]["WorkflowStatus"]["enum"].remove("FAILED_PREEMPTED")
    spec.write_text(yaml.safe_dump(document, sort_keys=False))
    assert run_specmock("codegen", cwd=project).code == 0
    assert (
        "FAILED_PREEMPTED"
        not in (project / "src/specmock_apis/generated/osmo/models.py")
        .read_text()
        .split("class WorkflowStatus", 1)[1]
        .split("class ", 1)[0]
    )
    result = run_specmock("check", cwd=project)
    assert result.code == 1, result.text
    assert (
        "specmock_apis.osmo uses WorkflowStatus.FAILED_PREEMPTED, which specs/osmo.yaml no longer defines" in result.out
    )
    assert "src/specmock_apis/osmo/data/distributions.py" in result.out
