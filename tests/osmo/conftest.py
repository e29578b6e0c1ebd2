"""Shared fixtures of the OSMO tests: an in-process app on a frozen clock and a conformance check."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from fastapi.testclient import TestClient

from specmock.config import load_config
from specmock.engine.clock import FrozenClock, parse_instant
from specmock.server.app import create_app
from specmock.server.settings import Settings
from specmock.spec.verdicts import SpecValidator
from tests.conftest import REPO
from tests.server.conftest import FROZEN

SMALL = 600  # small enough to filter by brute force


def client_for(seed: int, workflows: int = SMALL, at: str = FROZEN, **volumes: int) -> TestClient:
    """An in-process OSMO app on a frozen clock (the tests' instant unless `at`); `volumes` sets
    other OSMO collections."""
    settings = Settings(seed=seed)
    settings.update({"volumes": {"osmo.workflows": workflows, **{f"osmo.{k}": v for k, v in volumes.items()}}})
    return TestClient(create_app(load_config(REPO / "specmock.toml"), settings, FrozenClock(parse_instant(at))))


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with client_for(3) as c:
        yield c


@pytest.fixture(scope="module")
def validator(client: TestClient) -> SpecValidator:
    return SpecValidator(client.app.state.specmock.apis["osmo"].spec.document)  # type: ignore[attr-defined]


def conforms(validator: SpecValidator, response: httpx.Response) -> list[str]:
    """The spec violations of a response, as text (empty when it conforms)."""
    request = response.request
    query = list(httpx.QueryParams(request.url.query).multi_items())
    violations = validator.response_violations(
        request.method,
        request.url.path,
        query,
        response.status_code,
        response.headers["content-type"],
        response.content,
        list(response.headers.items()),
    )
    return [str(v) for v in violations]
