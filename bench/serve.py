"""Served requests: `specmock serve` against a ceiling app of the same response sizes, and its cold start."""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import httpx

from bench import load
from bench.codegen import REPO
from bench.procs import Server, free_port
from bench.report import Table, kib, ratio

CLOCK = "frozen:2026-06-01T12:00:00Z"
PROBE = "/api/pool?all_pools=true"
COLD_RUNS = 3
SAMPLES = 20
UNIQUE = 100_000
LIST_LIMIT = 1000
LIST_PAGES = 10  # the default volume is 10,000 workflows: every name once


@dataclass(frozen=True)
class Endpoint:
    """What to request: paths in turn (from the workflow names the list returned) and the ceiling's route."""

    label: str
    route: str
    paths: Callable[[Sequence[str]], list[str]]


ENDPOINTS = (
    Endpoint("GET /api/pool?all_pools=true (generator, identical)", "/api/pool", lambda _: [PROBE]),
    Endpoint(
        "GET /api/configs/backend/backend-{k} (synthesized, unique)",
        "/api/configs/backend/{name}",
        lambda _: [f"/api/configs/backend/backend-{k}" for k in range(UNIQUE)],
    ),
    Endpoint(
        "GET /api/workflow/{name} (generator, unique)",
        "/api/workflow/{name}",
        lambda names: [f"/api/workflow/{name}" for name in names],
    ),
)


def _specmock() -> Server:
    port = free_port()
    argv = [sys.executable, "-m", "specmock", "serve", "--port", str(port), "--clock", CLOCK]
    return Server(argv, port, REPO)


def _mean_size(base: str, paths: Sequence[str]) -> int:
    """The mean body size of the last few paths; also warms lazy set-up up before the run."""
    with httpx.Client(base_url=base, timeout=30) as client:
        sizes = [len(client.get(path).raise_for_status().content) for path in paths[-SAMPLES:]]
    return round(statistics.mean(sizes))


@dataclass
class Listing:
    """The workflow names read from the list endpoint, and what each page cost."""

    names: list[str]
    seconds: list[float]
    sizes: list[int]


def _workflow_names(base: str) -> Listing:
    """Every workflow name, page by page from the list endpoint, timing each page."""
    listing = Listing([], [], [])
    with httpx.Client(base_url=base, timeout=60) as client:
        for page in range(LIST_PAGES):
            params = {"all_users": "true", "limit": LIST_LIMIT, "offset": page * LIST_LIMIT}
            start = time.perf_counter()
            response = client.get("/api/workflow", params=params).raise_for_status()
            listing.seconds.append(time.perf_counter() - start)
            listing.sizes.append(len(response.content))
            body = response.json()
            listing.names += [entry["name"] for entry in body["workflows"]]
            if not body["more_entries"]:
                break
    return listing


def served_tables() -> list[Table]:
    """Requests/s of specmock and of the ceiling per endpoint, and the list endpoint's entries/s."""
    mock: dict[str, tuple[load.Load, int]] = {}
    sizes: dict[str, int] = {}
    paths: dict[str, list[str]] = {}
    with _specmock() as server:
        server.wait_ready(PROBE)
        listing = _workflow_names(server.base)
        for endpoint in ENDPOINTS:
            paths[endpoint.label] = endpoint.paths(listing.names)
            sizes[endpoint.label] = _mean_size(server.base, paths[endpoint.label])
            mock[endpoint.label] = (load.drive(server.base, paths[endpoint.label]), server.rss_kib())
    port = free_port()
    routes = [f"{e.route}={sizes[e.label]}" for e in ENDPOINTS]
    ceiling: dict[str, load.Load] = {}
    with Server([sys.executable, "-m", "bench.ceiling", str(port), *routes], port, REPO) as server:
        server.wait_ready(ENDPOINTS[0].route)
        for endpoint in ENDPOINTS:
            _mean_size(server.base, paths[endpoint.label])
            ceiling[endpoint.label] = load.drive(server.base, paths[endpoint.label])
    return [_served(mock, ceiling, sizes, paths), _listing(listing)]


def _served(
    mock: dict[str, tuple[load.Load, int]],
    ceiling: dict[str, load.Load],
    sizes: dict[str, int],
    paths: dict[str, list[str]],
) -> Table:
    header = ("endpoint", "server", "body", "distinct paths", "requests", "requests/s", "vs ceiling", "p50", "p99")
    table = Table(f"Served requests on loopback ({load.tool()})", (*header, "errors", "RSS after"))
    for endpoint in ENDPOINTS:
        ran, rss = mock[endpoint.label]
        top = ceiling[endpoint.label]
        shared = (f"{sizes[endpoint.label]:,} B", f"{len(paths[endpoint.label]):,}")
        vs = ratio(ran.rate, top.rate)
        table.rows.append(
            (endpoint.label, "specmock serve", *shared, *_numbers(ran), vs, *_tail(ran), f"{rss // 1024} MiB")
        )
        table.rows.append((endpoint.label, "ceiling (Starlette)", *shared, *_numbers(top), "1.00x", *_tail(top), ""))
    table.notes.append(
        "Both servers run alone, one after the other, in uvicorn with the same settings; the ceiling answers "
        "prebuilt bytes of the mock's mean body size for that route. Paths are taken in turn, so requests are unique "
        "while `requests` <= `distinct paths`. RSS is the specmock process's VmRSS after that run."
    )
    if load.client_bound():
        table.notes.append(
            "wrk is not installed: the Python generator shares the two cores and tops out at a few hundred "
            "requests/s, so the ceiling rows measure the client and the ratios are upper bounds."
        )
    return table


def _numbers(ran: load.Load) -> tuple[str, str]:
    return f"{ran.requests:,}", f"{ran.rate:,.0f}"


def _tail(ran: load.Load) -> tuple[str, str, str]:
    return f"{ran.p50_ms:.1f} ms", f"{ran.p99_ms:.1f} ms", str(ran.errors)


def _listing(listing: Listing) -> Table:
    median = statistics.median(listing.seconds)
    return Table(
        f"OSMO workflow list, served (GET /api/workflow?all_users=true&limit={LIST_LIMIT}, sequential pages)",
        ("pages", "entries", "mean page", "median per page", "entries/s", "target"),
        [
            (
                str(len(listing.seconds)),
                f"{len(listing.names):,}",
                kib(statistics.mean(listing.sizes)),
                f"{median * 1000:,.0f} ms",
                f"{LIST_LIMIT / median:,.0f}",
                "info (>= 100,000 list entries/s)",
            )
        ],
        ["One request per page: generation, JSON encoding and transport all count."],
    )


def cold_start_table() -> Table:
    """Process start to the first 200 of `specmock serve`, median of three starts."""
    times = []
    for _ in range(COLD_RUNS):
        with _specmock() as server:
            times.append(server.wait_ready(PROBE))
    return Table(
        f"Cold start of specmock serve (process start to the first 200 of GET {PROBE}, {COLD_RUNS} runs)",
        ("what", "median", "worst"),
        [("python -m specmock serve --clock frozen", f"{statistics.median(times):.2f} s", f"{max(times):.2f} s")],
    )
