"""Codegen output is byte-identical across runs and PYTHONHASHSEED values, and generated/ is current."""

from __future__ import annotations

import shutil
from pathlib import Path

from specmock.config import load_config
from tests.conftest import REPO, run_specmock

OUTPUT = load_config(REPO / "specmock.toml").output  # where the bundled APIs' generated packages live


def generate_copy(tmp_path: Path, label: str, hash_seed: str) -> dict[str, bytes]:
    project = tmp_path / label
    project.mkdir()
    shutil.copy(REPO / "specmock.toml", project)
    shutil.copytree(REPO / "specs", project / "specs")
    result = run_specmock("codegen", cwd=project, env={"PYTHONHASHSEED": hash_seed})
    assert result.code == 0, result.text
    out = project / OUTPUT
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def test_same_bytes_under_different_hash_seeds(tmp_path: Path) -> None:
    first = generate_copy(tmp_path, "a", "1")
    second = generate_copy(tmp_path, "b", "4242")
    assert sorted(first) == sorted(second)
    for name in first:
        assert first[name] == second[name], f"{name} differs between PYTHONHASHSEED=1 and 4242"
    # and both equal what is committed
    committed = REPO / OUTPUT
    for name, data in first.items():
        assert (committed / name).read_bytes() == data, f"{OUTPUT}/{name} is stale: run `specmock codegen`"


def test_check_passes_on_this_repository() -> None:
    result = run_specmock("check")
    assert result.code == 0, result.text
    assert result.out.rstrip().endswith("specmock check: 1 API(s) in sync with their specs.")


def test_codegen_leaves_generated_unchanged() -> None:
    result = run_specmock("codegen", "specs/osmo.yaml")
    assert result.code == 0, result.text
    assert "(118 operations; unchanged)" in result.out
