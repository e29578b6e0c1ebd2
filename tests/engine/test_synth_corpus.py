"""Synthesis on every OpenAPI 3.x document of ../shared/corpus: every JSON response validates.

For each operation, response code and JSON media type with a schema, and three seeds, the
synthesized value is checked by openapi-schema-validator (the 3.0 read or write validator, or
the 3.1 validator, with the version's format checker) against the schema *in place*: `$ref`s
resolve against the whole document through a `referencing` registry. Request bodies are checked
the same way (writing=True), and `body()` must give bytes for every media type, JSON or not.
"""

from __future__ import annotations

import json
import time
import urllib.parse
from dataclasses import dataclass, field
from typing import Any

import pytest
from openapi_schema_validator import (
    OAS30ReadValidator,
    OAS30WriteValidator,
    OAS31Validator,
    oas30_format_checker,
    oas31_format_checker,
)
from referencing import Registry
from referencing.jsonschema import DRAFT4, DRAFT202012

from specmock.engine.rng import Rng
from specmock.engine.synth import Synthesizer
from specmock.spec import load_spec
from specmock.spec.refs import lookup
from tests.conftest import CORPUS, OPENAPI_3_DOCUMENTS

SEEDS = (0, 1, 2)
DOC_URI = "urn:specmock:corpus-document"

# (document, operationId, status or "request", media type): why no valid value exists.
# No response is here: every response schema of the corpus can be satisfied.
_XERO_RATE = (
    "Task.rate is required and declared as `{$ref: Amount, type: number}`; openapi-schema-validator applies"
    " $ref siblings, so it must be an object (Amount) and a number at once"
)
KNOWN_UNSATISFIABLE: dict[tuple[str, str, str, str], str] = {
    ("xero-projects.yaml", "createTask", "request", "application/json"): _XERO_RATE,
    ("xero-projects.yaml", "updateTask", "request", "application/json"): _XERO_RATE,
}


@dataclass
class Outcome:
    """What one document gave."""

    cases: int = 0  # responses: (operation, status, media type, seed)
    requests: int = 0  # request bodies, checked the same way with writing=True
    bodies: int = 0
    failures: list[str] = field(default_factory=list)


def escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def follow(document: dict[str, Any], pointer: str) -> tuple[str, Any]:
    """The pointer and node a chain of `$ref`s at pointer ends on."""
    node = lookup(document, pointer)
    seen: list[str] = []
    while isinstance(node, dict) and isinstance(node.get("$ref"), str) and node["$ref"] not in seen:
        seen.append(node["$ref"])
        pointer = node["$ref"].removeprefix("#")
        node = lookup(document, pointer)
    return pointer, node


def is_json(media_type: str) -> bool:
    kind = media_type.split(";", 1)[0].strip().lower()
    return kind.endswith(("/json", "+json"))


def media_objects(document: dict[str, Any], path: str, method: str) -> list[tuple[str, str, str, dict[str, Any]]]:
    """(status or "request", media type, pointer of its schema, media object) for one operation."""
    item_ptr, _ = follow(document, f"/paths/{escape(path)}")
    op_ptr = f"{item_ptr}/{method}"
    operation = lookup(document, op_ptr)
    found: list[tuple[str, str, str, dict[str, Any]]] = []
    places: list[tuple[str, str]] = []
    if "requestBody" in operation:
        places.append(("request", f"{op_ptr}/requestBody"))
    places += [(str(code), f"{op_ptr}/responses/{escape(str(code))}") for code in operation.get("responses") or {}]
    for status, ptr in places:
        ptr, obj = follow(document, ptr)
        for media_type, media in (obj.get("content") or {}).items():
            found.append((status, media_type, f"{ptr}/content/{escape(media_type)}/schema", media))
    return found


def run_document(name: str) -> Outcome:
    spec = load_spec(CORPUS / name, check=False)
    document = spec.document
    v31 = spec.version.startswith("3.1")
    resource = (DRAFT202012 if v31 else DRAFT4).create_resource(document)
    registry: Registry[Any] = Registry().with_resource(DOC_URI, resource)
    checker = oas31_format_checker if v31 else oas30_format_checker
    synth = Synthesizer(document, spec.version)
    outcome = Outcome()
    for op in spec.index.operations:
        for status, media_type, pointer, media in media_objects(document, op.path, op.method):
            writing = status == "request"
            for seed in SEEDS:
                rng = Rng.root(seed, op.operation_id, status, media_type)
                body = synth.body(media_type, media, rng, writing=writing)
                assert isinstance(body, bytes) and body, (name, op.operation_id, status, media_type)
                outcome.bodies += 1
                if not is_json(media_type) or "schema" not in media:
                    continue
                if (name, op.operation_id, status, media_type) in KNOWN_UNSATISFIABLE:
                    continue
                value = synth.value(media["schema"], rng, writing=writing)
                assert json.loads(body) == value, "body() serializes the same value"
                ref = f"{DOC_URI}#{urllib.parse.quote(pointer, safe='/~')}"
                # 3.0 has validators that know the direction: writeOnly must not be in a response.
                cls = OAS31Validator if v31 else OAS30WriteValidator if writing else OAS30ReadValidator
                validator = cls({"$ref": ref}, registry=registry, format_checker=checker)
                errors = sorted(validator.iter_errors(value), key=lambda e: list(e.absolute_path))
                if writing:
                    outcome.requests += 1
                else:
                    outcome.cases += 1
                if errors:
                    where = "/".join(str(p) for p in errors[0].absolute_path)
                    outcome.failures.append(
                        f"{op.operation_id} {status} {media_type} seed={seed}: at /{where}: {errors[0].message[:300]}"
                    )
    return outcome


@dataclass
class Run:
    """Every document's outcome and how long synthesis and validation took."""

    outcomes: dict[str, Outcome]
    seconds: float


@pytest.fixture(scope="module")
def results() -> Run:
    if not CORPUS.is_dir():  # pragma: no cover - CI has shared/ beside the checkout
        pytest.fail(f"{CORPUS} is missing")
    started = time.perf_counter()
    outcomes = {name: run_document(name) for name in OPENAPI_3_DOCUMENTS}
    return Run(outcomes, time.perf_counter() - started)


def test_corpus_is_there() -> None:
    assert len(OPENAPI_3_DOCUMENTS) >= 17, "../shared/corpus is missing or incomplete"


@pytest.mark.slow
@pytest.mark.parametrize("document", OPENAPI_3_DOCUMENTS)
def test_every_json_response_validates(document: str, results: Run) -> None:
    outcome = results.outcomes[document]
    shown = "\n".join(outcome.failures[:15])
    checked = outcome.cases + outcome.requests
    assert not outcome.failures, f"{len(outcome.failures)} of {checked} cases invalid:\n{shown}"


@pytest.mark.slow
def test_case_count(results: Run, capsys: pytest.CaptureFixture[str]) -> None:
    outcomes = results.outcomes.values()
    total = sum(o.cases for o in outcomes)
    requests = sum(o.requests for o in outcomes)
    bodies = sum(o.bodies for o in outcomes)
    with capsys.disabled():
        per_doc = ", ".join(f"{name}={o.cases}" for name, o in results.outcomes.items() if o.cases)
        print(f"\nsynth corpus: {total} response cases and {requests} request bodies validated,")
        print(f"{bodies} bodies serialized, in {results.seconds:.1f}s ({per_doc})")
    assert total > 1000, f"only {total} (operation, status, media type, seed) response cases validated"
