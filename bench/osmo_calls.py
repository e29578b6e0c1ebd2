"""The OSMO generators called as the dispatcher calls them: a fresh Context, the registered handler, to_bytes.

No HTTP and no FastAPI: what is timed is producing an answer, which in-process ratios would
otherwise dilute with a test client's constant overhead.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from bench.osmo_app import NOW
from specmock.context import Context, Reply
from specmock.engine.clock import parse_instant
from specmock.engine.state import MemoryStore
from specmock.server.serialize import to_bytes

LIST = "list_workflow_api_workflow_get"
DETAIL = "get_workflow_api_workflow__name__get"
MEDIA = "application/json"
_NOW = parse_instant(NOW)


def handler(operation_id: str) -> Callable[[Context], Any]:
    """The OSMO generator registered for an operation."""
    # imported here: importing the OSMO generators loads the whole mock, which other steps need not pay for
    from specmock.generators import load_generators  # noqa: PLC0415

    generators = load_generators("specmock_apis.osmo")
    assert generators is not None
    return generators.handlers[operation_id]


def context(operation_id: str, params: Mapping[str, Any], total: int) -> Context:
    """What the dispatcher hands a generator: parsed parameters, seed 0, the frozen clock, `total` workflows."""
    from specmock_apis.osmo.data.workflows import WORKFLOWS  # noqa: PLC0415

    return Context("osmo", operation_id, params, None, 0, _NOW, {WORKFLOWS.name: total}, MemoryStore())


def answer(operation_id: str, params: Mapping[str, Any], total: int) -> bytes:
    """The response body the generator's answer becomes, as the server would send it."""
    result = handler(operation_id)(context(operation_id, params, total))
    return to_bytes(result.body if isinstance(result, Reply) else result, MEDIA)


def list_params(offset: int, **filters: list[str]) -> dict[str, Any]:
    """GET /api/workflow's parameters as the generated route parses them: a full page of every user."""
    return {"all_users": True, "limit": 20, "offset": offset, **filters}
