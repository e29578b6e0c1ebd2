"""Before a served run: a few of exactly the requests the load will send, each fetched twice.

Every sample must answer 200, conform to specs/osmo.yaml (openapi-core, as `--validate` checks)
and come back byte-identical the second time; a run whose samples fail is counted as failed.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field

import httpx

from bench.offsets import Plan
from specmock.spec.verdicts import SpecValidator


@dataclass
class Check:
    """What the samples of one run showed."""

    statuses: list[int] = field(default_factory=list)
    sizes: list[int] = field(default_factory=list)
    entries: list[int] = field(default_factory=list)  # list entries per sample page
    valid: bool | None = None  # None: not checked (the ceiling answers padding, not the spec)
    deterministic: bool = True
    problems: list[str] = field(default_factory=list)

    @property
    def size(self) -> int:
        """The mean body size of the samples, in bytes."""
        return round(statistics.mean(self.sizes)) if self.sizes else 0


def check(base: str, plan: Plan, validator: SpecValidator | None, count: int) -> Check:
    """Fetch the plan's first `count` requests and its two ends twice each; validate them when a validator is given.

    The ends show that the page at the plan's highest offset is still full.
    """
    found = Check(valid=None if validator is None else True)
    paths = list(dict.fromkeys([*(plan.path(n) for n in range(count)), *plan.ends()]))
    with httpx.Client(base_url=base, timeout=60) as client:
        for path in paths:
            first, second = client.get(path), client.get(path)
            found.statuses.append(first.status_code)
            found.sizes.append(len(first.content))
            if first.status_code != 200:
                found.problems.append(f"{path}: {first.status_code}")
            if first.content != second.content:
                found.deterministic = False
            _count_entries(found, first)
            if validator is not None:
                found_violations = violations(validator, first)
                if found_violations:
                    found.valid = False
                    found.problems.append(f"{path}: {found_violations[0]}")
    return found


def violations(validator: SpecValidator, response: httpx.Response, headers: bool = True) -> list[str]:
    """How a response breaks the spec, as text; without headers, exactly what the server's --validate checks."""
    url = response.request.url
    found = validator.response_violations(
        "GET",
        url.path,
        list(httpx.QueryParams(url.query).multi_items()),
        response.status_code,
        response.headers.get("content-type", ""),
        response.content,
        list(response.headers.items()) if headers else (),
    )
    return [str(v) for v in found]


def _count_entries(found: Check, response: httpx.Response) -> None:
    try:
        body = response.json()
    except ValueError:
        return
    if isinstance(body, dict) and isinstance(body.get("workflows"), list):
        found.entries.append(len(body["workflows"]))
