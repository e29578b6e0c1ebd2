"""Golden cases: small specs under tests/golden/ and the exact files codegen makes from them.

Refresh on purpose with `SPECMOCK_UPDATE_GOLDEN=1 uv run pytest tests/codegen/test_golden.py`.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from specmock.codegen.writer import render
from specmock.config import ApiConfig, Config

GOLDEN = Path(__file__).resolve().parents[1] / "golden"
CASES = sorted(p.name for p in GOLDEN.iterdir() if (p / "spec.yaml").is_file())


def rendered(case: str) -> dict[str, str]:
    config = Config(root=GOLDEN / case, apis=())
    api = ApiConfig(name=case.replace("-", "_").replace(".", "_"), spec=Path("spec.yaml"))
    return render(config, api).files


@pytest.mark.parametrize("case", CASES)
def test_golden(case: str) -> None:
    files = rendered(case)
    expected_dir = GOLDEN / case / "expected"
    if os.environ.get("SPECMOCK_UPDATE_GOLDEN"):
        expected_dir.mkdir(exist_ok=True)
        for name, text in files.items():
            (expected_dir / name).write_text(text)
    expected = {p.name: p.read_text() for p in sorted(expected_dir.iterdir())}
    assert sorted(expected) == sorted(files)
    for name, text in files.items():
        assert text == expected[name], f"{case}/{name} differs from the golden file"


def test_golden_cases_exist() -> None:
    assert len(CASES) >= 2
