"""The direct path (no FastAPI) against the generated FastAPI routes, which are the reference.

For every request the direct router settles, FastAPI must pass the very same params to the
dispatcher; a request it leaves to FastAPI must get FastAPI's answer. Requests come from the
conformance planner (valid ones) and from spellings FastAPI judges on its own ("True", "007",
" 5", repeated values, missing required ones...).
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
import urllib.parse
from pathlib import Path
from typing import Any

import pytest
from starlette.responses import Response
from starlette.testclient import TestClient

from specmock.config import load_config
from specmock.conformance.exercise import Call, Planner
from specmock.conformance.target import local_app
from specmock.engine.clock import FrozenClock, parse_instant
from specmock.server.app import create_app
from specmock.server.front import Front
from specmock.server.settings import Settings
from specmock.spec import load_spec
from tests.conftest import CORPUS, needs_shared

REPO = Path(__file__).resolve().parents[2]
FROZEN = "2026-06-01T12:00:00Z"
SAMPLES = 6
# spellings FastAPI reads by its own rules: the direct path must give FastAPI's value or step aside
VARIANTS = ("", "True", "1", "yes", "007", "+5", " 5", "5.0", "1e3", "-0", "0", "-3", "2026-06-01",
            "2026-06-01T12:00:00", "2026-06-01T12:00:00+02:00", "2026-06-01T12:00:00.5Z", "x", "%ZZ")  # fmt: skip


class Spy:
    """Stands in for the dispatcher behind the FastAPI routes: records the params they read."""

    def __init__(self) -> None:
        self.seen: tuple[str, str, dict[str, Any]] | None = None

    async def __call__(self, request: Any, api: str, operation_id: str, params: dict[str, Any]) -> Response:
        self.seen = (api, operation_id, params)
        return Response(b"", 204)


def _scope(method: str, path: str, query: list[tuple[str, str]], headers: dict[str, str]) -> dict[str, Any]:
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": urllib.parse.unquote(path),
        "raw_path": path.encode(),
        "query_string": urllib.parse.urlencode(query).encode(),
        "root_path": "",
        "headers": [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers.items()],
        "client": ("127.0.0.1", 1),
        "server": ("127.0.0.1", 80),
    }


async def _fastapi_params(front: Front, spy: Spy, scope: dict[str, Any]) -> tuple[str, str, dict[str, Any]] | None:
    """What the FastAPI route passed to the dispatcher for this request, or None when it answered an error."""
    spy.seen = None
    sent: list[Any] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: Any) -> None:
        sent.append(message)

    await front.fastapi()(dict(scope), receive, send)
    return spy.seen


def _requests(planner: Planner, call: Call) -> list[tuple[list[tuple[str, str]], dict[str, str]]]:
    """The planned request, then each query and header value replaced by each variant, and repeated."""
    headers = {k: v for k, v in call.headers.items() if k != "content-type"}
    out = [(call.query, headers)]
    for i, (name, value) in enumerate(call.query):
        out += [([*call.query[:i], (name, v), *call.query[i + 1 :]], headers) for v in VARIANTS]
        out.append(([*call.query, (name, value)], headers))
        out.append((call.query[:i] + call.query[i + 1 :], headers))
    for name in headers:
        out += [(call.query, {**headers, name: v}) for v in VARIANTS]
    return out


def _compare(front: Front, spec_path: Path) -> tuple[int, int]:
    """(valid requests, of which settled directly); asserts every settled one matches FastAPI."""
    spec = load_spec(spec_path)
    planner = Planner(spec)
    (runtime,) = front.dispatcher.apis.values()
    spy = Spy()
    front.fastapi().state.specmock = spy  # type: ignore[attr-defined]
    planned = direct = 0
    for op in spec.index.operations:
        for sample in range(SAMPLES):
            call = planner.call(op, seed=3, sample=sample)
            for n, (query, headers) in enumerate(_requests(planner, call)):
                scope = _scope(call.method, runtime.prefix + call.path, query, headers)
                matched = front.direct.match(scope)
                reference = asyncio.run(_fastapi_params(front, spy, scope))
                if n == 0:
                    planned += 1
                    direct += matched is not None
                if matched is not None:
                    where = f"{call.method} {call.path}?{scope['query_string'].decode()} {headers}"
                    assert reference is not None, f"{where}: settled directly, but FastAPI refuses it"
                    assert (matched.api, matched.operation_id, matched.params) == reference, where
    return planned, direct


def test_osmo_params_read_directly_are_what_the_fastapi_routes_read() -> None:
    front = create_app(load_config(REPO / "specmock.toml"), Settings(seed=1), FrozenClock(parse_instant(FROZEN)))
    planned, direct = _compare(front, REPO / "specs" / "osmo.yaml")
    # the direct path must really carry the API, not step aside for most of it
    assert direct >= 0.95 * planned, (direct, planned)


MOUNTS = {
    "xero-projects.yaml": "/projects.xro/2.0",
    "twilio-messaging-v2.json": "",
    "redocly-museum-3.1.yaml": "/_mock/docs/openapi/museum-api",
    "v3.0_uspto.yaml": "/ds-api",  # {scheme}://developer.uspto.gov/ds-api, the variable at its default
}


@pytest.mark.parametrize("document", list(MOUNTS))
def test_corpus_params_read_directly_are_what_the_fastapi_routes_read(document: str) -> None:
    needs_shared()
    path = CORPUS / document
    spec = load_spec(path)
    local = local_app(path, spec, Settings(seed=1), FrozenClock(parse_instant(FROZEN)))
    planned, direct = _compare(local.app, path)
    assert direct > 0, f"none of the {planned} planned requests was settled directly"
    # served where the spec's first server says (most of these name a base path)
    assert local.runtime.prefix == MOUNTS[document]


def test_front_and_fastapi_answer_the_same_bytes() -> None:
    """Valid and invalid requests: the same status and body whichever path answers."""
    front = create_app(
        load_config(REPO / "specmock.toml"), Settings(seed=2, cache_mb=0), FrozenClock(parse_instant(FROZEN))
    )
    urls = [
        "/api/workflow?all_users=true&limit=5",
        "/api/workflow?all_users=true&limit=5&offset=7&order=DESC&statuses=RUNNING&statuses=COMPLETED",
        "/api/workflow?all_users=true&limit=True",  # FastAPI's 422
        "/api/workflow?all_users=yes&limit=3",  # FastAPI reads "yes" as true
        "/api/workflow?limit=-1",  # the generator's 422
        "/api/pool?all_pools=true",
        "/api/resources",
        "/api/nowhere",  # 404
    ]
    with TestClient(front) as via_front, TestClient(front.fastapi()) as via_fastapi:
        for url in urls:
            a, b = via_front.get(url), via_fastapi.get(url)
            assert (a.status_code, a.content) == (b.status_code, b.content), url
            assert a.headers["content-type"] == b.headers["content-type"], url


def test_serving_valid_requests_does_not_import_fastapi() -> None:
    """A start serves the spec without FastAPI; the first request FastAPI must judge brings it in."""
    script = f"""
import sys
from pathlib import Path
from starlette.testclient import TestClient
from specmock.config import load_config
from specmock.server.app import create_app
app = create_app(load_config(Path({str(REPO / "specmock.toml")!r})))
with TestClient(app) as client:
    assert client.get("/api/workflow?limit=3").status_code == 200
    assert client.get("/_specmock/config").status_code == 200
    assert "fastapi" not in sys.modules, "fastapi imported for valid requests"
    bad = client.get("/api/workflow?limit=many")
    assert bad.status_code == 422, bad.text
    assert "limit" in bad.text
    assert "fastapi" in sys.modules
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=REPO, timeout=120)
    assert done.returncode == 0, done.stderr
