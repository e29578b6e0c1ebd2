"""The example generator package of the README (examples/bookshop): shown as it is, checked,
served on a real port and held to the spec."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import httpx
import pytest

from tests.conftest import REPO, run_specmock
from tests.server.conftest import serving

EXAMPLE = REPO / "examples" / "bookshop"
PACKAGE = EXAMPLE / "src" / "mocks" / "bookshop"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    target = tmp_path / "bookshop"
    shutil.copytree(EXAMPLE, target, ignore=shutil.ignore_patterns("__pycache__"))
    return target


def test_the_readme_shows_the_package_as_it_is() -> None:
    readme = (REPO / "README.md").read_text()
    section = readme.split("## Writing generators", 1)[1].split("\n## ", 1)[0]
    shown = re.findall(r"```python\n(.*?)```", section, re.S)
    files = [(PACKAGE / name).read_text() for name in ("__init__.py", "books.py", "api.py")]
    assert shown[:3] == files  # the package first; later blocks are smaller examples


def test_the_example_is_in_sync_with_its_spec(project: Path) -> None:
    result = run_specmock("check", cwd=project)
    assert result.code == 0, result.text
    assert "bookshop (specs/bookshop.yaml): ok" in result.out


def test_a_genre_the_spec_adds_fails_the_check_naming_the_mapping(project: Path) -> None:
    spec = project / "specs" / "bookshop.yaml"
    spec.write_text(
        spec.read_text().replace(
            "enum: [novel, poetry, history, science]", "enum: [novel, poetry, history, science, drama]"
        )
    )
    assert run_specmock("codegen", cwd=project).code == 0
    result = run_specmock("check", cwd=project)
    assert result.code == 1, result.text
    assert "adds Genre.drama" in result.out
    assert "src/mocks/bookshop/books.py:" in result.out


@pytest.mark.slow
def test_the_example_serves_on_a_real_port(project: Path) -> None:
    with serving("--volume", "bookshop.books=300", cwd=project) as base:
        every = []
        for offset in range(0, 300, 100):
            every += httpx.get(f"{base}/books", params={"offset": offset, "limit": 100}).json()["books"]
        assert [b["id"] for b in every] == list(range(300))
        poetry = httpx.get(f"{base}/books", params={"genre": "poetry", "limit": 100}).json()
        assert poetry["total"] == sum(b["genre"] == "poetry" for b in every)  # exact, not estimated
        assert {b["genre"] for b in poetry["books"]} == {"poetry"}
        assert httpx.get(f"{base}/books/7").json() == every[7]
        missing = httpx.get(f"{base}/books/300")
        assert missing.status_code == 404 and missing.json() == {"message": "No book 300"}
        won = httpx.post(f"{base}/books/7/reserve")
        assert won.status_code == 200 and won.json()["reserved"] is True
        lost = httpx.post(f"{base}/books/7/reserve")
        assert lost.status_code == 409 and lost.json() == {"message": "Book 7 is already reserved"}
        assert httpx.get(f"{base}/books", params={"limit": 10}).json()["books"][7]["reserved"] is True
        authors = httpx.get(f"{base}/authors")
        assert authors.status_code == 200 and all("name" in a for a in authors.json())
        result = run_specmock("conform", "specs/bookshop.yaml", "--url", base, cwd=project)
        assert result.code == 0, result.text
        assert "4 passed, 0 failed" in result.out
