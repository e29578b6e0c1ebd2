"""Every `console` example in the README is run, in a copy of the repository, and its output checked."""

from __future__ import annotations

import re
import shlex
import subprocess
from pathlib import Path

import pytest

from tests.conftest import REPO, copy_repo, run_specmock

BLOCK = re.compile(r"```console\n(.*?)```", re.S)


def blocks() -> list[str]:
    return BLOCK.findall((REPO / "README.md").read_text())


def test_readme_has_examples() -> None:
    assert len(blocks()) >= 4


@pytest.mark.parametrize("block", blocks())
def test_readme_example(block: str, tmp_path: Path) -> None:
    project = copy_repo(tmp_path / "repo")
    output = ""
    for line in block.splitlines():
        if not line.startswith("$ "):
            assert line.strip() in output, f"README says {line.strip()!r} appears, but the command printed:\n{output}"
            continue
        command, _, comment = line[2:].partition("  # ")
        expected = int(m.group(1)) if (m := re.search(r"exits (\d)", comment)) else 0
        if command.startswith("uv run specmock "):
            result = run_specmock(*shlex.split(command)[3:], cwd=project)
            code, output = result.code, result.text
        else:
            proc = subprocess.run(command, shell=True, cwd=project, capture_output=True, text=True, check=False)
            code, output = proc.returncode, proc.stdout + proc.stderr
        assert code == expected, f"{command!r} exited {code}, README says {expected}:\n{output}"
