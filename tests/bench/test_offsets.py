"""The request plans of the load runs: unique offsets never repeat a path within a run."""

from __future__ import annotations

import math

import pytest

from bench import offsets, wrk


@pytest.mark.parametrize("total", [10**3, 10**9, 10**12])
def test_unique_plan_never_repeats_a_path(total: int) -> None:
    plan = offsets.unique("u", total)
    sent = min(plan.modulus, 50_000)
    paths = [plan.path(n) for n in range(sent)]
    assert len(set(paths)) == sent
    assert plan.distinct(sent)


def test_unique_plan_covers_every_full_page_once_then_wraps() -> None:
    plan = offsets.unique("u", 1000)
    seen = sorted(plan.offset(n) for n in range(plan.modulus))
    assert seen == list(range(1000 - offsets.LIMIT + 1))  # every page holds LIMIT entries
    assert plan.path(plan.modulus) == plan.path(0)
    assert not plan.distinct(plan.modulus + 1)


@pytest.mark.parametrize("modulus", [10, 12, 981, 10**12 - 19, 2**40, 3**20 * 5])
def test_step_is_odd_large_and_coprime(modulus: int) -> None:
    step = offsets.spread_step(modulus)
    assert step % 2 == 1 and math.gcd(step, modulus) == 1
    assert step > modulus // 2


def test_wrk_threads_never_collide() -> None:
    """The script's per-thread walk (start id * step, add threads * step) is the plan's n = id + k * threads."""
    plan = offsets.unique("u", 10**12)
    threads = 2
    walked: list[int] = []
    for thread in range(threads):
        offset, delta = thread * plan.step % plan.modulus, threads * plan.step % plan.modulus
        for k in range(5_000):
            assert offset == plan.offset(thread + k * threads) - plan.base
            walked.append(offset)
            offset = (offset + delta) % plan.modulus
            assert offset < 2**53  # exact in the doubles of wrk's Lua
    assert len(set(walked)) == len(walked)


def test_fixed_and_window_plans() -> None:
    same = offsets.fixed("top", 0)
    assert same.repeated and {same.path(n) for n in range(10)} == {same.path(0)}
    assert same.path(0).endswith("limit=20&offset=0")
    last = offsets.last_pages(10**12)
    assert last.ends()[-1].endswith(f"offset={10**12 - offsets.LIMIT}")
    assert len({last.path(n) for n in range(1000)}) == 1000
    filtered = offsets.first_pages("statuses=RUNNING", low=10)
    assert filtered.path(0) == "/api/workflow?all_users=true&limit=20&statuses=RUNNING&offset=10"


def test_script_carries_the_plan() -> None:
    plan = offsets.unique("u", 10**12)
    script = wrk.script(plan, threads=2, cap_per_thread=500)
    assert f"MODULUS = {plan.modulus}\n" in script
    assert f"STEP = {plan.step}\n" in script
    assert 'PREFIX = "/api/workflow?all_users=true&limit=20&offset="' in script
    assert "wrk.thread:stop()" in script
