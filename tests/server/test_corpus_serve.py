"""Every operation of every OpenAPI 3.x document of ../shared/corpus, served end to end by `specmock conform`.

Each document is served by specmock's app in this process (synthesis alone: the corpus is not part of
the project), every operation gets valid requests (parameters and bodies made from the spec, path
parameters taken from list answers) and every answer is checked with openapi-core: status, content
type, headers and body. Synthesis answers every valid request with its success status, so anything
else fails here (`require_success`).
"""

from __future__ import annotations

import pytest

from specmock.conformance.session import ConformOptions, run_conform
from specmock.engine.clock import FrozenClock, parse_instant
from tests.conftest import CORPUS, OPENAPI_3_DOCUMENTS, needs_shared
from tests.server.conftest import FROZEN

SAMPLES = 3

# (document, operationId) -> why no valid request exists, and the words conform uses to say where.
KNOWN: dict[tuple[str, str], tuple[str, str]] = {
    ("xero-projects.yaml", "createTask"): (
        "its request body is unsatisfiable: Task.rate is a $ref to an object beside `type: number`",
        "the request breaks the spec: request $.rate:",
    ),
    ("xero-projects.yaml", "updateTask"): (
        "its request body is unsatisfiable: Task.rate is a $ref to an object beside `type: number`",
        "the request breaks the spec: request $.rate:",
    ),
}

# document -> what is wrong in it that conform reports as a warning (naming the place) and serves anyway.
KNOWN_WARNINGS: dict[str, str] = {
    "k8s-apiextensions-v1.json": "default {} does not match",  # `default: {}` on objects with required fields
}


@pytest.mark.slow
@pytest.mark.parametrize("document", OPENAPI_3_DOCUMENTS)
def test_every_operation_answers_what_the_spec_declares(document: str) -> None:
    needs_shared()
    options = ConformOptions(
        CORPUS / document, samples=SAMPLES, require_success=True, clock=FrozenClock(parse_instant(FROZEN))
    )
    result = run_conform(options)
    failed = {r.operation.operation_id: r.problems for r in result.operations if not r.passed}
    known = {op: words for (doc, op), (_, words) in KNOWN.items() if doc == document}
    unexpected = {op: problems for op, problems in failed.items() if op not in known}
    assert not unexpected, "\n".join(f"{op}: {p}" for op, problems in unexpected.items() for p in problems[:3])
    for op, words in known.items():
        # a known exception stays one: conform names the place in the request that cannot be satisfied
        assert op in failed and all(words in p for p in failed[op]), failed.get(op)
    expected_warning = KNOWN_WARNINGS.get(document)
    assert all(expected_warning is not None and expected_warning in w for w in result.warnings), result.warnings[:3]
    assert all(w.startswith(f"{CORPUS / document} at /paths/") for w in result.warnings)
    assert bool(result.warnings) == (expected_warning is not None)
    checked = [r for r in result.operations if r.passed]
    assert all(len(r.exchanges) == SAMPLES for r in checked if r.operation.method != "delete")
    assert result.responses >= len(checked)
