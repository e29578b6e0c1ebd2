"""The servers a served benchmark starts on loopback: `specmock serve` at a workflow total, and the ceiling."""

from __future__ import annotations

import sys

from bench.osmo_app import NOW, REPO
from bench.procs import Server, free_port

CLOCK = f"frozen:{NOW}"
LIST_PROBE = "/api/workflow?all_users=true&limit=20&offset=0"


def specmock(total: int | None = None, env: dict[str, str] | None = None) -> Server:
    """`python -m specmock serve` on a free port and the frozen clock; `total` sets osmo.workflows."""
    port = free_port()
    argv = [sys.executable, "-m", "specmock", "serve", "--port", str(port), "--clock", CLOCK]
    if total is not None:
        argv += ["--volume", f"osmo.workflows={total}"]
    return Server(argv, port, REPO, env=env)


def ceiling(route: str, size: int) -> Server:
    """The Starlette ceiling answering `size` prebuilt bytes on `route`, whatever the query."""
    port = free_port()
    return Server([sys.executable, "-m", "bench.ceiling", str(port), f"{route}={size}"], port, REPO)
