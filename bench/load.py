"""Load on a loopback server: wrk when installed, else a bounded asyncio + httpx generator.

Requests take the given paths in turn (request k asks for paths[k % len(paths)]): one path
repeats the same request, a long list of distinct paths makes every request unique until the
list wraps around.
"""

from __future__ import annotations

import asyncio
import itertools
import re
import shutil
import statistics
import subprocess
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import httpx

CONNECTIONS = 32
WRK_THREADS = 2
WRK_SECONDS = 10
PYTHON_SECONDS = 8.0
MAX_REQUESTS = 200_000

# Each wrk thread has its own Lua state: thread t takes paths t, t + THREADS, ... so that the
# threads together walk the list once before any path repeats.
_WRK_SCRIPT = """
local threads = 0
function setup(thread) thread:set("id", threads); threads = threads + 1 end
function init(args)
  paths = {}
  for line in io.lines(PATHS) do paths[#paths + 1] = line end
  k = id
end
function request()
  local path = paths[k % #paths + 1]
  k = k + THREADS
  return wrk.format("GET", path)
end
"""
_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 60e3}  # in milliseconds


@dataclass
class Load:
    """What one load run achieved."""

    requests: int
    seconds: float
    errors: int
    p50_ms: float
    p99_ms: float

    @property
    def rate(self) -> float:
        """Successful and failed requests per second."""
        return self.requests / self.seconds


def tool() -> str:
    """How load is generated, for the results file."""
    if shutil.which("wrk"):
        return f"wrk -t{WRK_THREADS} -c{CONNECTIONS} -d{WRK_SECONDS}s"
    return f"asyncio + httpx, {CONNECTIONS} connections, {PYTHON_SECONDS:g} s or {MAX_REQUESTS:,} requests"


def client_bound() -> bool:
    """Whether the generator itself caps the rate: the Python one manages a few hundred requests/s per core."""
    return shutil.which("wrk") is None


def drive(base: str, paths: Sequence[str]) -> Load:
    """Load base with the paths in turn, with the available tool."""
    if shutil.which("wrk"):
        return _wrk(base, paths)
    return asyncio.run(_python(base, paths, PYTHON_SECONDS, MAX_REQUESTS))


async def _python(base: str, paths: Sequence[str], seconds: float, max_requests: int) -> Load:
    numbers = itertools.count()
    latencies: list[float] = []
    errors = 0

    async def connection(deadline: float) -> None:
        # a client per connection: one shared pool of 32 halves the rate (httpcore's pool bookkeeping)
        nonlocal errors
        async with httpx.AsyncClient(base_url=base, limits=httpx.Limits(max_connections=1), timeout=30) as client:
            while time.perf_counter() < deadline and (k := next(numbers)) < max_requests:
                sent = time.perf_counter()
                try:
                    ok = (await client.get(paths[k % len(paths)])).status_code == 200
                except httpx.HTTPError:
                    ok = False
                latencies.append(time.perf_counter() - sent)
                errors += not ok

    start = time.perf_counter()
    await asyncio.gather(*(connection(start + seconds) for _ in range(CONNECTIONS)))
    elapsed = time.perf_counter() - start
    cuts = statistics.quantiles(latencies, n=100)
    return Load(len(latencies), elapsed, errors, cuts[49] * 1000, cuts[98] * 1000)


def _wrk(base: str, paths: Sequence[str]) -> Load:
    command = ["wrk", f"-t{WRK_THREADS}", f"-c{CONNECTIONS}", f"-d{WRK_SECONDS}s", "--latency"]
    with tempfile.TemporaryDirectory() as scratch:
        if len(paths) == 1:
            command.append(base + paths[0])
        else:
            listed = Path(scratch) / "paths.txt"
            listed.write_text("\n".join(paths) + "\n")
            script = Path(scratch) / "paths.lua"
            script.write_text(f"PATHS = {_lua(str(listed))}\nTHREADS = {WRK_THREADS}\n{_WRK_SCRIPT}")
            command += ["-s", str(script), base]
        out = subprocess.run(command, capture_output=True, text=True, check=True, timeout=WRK_SECONDS + 60).stdout
    done = re.search(r"(\d+) requests in ([\d.]+)(\w+)", out)
    if done is None:
        raise RuntimeError(f"unexpected wrk output:\n{out}")
    seconds = float(done[2]) * _UNITS[done[3]] / 1000
    sockets = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    failed = (sum(map(int, sockets.groups())) if sockets else 0) + (int(non_2xx[1]) if non_2xx else 0)
    return Load(int(done[1]), seconds, failed, _percentile(out, "50%"), _percentile(out, "99%"))


def _percentile(out: str, which: str) -> float:
    found = re.search(rf"^\s*{which}\s+([\d.]+)(us|ms|s|m)\s*$", out, re.MULTILINE)
    return float(found[1]) * _UNITS[found[2]] if found else float("nan")


def _lua(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
