"""Codegen on every OpenAPI 3.x document of ../shared/corpus: models and routes import and mount."""

from __future__ import annotations

import importlib.util
import sys
import types
from pathlib import Path

import pytest
from fastapi import FastAPI

from specmock.codegen.writer import render
from specmock.config import ApiConfig, Config
from specmock.errors import SpecError
from tests.conftest import CORPUS, CORPUS_DOCUMENTS, OPENAPI_3_DOCUMENTS, SWAGGER_2


def load_module(name: str, text: str, tmp_path: Path) -> types.ModuleType:
    path = tmp_path / f"{name}.py"
    path.write_text(text)
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    finally:
        del sys.modules[name]
    return module


def test_corpus_is_there() -> None:
    assert len(CORPUS_DOCUMENTS) >= 18, "../shared/corpus is missing or incomplete"


@pytest.mark.parametrize("document", OPENAPI_3_DOCUMENTS)
def test_codegen_imports_and_mounts(document: str, tmp_path: Path) -> None:
    config = Config(root=CORPUS, apis=())
    generated = render(config, ApiConfig(name="corpus", spec=Path(document)))
    models = load_module(f"corpus_models_{abs(len(document))}", generated.files["models.py"], tmp_path)
    routes = load_module(f"corpus_routes_{abs(len(document))}", generated.files["routes.py"], tmp_path)
    app = FastAPI()
    app.include_router(routes.router)  # FastAPI checks every handler signature here
    operations = generated.spec.index.operations
    mounted = {r.operation_id for r in routes.router.routes}  # type: ignore[attr-defined]
    assert mounted == {op.operation_id for op in operations}
    schemas = (generated.spec.document.get("components") or {}).get("schemas") or {}
    classes = [v for v in vars(models).values() if isinstance(v, type) and v.__module__ == models.__name__]
    assert len(classes) >= (1 if schemas else 0)


@pytest.mark.parametrize("document", SWAGGER_2)
def test_swagger_2_is_refused(document: str) -> None:
    with pytest.raises(SpecError, match=r"Swagger 2\.0 is not supported"):
        render(Config(root=CORPUS, apis=()), ApiConfig(name="corpus", spec=Path(document)))
