"""What a handwritten generator receives and may return."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from specmock.engine.entities import Entity
from specmock.engine.rng import Rng

if TYPE_CHECKING:
    from fastapi import Request

    from specmock.engine.state import Store


@dataclass
class Context:
    """One request, as a generator sees it: parameters, body, seed, clock, volumes and state."""

    api: str
    operation_id: str
    params: Mapping[str, Any]
    body: Any
    seed: int
    now: datetime
    volumes: Mapping[str, int]
    store: Store
    request: Request | None = None

    def rng(self, *path: object) -> Rng:
        """The seeded generator for a path under this API, e.g. ctx.rng("workflows", index)."""
        return Rng.root(self.seed, self.api, *path)

    def volume(self, collection: str, default: int) -> int:
        """The configured total of a collection of this API."""
        return self.volumes.get(collection, default)

    def entity(self, name: str) -> Entity:
        """The handle of one entity of this API in the state store, e.g. ctx.entity("sessions").update(...)."""
        return Entity(self.store, self.api, name)


@dataclass
class Reply:
    """An explicit response: status, body (value, str or bytes), media type and headers."""

    body: Any = None
    status: int = 200
    media_type: str | None = None
    headers: dict[str, str] = field(default_factory=dict)


class ProblemError(Exception):
    """Raised by a generator to answer with an error the spec declares (e.g. 404 for an unknown name)."""

    def __init__(self, status: int, detail: str, body: Any = None) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.body = body  # the spec's error body, when it declares one; else problem+json
