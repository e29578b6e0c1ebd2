"""Shared helpers: where things are, and running the real `specmock` command."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
CORPUS = SHARED / "corpus"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SWAGGER_2 = ("v2.0_yaml_petstore.yaml",)  # the corpus's one Swagger 2.0 document, refused by design
CORPUS_DOCUMENTS = sorted(p.name for p in CORPUS.glob("*") if p.suffix in (".yaml", ".json"))
OPENAPI_3_DOCUMENTS = [d for d in CORPUS_DOCUMENTS if d not in SWAGGER_2]


@dataclass
class Result:
    """What a run of the command printed and returned."""

    code: int
    out: str
    err: str

    @property
    def text(self) -> str:
        """Both streams, for messages that may go to either."""
        return self.out + self.err


def run_specmock(*args: str, cwd: Path = REPO, env: dict[str, str] | None = None, timeout: float = 120) -> Result:
    """Run `specmock ARGS` as a user would, in a subprocess."""
    proc = subprocess.run(
        [sys.executable, "-m", "specmock", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **(env or {})},
        check=False,
    )
    return Result(proc.returncode, proc.stdout, proc.stderr)


def copy_repo(target: Path) -> Path:
    """A copy of what `specmock check` reads in this repository: config, specs, generated, generators."""
    for part in ("specmock.toml", "specs", "src/specmock_apis"):
        source = REPO / part
        if source.is_dir():
            shutil.copytree(source, target / part, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            target.mkdir(parents=True, exist_ok=True)
            shutil.copy(source, target / part)
    return target


@pytest.fixture
def petshop(tmp_path: Path) -> Path:
    """A fresh copy of the petshop fixture project, codegen already run."""
    project = tmp_path / "petshop"
    shutil.copytree(FIXTURES / "petshop", project)
    result = run_specmock("codegen", cwd=project)
    assert result.code == 0, result.text
    return project


def needs_shared() -> None:
    """Skip loudly when ../shared is missing (CI always has it)."""
    if not SHARED.is_dir():  # pragma: no cover - CI has shared/ beside the checkout
        pytest.fail(f"{SHARED} is missing: tests read the reference documents there")
