"""A small user project served in-process: route conflicts, the 400 problem+json fallback and
--validate strict on a generator that breaks the spec."""

from __future__ import annotations

import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from specmock.codegen.writer import render, write
from specmock.config import ApiConfig, Config
from specmock.errors import ConfigError
from specmock.server.app import create_app
from specmock.server.settings import Settings
from tests.conftest import FIXTURES

PACKAGE = "project_generated"
GENERATORS = """
from specmock.context import Context
from specmock.registry import Generators

generators = Generators("petshop")


@generators.operation("getPet")
def get_pet(ctx: Context) -> dict:
    pet_id = ctx.params["petId"]
    status = "lost" if pet_id == 13 else "available"  # 13: a value the spec's enum does not have
    return {"id": pet_id, "name": f"pet-{pet_id}", "status": status}
"""


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Config]:
    root = tmp_path_factory.mktemp("project")
    shutil.copytree(FIXTURES / "petshop" / "specs", root / "specs")
    (root / "project_mocks.py").write_text(GENERATORS)
    spec = Path("specs/petshop.yaml")
    apis = (ApiConfig("petshop", spec, "project_mocks"), ApiConfig("petshop_copy", spec))
    config = Config(root=root, apis=apis, output=Path(PACKAGE), pythonpath=(".",))
    for api in apis:
        write(config, render(config, api))
    yield config
    for name in [m for m in sys.modules if m.startswith((PACKAGE, "project_mocks"))]:
        del sys.modules[name]


def test_two_apis_on_one_path_is_a_startup_error(project: Config) -> None:
    with pytest.raises(ConfigError) as caught:
        create_app(project)
    message = str(caught.value)
    assert "GET /pets is served by two APIs" in message
    assert "petshop listPets" in message and "petshop_copy listPets" in message


def test_a_bad_parameter_without_a_declared_error_is_a_400_problem(project: Config) -> None:
    with TestClient(create_app(project, only=["petshop"])) as client:
        response = client.get("/pets", params={"limit": 1000})
        assert response.status_code == 400
        assert response.headers["content-type"] == "application/problem+json"
        assert "limit" in response.json()["detail"]
        assert client.get("/pets/seven").status_code == 400


def test_strict_validation_turns_a_broken_answer_into_a_500_naming_the_field(project: Config) -> None:
    with TestClient(create_app(project, Settings(validate="strict"), only=["petshop"])) as client:
        assert client.get("/pets/12").status_code == 200
        broken = client.get("/pets/13")
        assert broken.status_code == 500
        assert broken.headers["content-type"] == "application/problem+json"
        problem = broken.json()
        assert problem["violations"][0]["where"] == "$.status"
        assert "'lost' is not one of" in problem["violations"][0]["message"]
    with TestClient(create_app(project, only=["petshop"])) as client:
        assert client.get("/pets/13").status_code == 200  # validation is off by default
