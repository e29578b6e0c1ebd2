"""The Synthesizer of one bundled document: the mixins of this package, and its settings."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from specmock.engine.synth.media import Encoders

_DEFAULT_NOW = datetime(2025, 1, 1, tzinfo=UTC)


class Synthesizer(Encoders):
    """Builds valid, deterministic instances of the schemas of one bundled OpenAPI document.

    The ideas sit in mixins, each using only those before it: `Schemas` (schema algebra),
    `Checker` (the validator), `Hints` (strings by name and format), `Generator` (the walk of
    `value`) and `Encoders` (`example`, `body`).
    """

    def __init__(
        self, document: dict[str, Any], version: str, *, max_depth: int = 6, now: datetime | None = None
    ) -> None:
        self.document = document
        self.version = version
        self.v30 = version.startswith("3.0")
        self.max_depth = max_depth
        self.now = now if now is not None else _DEFAULT_NOW
        self._flat_cache: dict[str, dict[str, Any]] = {}  # keyed by $ref: a pure function of the document
        self._cost_cache: dict[tuple[str, int], int] = {}
