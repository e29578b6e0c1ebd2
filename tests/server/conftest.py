"""Servers for the tests: in-process apps for logic, real `specmock serve` on loopback for the rest."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from specmock.config import load_config
from specmock.engine.clock import FrozenClock, parse_instant
from specmock.server.app import create_app
from specmock.server.settings import Settings
from tests.conftest import REPO

FROZEN = "2026-06-01T12:00:00+00:00"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def serving(*args: str, cwd: Path = REPO, env: dict[str, str] | None = None, timeout: float = 30) -> Iterator[str]:
    """Run `specmock serve ARGS` on a free loopback port; yield its base URL; stop it afterwards."""
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "specmock", "serve", "--port", str(port), *args],
        cwd=cwd,
        env={**os.environ, **(env or {})},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # its own process group: uvicorn's workers go with it if it must be killed
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + timeout
    try:
        while True:
            if proc.poll() is not None:
                raise AssertionError(
                    f"specmock serve exited {proc.returncode}: {proc.stdout.read() if proc.stdout else ''}"
                )
            try:
                httpx.get(base + "/_specmock/config", timeout=1.0)
                break
            except httpx.TransportError:
                if time.monotonic() > deadline:
                    raise AssertionError("specmock serve did not answer within the timeout") from None
                time.sleep(0.05)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


@pytest.fixture(scope="module")
def osmo_client() -> Iterator[TestClient]:
    """The bundled OSMO API in-process, with a frozen clock."""
    app = create_app(load_config(REPO / "specmock.toml"), Settings(seed=7), FrozenClock(parse_instant(FROZEN)))
    with TestClient(app) as client:
        yield client
