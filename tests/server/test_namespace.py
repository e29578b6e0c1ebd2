"""A user's project with its own `mocks` and `generated` packages works beside the bundled APIs,
which live in specmock's own namespace (`specmock_apis`)."""

from __future__ import annotations

import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from specmock.config import load_config
from specmock.engine.clock import FrozenClock, parse_instant
from specmock.server.app import create_app
from specmock.server.settings import Settings
from tests.conftest import FIXTURES, REPO, run_specmock
from tests.server.conftest import FROZEN

CONFIG = """
output = "generated"

[[apis]]
name = "petshop"
spec = "specs/petshop.yaml"
generators = "mocks.petshop"
"""
GENERATORS = """
from generated.petshop.models import PetStatus
from specmock.context import Context
from specmock.registry import Generators

generators = Generators("petshop")


@generators.operation("getPet")
def get_pet(ctx: Context) -> dict:
    return {"id": ctx.params["petId"], "name": "from the user's mocks", "status": PetStatus.available.value}
"""


@pytest.fixture
def user_project(tmp_path: Path) -> Iterator[Path]:
    """A project whose packages are named `mocks` and `generated`, codegen already run."""
    root = tmp_path / "shop"
    shutil.copytree(FIXTURES / "petshop" / "specs", root / "specs")
    (root / "specmock.toml").write_text(CONFIG)
    (root / "src" / "mocks" / "petshop").mkdir(parents=True)
    (root / "src" / "mocks" / "__init__.py").write_text("")
    (root / "src" / "mocks" / "petshop" / "__init__.py").write_text(GENERATORS)
    result = run_specmock("codegen", cwd=root)
    assert result.code == 0, result.text
    assert (root / "generated" / "petshop" / "models.py").is_file()
    saved = list(sys.path)
    sys.path[:0] = [str(root / "src"), str(root)]
    yield root
    sys.path[:] = saved
    for name in [m for m in sys.modules if m.split(".")[0] in ("mocks", "generated")]:
        del sys.modules[name]


def test_user_mocks_and_generated_serve_beside_the_bundled_apis(user_project: Path) -> None:
    clock = FrozenClock(parse_instant(FROZEN))
    mine = create_app(load_config(user_project / "specmock.toml"), Settings(), clock)
    bundled = create_app(load_config(REPO / "specmock.toml"), Settings(), clock)
    with TestClient(mine) as shop, TestClient(bundled) as osmo:
        pet = shop.get("/pets/3")
        assert pet.status_code == 200, pet.text
        assert pet.json()["name"] == "from the user's mocks"
        assert osmo.get("/api/workflow", params={"limit": 2}).status_code == 200
    assert Path(sys.modules["generated"].__file__ or "").is_relative_to(user_project)
    assert Path(sys.modules["mocks.petshop"].__file__ or "").is_relative_to(user_project)
    assert "specmock_apis.generated.osmo.models" in sys.modules


def test_user_project_checks_clean_beside_the_bundled_apis(user_project: Path) -> None:
    result = run_specmock("check", cwd=user_project)
    assert result.code == 0, result.text
    assert "petshop (specs/petshop.yaml): ok" in result.out
