"""The served runs, one server at a time on loopback: specmock serve at 10^12, 10^9 and 10^3 workflows,
the ceiling at the size of specmock's pages, and Prism when node is present."""

from __future__ import annotations

import subprocess
import sys
import time
import urllib.parse
from dataclasses import dataclass, field

import httpx

from bench import budget, offsets, osmo_app, prism, servers
from bench.offsets import LIST, Plan
from bench.runs import CEILING, SPECMOCK, Run, measure

BIG, MID, SMALL = 10**12, 10**9, 10**3
UNIQUE = offsets.unique("offset K, unique", BIG)
TOP = offsets.fixed("offset 0", 0)
FIRST = offsets.first_pages()
LAST = offsets.last_pages(BIG)


@dataclass
class Memory:
    """Resident memory of one specmock serve: after its first answer, and after its unique-pages run."""

    total: int
    idle_kib: int
    after_kib: int
    run: Run


@dataclass
class Served:
    """Every served run of one benchmark."""

    unique: list[Run]  # specmock, the ceiling, then Prism if it ran
    repeated: list[Run]
    first: Run  # the first pages of 10^12
    deep: Run  # the last pages of 10^12
    unfiltered: Run
    filtered: Run
    memory: list[Memory]
    notes: list[str] = field(default_factory=list)


def run_all() -> Served:
    """Start each server in turn, run its plans, stop it."""
    samples = budget.current().samples
    validator = osmo_app.validator()
    print(f"served: specmock serve --volume osmo.workflows={BIG}", file=sys.stderr, flush=True)
    with servers.specmock(BIG) as big:
        big.wait_ready(servers.LIST_PROBE)
        idle = big.rss_kib()
        unique = measure(SPECMOCK, big.base, UNIQUE, validator, samples)
        memory = [Memory(BIG, idle, big.rss_kib(), unique)]
        repeated = measure(SPECMOCK, big.base, TOP, validator, samples)
        first = measure(SPECMOCK, big.base, FIRST, validator, samples)
        deep = measure(SPECMOCK, big.base, LAST, validator, samples)
    uniques, repeats = [unique, _ceiling(unique)], [repeated, _ceiling(repeated)]
    print(f"served: specmock serve --volume osmo.workflows={MID}", file=sys.stderr, flush=True)
    with servers.specmock(MID) as mid:
        mid.wait_ready(servers.LIST_PROBE)
        pool = httpx.get(mid.base + servers.LIST_PROBE, timeout=60).json()["workflows"][0]["pool"]
        query = f"statuses=RUNNING&pools={urllib.parse.quote(pool)}"
        unfiltered = measure(SPECMOCK, mid.base, FIRST, validator, samples)
        filtered = measure(SPECMOCK, mid.base, offsets.first_pages(query), validator, samples)
    print(f"served: specmock serve --volume osmo.workflows={SMALL}", file=sys.stderr, flush=True)
    with servers.specmock(SMALL) as small:
        small.wait_ready(servers.LIST_PROBE)
        idle = small.rss_kib()
        run = measure(SPECMOCK, small.base, offsets.unique("offset K, cycling", SMALL), validator, samples)
        memory.insert(0, Memory(SMALL, idle, small.rss_kib(), run))
    served = Served(uniques, repeats, first, deep, unfiltered, filtered, memory)
    _add_prism(served, (UNIQUE, TOP))
    return served


def _ceiling(like: Run) -> Run:
    """The same plan against the ceiling, answering bytes of the size specmock's samples had."""
    with servers.ceiling(LIST, like.check.size) as server:
        server.wait_ready(LIST)
        return measure(CEILING, server.base, like.plan, None, budget.current().samples)


def _add_prism(served: Served, plans: tuple[Plan, Plan]) -> None:
    """Prism's unique and repeated runs after the others, or a one-line note why not."""
    why = prism.missing()
    if why is None:
        seconds = budget.current().prism_seconds
        began = time.perf_counter()
        print("served: Prism", file=sys.stderr, flush=True)
        try:
            version = prism.install(seconds)
            with prism.server(max(1.0, seconds - (time.perf_counter() - began))) as server:
                server.wait_ready(servers.LIST_PROBE)
                ready = time.perf_counter() - began
                count = budget.current().samples
                validator = osmo_app.validator()
                runs = [measure(f"Prism {version}", server.base, p, validator, count, False) for p in plans]
        except (RuntimeError, OSError, subprocess.SubprocessError, httpx.HTTPError) as exc:
            why = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        else:
            served.unique.append(runs[0])
            served.repeated.append(runs[1])
            served.notes.append(
                f"Prism {version} (`npx --yes {prism.PACKAGE} mock -d specs/osmo.yaml`) installed and answered in "
                f"{ready:.0f} s. It ignores offset and limit and answers random data (`-d`), so its pages are not "
                "deterministic and hold whatever number of entries it draws; its ratio is to the same ceiling."
            )
    if why is not None:
        served.notes.append(f"Prism skipped: {why}.")
