"""The OSMO API as the benchmarks see it: the repository, its spec, its validator and the frozen clock."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from specmock.spec import load_spec
from specmock.spec.verdicts import SpecValidator

REPO = Path(__file__).resolve().parents[1]
SPEC = REPO / "specs" / "osmo.yaml"
NOW = "2026-06-01T12:00:00Z"  # every server and generator runs on this frozen clock, so answers repeat exactly


@cache
def validator() -> SpecValidator:
    """openapi-core's validator of specs/osmo.yaml, as `specmock serve --validate` builds it."""
    return SpecValidator(load_spec(SPEC, check=False).document)
