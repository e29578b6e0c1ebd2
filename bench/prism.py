"""Prism (`npx @stoplight/prism-cli mock -d`) on the same spec, for a same-run comparison when node is present.

Installing (into npx's cache) and starting share one time bound; any failure skips Prism with a note.
"""

from __future__ import annotations

import os
import shutil
import subprocess

from bench.osmo_app import REPO, SPEC
from bench.procs import HOST, Server, free_port, run_bounded

PACKAGE = "@stoplight/prism-cli"


def missing() -> str | None:
    """Why Prism cannot run here, or None."""
    if os.environ.get("BENCH_PRISM") == "0":
        return "turned off (--no-prism or BENCH_PRISM=0)"
    if shutil.which("node") is None or shutil.which("npx") is None:
        return "node or npx is not installed"
    return None


def install(seconds: float) -> str:
    """Fetch Prism into npx's cache within `seconds` (quick once cached); its version; RuntimeError otherwise."""
    try:
        done = run_bounded(["npx", "--yes", PACKAGE, "--version"], REPO, seconds)
    except subprocess.TimeoutExpired:
        raise RuntimeError(f"npx could not install {PACKAGE} within {seconds:g} s") from None
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        raise RuntimeError(f"npx {PACKAGE} --version exited {done.returncode}: {done.stdout[-300:]}")
    return lines[-1]


def server(ready_timeout: float) -> Server:
    """Prism's dynamic mock of specs/osmo.yaml on a free loopback port, in a process group of its own."""
    port = free_port()
    argv = ["npx", "--yes", PACKAGE, "mock", "-d", "-h", HOST, "-p", str(port), SPEC.relative_to(REPO).as_posix()]
    return Server(argv, port, REPO, ready_timeout=ready_timeout, group=True)
