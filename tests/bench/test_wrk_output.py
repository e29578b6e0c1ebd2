"""Reading wrk's output: the script's per-thread report is checked against the plan."""

from __future__ import annotations

import pytest

from bench import offsets, wrk

SUMMARY = """Running 10s test @ http://127.0.0.1:1234
  2 threads and 32 connections
  Latency Distribution
     50%    1.20ms
     99%   12.50ms
  4000 requests in 10.00s, 60.00MB read
  Non-2xx or 3xx responses: 3
Requests/sec:    400.00
"""


def report(plan: offsets.Plan, repeats: int = 0, first: str | None = None, sent: int = 2000) -> str:
    lines = [f"bench-thread {t} sent {sent} repeats {repeats} wraps 0 first {first or plan.path(t)}" for t in range(2)]
    return SUMMARY + "\n".join(lines) + "\n"


def test_parse_reads_rate_latency_errors() -> None:
    plan = offsets.unique("u", 10**12)
    ran = wrk.parse(report(plan), plan, cap=500_000)
    assert (ran.requests, ran.seconds, ran.errors) == (4000, 10.0, 3)
    assert ran.rate == 400.0 and ran.p50_ms == 1.2 and ran.p99_ms == 12.5
    assert ran.distinct and not ran.capped


def test_a_repeated_path_in_a_unique_plan_fails() -> None:
    plan = offsets.unique("u", 10**12)
    with pytest.raises(RuntimeError, match="twice in a row"):
        wrk.parse(report(plan, repeats=1), plan, cap=500_000)


def test_a_script_off_the_plan_fails() -> None:
    plan = offsets.unique("u", 10**12)
    with pytest.raises(RuntimeError, match="began with"):
        wrk.parse(report(plan, first=plan.path(7)), plan, cap=500_000)


def test_a_fixed_plan_repeats_by_design_and_the_cap_is_noticed() -> None:
    plan = offsets.fixed("top", 0)
    ran = wrk.parse(report(plan, repeats=1999, sent=500), plan, cap=500)
    assert not ran.distinct and ran.capped


def test_a_small_collection_wraps() -> None:
    plan = offsets.unique("u", 1000)
    assert not wrk.parse(report(plan), plan, cap=500_000).distinct  # 4000 requests over 981 pages
