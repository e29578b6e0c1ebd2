"""A wrk run that follows a Plan: a Lua script builds every request's path and checks it changes.

Each wrk thread has its own Lua state. Thread t takes the plan's request numbers t, t + THREADS,
... and keeps its offset exact in Lua's doubles by adding `THREADS * step mod modulus` (below
2^53 for any total up to 10^15) rather than multiplying. It counts paths equal to its previous one
and returns to its first offset (a wrap); done() prints each thread's counts and first path, which
run() compares with the plan's own paths.
"""

from __future__ import annotations

import re
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from bench.load import Load
from bench.offsets import Plan

_SCRIPT = """
local threads = {}
function setup(thread)
  thread:set("id", #threads)
  threads[#threads + 1] = thread
end
function init(args)
  offset = (id * STEP) % MODULUS
  delta = (THREADS * STEP) % MODULUS
  start = offset
  sent, repeats, wraps, previous, first = 0, 0, 0, "", ""
end
function request()
  local path = PREFIX .. string.format("%.0f", BASE + offset)
  if path == previous then repeats = repeats + 1 end
  if sent == 0 then first = path end
  previous = path
  offset = (offset + delta) % MODULUS
  if offset == start then wraps = wraps + 1 end
  sent = sent + 1
  if sent >= CAP then wrk.thread:stop() end
  return wrk.format("GET", path)
end
function done(summary, latency, requests)
  for _, t in ipairs(threads) do
    io.write(string.format("bench-thread %d sent %d repeats %d wraps %d first %s\\n",
      t:get("id"), t:get("sent"), t:get("repeats"), t:get("wraps"), t:get("first")))
  end
end
"""
_THREAD = re.compile(r"^bench-thread (\d+) sent (\d+) repeats (\d+) wraps (\d+) first (\S*)$", re.MULTILINE)
_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 60e3}  # in milliseconds


def script(plan: Plan, threads: int, cap_per_thread: int) -> str:
    """The Lua script of a plan: its constants, then the request builder."""
    constants = {
        "PREFIX": _lua_string(plan.prefix),
        "BASE": str(plan.base),
        "MODULUS": str(plan.modulus),
        "STEP": str(plan.step),
        "THREADS": str(threads),
        "CAP": str(cap_per_thread),
    }
    return "".join(f"{name} = {value}\n" for name, value in constants.items()) + _SCRIPT


def run(base: str, plan: Plan, seconds: float, max_requests: int, threads: int, connections: int) -> Load:
    """Run wrk for `seconds` or until max_requests were sent; RuntimeError when the script's paths are off."""
    cap = max(1, max_requests // threads)
    with tempfile.TemporaryDirectory() as scratch:
        lua = Path(scratch) / "plan.lua"
        lua.write_text(script(plan, threads, cap))
        command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds:g}s", "--timeout", "10s", "--latency"]
        out = subprocess.run(
            [*command, "-s", str(lua), base], capture_output=True, text=True, check=True, timeout=seconds + 60
        ).stdout
    return parse(out, plan, cap)


@dataclass(frozen=True)
class ThreadReport:
    """What one wrk thread's script counted."""

    thread: int
    sent: int
    repeats: int  # requests whose path equalled the previous one
    wraps: int  # returns to the thread's first offset
    first: str  # the first path it asked for


def threads(out: str) -> list[ThreadReport]:
    """The per-thread lines done() printed."""
    return [ThreadReport(int(m[1]), int(m[2]), int(m[3]), int(m[4]), m[5]) for m in _THREAD.finditer(out)]


def parse(out: str, plan: Plan, cap: int) -> Load:
    """The Load of wrk's output; checks each thread started where the plan says and never repeated a path."""
    done = re.search(r"(\d+) requests in ([\d.]+)(\w+)", out)
    reports = threads(out)
    if done is None or not reports:
        raise RuntimeError(f"unexpected wrk output:\n{out}")
    for report in reports:
        if report.sent and report.first != plan.path(report.thread):
            raise RuntimeError(f"wrk thread {report.thread} began with {report.first}, not {plan.path(report.thread)}")
        if not plan.repeated and report.repeats:
            raise RuntimeError(f"wrk thread {report.thread} asked for one path twice in a row {report.repeats} times")
    sent = sum(r.sent for r in reports)
    seconds = float(done[2]) * _UNITS[done[3]] / 1000
    sockets = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = (sum(map(int, sockets.groups())) if sockets else 0) + (int(non_2xx[1]) if non_2xx else 0)
    return Load(
        requests=int(done[1]),
        seconds=seconds,
        errors=errors,
        p50_ms=_percentile(out, "50%"),
        p99_ms=_percentile(out, "99%"),
        distinct=not plan.repeated and not any(r.wraps for r in reports) and plan.distinct(sent),
        # wrk still reports its whole duration when the script stopped early
        capped=any(r.sent >= cap for r in reports),
    )


def _percentile(out: str, which: str) -> float:
    found = re.search(rf"^\s*{which}\s+([\d.]+)(us|ms|s|m)\s*$", out, re.MULTILINE)
    return float(found[1]) * _UNITS[found[2]] if found else float("nan")


def _lua_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
