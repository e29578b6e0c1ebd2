"""Golden answers: the exact bytes OSMO and every corpus document answer on a frozen clock.

Refactors of the engine and the bundled packages must not change a byte unless they mean to. A
golden file lists, per request, the status, the content type and a SHA-256 of the body (with the
body's first characters, to see what it was). Refresh on purpose with
`SPECMOCK_UPDATE_GOLDEN=1 uv run pytest tests/server/test_golden_responses.py` and say in the
commit which answers changed and why.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from specmock.conformance.runner import Conformance
from specmock.conformance.target import load, local_app
from specmock.conformance.transport import app_client
from specmock.engine.clock import FrozenClock, parse_instant
from specmock.server.settings import Settings
from tests.conftest import CORPUS, OPENAPI_3_DOCUMENTS, needs_shared
from tests.osmo.conftest import client_for
from tests.server.conftest import FROZEN

GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "responses"
HEAD = 120  # characters of each body kept beside its digest
TRILLION = 10**12
# (seed, workflows): small volumes are brute-force land, 10^12 is where offsets get deep
OSMO_CASES = ((3, 1000), (7, 1000), (7, TRILLION), (11, TRILLION))


def record(response: httpx.Response) -> dict[str, Any]:
    """What a golden file keeps of an answer."""
    body = response.content
    return {
        "status": response.status_code,
        "type": response.headers.get("content-type", ""),
        "sha256": hashlib.sha256(body).hexdigest(),
        "bytes": len(body),
        "head": body[:HEAD].decode("utf-8", "replace"),
    }


def compare(name: str, actual: dict[str, dict[str, Any]]) -> None:
    """Hold `actual` to the golden file `name`, or rewrite it when asked to."""
    path = GOLDEN / f"{name}.json"
    if os.environ.get("SPECMOCK_UPDATE_GOLDEN"):
        GOLDEN.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(actual, indent=1, ensure_ascii=False, sort_keys=True) + "\n")
    expected = json.loads(path.read_text())
    assert sorted(actual) == sorted(expected), f"{path.name}: the set of requests changed"
    changed = [key for key in sorted(actual) if actual[key] != expected[key]]
    details = [f"{key}: {expected[key]['head']!r}\n  now {actual[key]['head']!r}" for key in changed[:5]]
    assert not changed, f"{len(changed)} answers of {path.name} changed:\n" + "\n".join(details)


def osmo_requests(get: Callable[..., httpx.Response], total: int) -> Iterator[tuple[str, httpx.Response]]:
    """Every OSMO request the goldens pin, names taken from the answers before them."""
    everyone = {"all_users": "true"}

    def ask(path: str, **params: Any) -> tuple[str, httpx.Response]:
        response = get(path, params=params)
        query = "&".join(f"{k}={v}" for k, v in params.items())
        return f"GET {path}" + (f"?{query}" if query else ""), response

    first = ask("/api/workflow", limit=20, **everyone)
    yield first
    yield ask("/api/workflow", limit=20)
    yield ask("/api/workflow", limit=20, offset=980, **everyone)
    if total == TRILLION:
        yield ask("/api/workflow", limit=20, offset=TRILLION - 20, **everyone)
        yield ask("/api/workflow", limit=20, offset=123_456_789_012, **everyone)
    yield ask("/api/workflow", limit=20, order="ASC", **everyone)
    for status in ("RUNNING", "COMPLETED", "PENDING", "FAILED"):
        yield ask("/api/workflow", limit=20, statuses=status, **everyone)
        yield ask("/api/workflow", limit=20, offset=200, statuses=status, **everyone)
    workflows = first[1].json()["workflows"]
    pool, user = workflows[0]["pool"], workflows[0]["user"]
    yield ask("/api/workflow", limit=20, pools=pool, statuses="RUNNING", **everyone)
    yield ask("/api/workflow", limit=20, users=user, offset=40)
    yield ask("/api/workflow", limit=20, name="llama", **everyone)
    for wf in workflows[:6]:
        name = wf["name"]
        detail = ask(f"/api/workflow/{name}")
        yield detail
        tasks = [t["name"] for g in detail[1].json()["groups"] for t in g["tasks"]]
        yield ask(f"/api/workflow/{name}/task/{tasks[-1]}")
        yield ask(f"/api/workflow/{name}/logs")
        yield ask(f"/api/workflow/{name}/logs", task_name=tasks[0], last_n_lines=5)
        yield ask(f"/api/workflow/{name}/error_logs")
        yield ask(f"/api/workflow/{name}/events")
        yield ask(f"/api/workflow/{name}/spec")
        yield ask(f"/api/workflow/{name}/spec", use_template="true")
    yield ask("/api/workflow/no-such-workflow-zz")
    yield ask("/api/task", limit=50, order="DESC", **everyone)
    yield ask("/api/task", summary="true", **everyone)
    yield ask("/api/task", aggregate_by_workflow="true", statuses="RUNNING", **everyone)
    yield ask("/api/task", workflow_id=workflows[1]["name"], **everyone)
    yield ask("/api/pool")
    yield ask("/api/pool_quota")
    resources = ask("/api/resources")
    yield resources
    for node in resources[1].json()["resources"][:3]:
        yield ask(f"/api/resources/{node['hostname']}")
    buckets = ask("/api/bucket")
    yield buckets
    datasets = ask("/api/bucket/list_dataset", count=20)
    yield datasets
    yield ask("/api/bucket/list_dataset", count=20, dataset_type="COLLECTION")
    for entry in datasets[1].json()["datasets"][:4]:
        yield ask(f"/api/bucket/{entry['bucket']}/dataset/{entry['name']}/info")
    bucket = datasets[1].json()["datasets"][0]["bucket"]
    yield ask(f"/api/bucket/{bucket}/query", command='name CONTAINS "-"')
    yield ask(f"/api/bucket/{bucket}/query", command="metadata.num_samples >= 0 LIMIT 5")
    for path in ("/api/profile/settings", "/api/users", "/api/version", "/api/tag"):
        yield ask(path)


@pytest.mark.parametrize(("seed", "workflows"), OSMO_CASES)
def test_osmo_answers_are_the_golden_bytes(seed: int, workflows: int) -> None:
    with client_for(seed, workflows) as client:
        actual = {label: record(response) for label, response in osmo_requests(client.get, workflows)}
    compare(f"osmo-seed{seed}-workflows{workflows}", actual)


def _recording(client: httpx.Client, into: list[httpx.Response]) -> httpx.Client:
    def keep(response: httpx.Response) -> None:
        response.read()
        into.append(response)

    client.event_hooks["response"] = [keep]
    return client


@pytest.mark.slow
def test_corpus_synthesis_is_the_golden_bytes() -> None:
    """The synthesized answers of every corpus document, keyed by operation and sample (not by
    URL: where a document's routes are served may change without the answers changing)."""
    needs_shared()
    clock = FrozenClock(parse_instant(FROZEN))
    actual: dict[str, dict[str, Any]] = {}
    for document in OPENAPI_3_DOCUMENTS:
        spec = load(CORPUS / document)
        local = local_app(CORPUS / document, spec, Settings(seed=0), clock, None)
        seen: list[httpx.Response] = []
        base = "http://testserver" + local.runtime.prefix  # where the document is mounted
        with _recording(app_client(local.app, base, raise_app_exceptions=False), seen) as client:
            Conformance(spec, client, seed=0, samples=2, require_success=False, synth=local.runtime.synthesizer()).run(
                "golden"
            )
        digest = hashlib.sha256()
        for response in seen:
            line = f"{response.request.method} {response.status_code} {response.headers.get('content-type')}\n"
            digest.update(line.encode())
            digest.update(hashlib.sha256(response.content).digest())
        actual[document] = {
            "status": len(seen),
            "type": "responses",
            "sha256": digest.hexdigest(),
            "bytes": sum(len(r.content) for r in seen),
            "head": "",
        }
    compare("corpus", actual)


def test_a_changed_answer_fails_the_comparison(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The comparison itself can fail: one changed byte is reported with the request it belongs to."""
    monkeypatch.delenv("SPECMOCK_UPDATE_GOLDEN", raising=False)
    name = "osmo-seed3-workflows1000"
    golden = json.loads((GOLDEN / f"{name}.json").read_text())
    label = sorted(golden)[0]
    changed = {**golden, label: {**golden[label], "sha256": "0" * 64}}
    with pytest.raises(AssertionError, match="1 answers of"):
        compare(name, changed)


def test_osmo_goldens_are_not_all_alike() -> None:
    """Seeds and volumes give different bytes, so the goldens pin something real."""
    digests = [json.loads((GOLDEN / f"osmo-seed{s}-workflows{w}.json").read_text()) for s, w in OSMO_CASES]
    first_page = "GET /api/workflow?limit=20&all_users=true"
    assert len({d[first_page]["sha256"] for d in digests}) == len(OSMO_CASES)
    assert all(d[first_page]["status"] == 200 for d in digests)
