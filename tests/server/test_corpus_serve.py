"""Every operation of every OpenAPI 3.x document of ../shared/corpus, served end to end.

Each document is generated into a throwaway project and served by `create_app`; every operation
gets a valid request (parameters and body made from the spec) under three seeds, and every answer
is checked with openapi-core against the document: status, content type, headers and body.
"""

from __future__ import annotations

import re
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from specmock.codegen.writer import render, write
from specmock.config import ApiConfig, Config
from specmock.conformance.adapter import SpecValidator
from specmock.conformance.exercise import Planner
from specmock.engine.clock import FrozenClock, parse_instant
from specmock.server.app import create_app
from specmock.server.negotiate import default_status, status_number
from specmock.server.settings import Settings
from tests.conftest import CORPUS, OPENAPI_3_DOCUMENTS
from tests.server.conftest import FROZEN

SEEDS = (0, 1, 2)
PACKAGE = "corpus_served"

# (document, operationId): why the mock cannot answer a valid request for it.
KNOWN: dict[tuple[str, str], str] = {
    ("xero-projects.yaml", "createTask"): "its request body is unsatisfiable (Task.rate is a $ref object and a number)",
    ("xero-projects.yaml", "updateTask"): "its request body is unsatisfiable (Task.rate is a $ref object and a number)",
}


def api_name(document: str) -> str:
    return "doc_" + re.sub(r"\W", "_", document.rsplit(".", 1)[0]).lower()


@dataclass
class Tally:
    calls: int = 0
    failures: list[str] = field(default_factory=list)


TALLY: dict[str, int] = {}


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Config]:
    root = tmp_path_factory.mktemp("corpus-project")
    apis = tuple(ApiConfig(name=api_name(d), spec=CORPUS / d) for d in OPENAPI_3_DOCUMENTS)
    config = Config(root=root, apis=apis, output=Path(PACKAGE), pythonpath=(".",))
    for api in apis:
        write(config, render(config, api))
    yield config
    for name in [m for m in sys.modules if m == PACKAGE or m.startswith(PACKAGE + ".")]:
        del sys.modules[name]
    served = sum(TALLY.values())
    print(f"\ncorpus served: {served} responses checked (openapi-core) over {len(TALLY)} documents: {TALLY}")


@pytest.mark.slow
@pytest.mark.parametrize("document", OPENAPI_3_DOCUMENTS)
def test_every_operation_answers_what_the_spec_declares(document: str, project: Config) -> None:
    name = api_name(document)
    app = create_app(project, Settings(seed=0), FrozenClock(parse_instant(FROZEN)), only=[name])
    runtime = app.state.specmock.apis[name]
    planner = Planner(runtime.spec, runtime.synthesizer())
    validator = SpecValidator(runtime.spec.document)
    tally = Tally()
    started = time.perf_counter()
    with TestClient(app) as client:
        for op in runtime.spec.index.operations:
            if (document, op.operation_id) in KNOWN:
                continue
            code = default_status(op)
            for seed in SEEDS:
                call = planner.call(op, seed)
                response = client.request(
                    call.method,
                    call.url,
                    headers={**call.headers, "prefer": f"seed={seed}"},
                    content=call.body,
                )
                tally.calls += 1
                where = f"{op.operation_id} seed={seed} {call.method} {call.url}"
                if code is None:  # 3.1 lets an operation declare no response: nothing to check but "no content"
                    if response.status_code != 204:
                        tally.failures.append(f"{where}: answered {response.status_code}, not 204")
                    continue
                if response.status_code != status_number(code):
                    tally.failures.append(f"{where}: answered {response.status_code}: {response.text[:300]}")
                    continue
                violations = validator.response_violations(
                    call.method,
                    call.path,
                    call.query,
                    response.status_code,
                    response.headers.get("content-type", ""),
                    response.content,
                    list(response.headers.items()),
                )
                tally.failures += [f"{where}: {v}" for v in violations]
    TALLY[document] = tally.calls
    assert not tally.failures, f"{len(tally.failures)} failures in {time.perf_counter() - started:.1f}s:\n" + "\n".join(
        tally.failures[:20]
    )
    assert tally.calls > 0 or not runtime.spec.index.operations
