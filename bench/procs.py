"""Server subprocesses on loopback: a free port, start, wait until answering, RSS, stop."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType

import httpx

HOST = "127.0.0.1"
READY_TIMEOUT = 60.0


def free_port() -> int:
    """A port that was free on loopback a moment ago (the server binds it soon after)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


class Server:
    """A server subprocess, stopped on exit from the `with` block whatever happened inside it."""

    def __init__(
        self,
        argv: Sequence[str],
        port: int,
        cwd: Path,
        ready_timeout: float = READY_TIMEOUT,
        group: bool = False,
        env: dict[str, str] | None = None,
    ) -> None:
        self.argv = list(argv)
        self.env = env
        self.ready_timeout = ready_timeout
        # a launcher (npx) runs the server as its child: only a process group of its own stops both
        self.group = group
        self.port = port
        self.cwd = cwd
        self.base = f"http://{HOST}:{port}"
        self.started = 0.0
        self._log = tempfile.TemporaryFile()
        self._proc: subprocess.Popen[bytes] | None = None
        self._stopped = False

    def __enter__(self) -> Server:
        self.started = time.perf_counter()
        self._proc = subprocess.Popen(
            self.argv,
            cwd=self.cwd,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=self.group,
            env=self.env,
        )
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.stop()

    @property
    def pid(self) -> int:
        """The server's process id."""
        assert self._proc is not None, "the server is not started"
        return self._proc.pid

    def wait_ready(self, path: str) -> float:
        """Seconds from process start to the first 200 answer for path; names the failure otherwise."""
        assert self._proc is not None, "the server is not started"
        deadline = self.started + self.ready_timeout
        while time.perf_counter() < deadline:
            if self._proc.poll() is not None:
                raise RuntimeError(f"{' '.join(self.argv)} exited with {self._proc.returncode}:\n{self.output()}")
            try:
                if httpx.get(self.base + path, timeout=5).status_code == 200:
                    return time.perf_counter() - self.started
            except httpx.TransportError:
                pass  # not listening yet
            time.sleep(0.01)  # short: the poll interval is part of the cold start measured
        waited = f"{' '.join(self.argv)} did not answer {path} within {self.ready_timeout:g} s"
        raise RuntimeError(f"{waited}:\n{self.output()}")

    def rss_kib(self) -> int:
        """Resident memory of the server process (VmRSS), in KiB."""
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
        raise RuntimeError(f"no VmRSS for process {self.pid}")

    def output(self) -> str:
        """What the server printed so far."""
        self._log.seek(0)
        return self._log.read().decode(errors="replace")

    def stop(self) -> None:
        """Terminate, then kill if it lingers; safe to call twice."""
        if self._proc is not None and not self._stopped:
            self._stopped = True
            # with a group, the launcher may be gone while its children still serve
            if self._proc.poll() is None or self.group:
                self._signal(signal.SIGTERM)
                try:
                    self._proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    self._signal(signal.SIGKILL)
                    self._proc.wait()
        self._log.close()

    def _signal(self, sig: signal.Signals) -> None:
        assert self._proc is not None
        try:
            if self.group:
                os.killpg(self._proc.pid, sig)  # the group this server's own session started
            else:
                self._proc.send_signal(sig)
        except ProcessLookupError:
            pass  # already gone


def run_bounded(argv: Sequence[str], cwd: Path, timeout: float) -> subprocess.CompletedProcess[str]:
    """Run a command to completion within timeout; on timeout its whole process group is killed first."""
    proc = subprocess.Popen(
        argv, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True
    )
    try:
        out, _ = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)  # npx leaves its children behind otherwise
        proc.communicate()
        raise
    return subprocess.CompletedProcess(proc.args, proc.returncode, out)
