"""What machine a benchmark ran on, for the results file."""

from __future__ import annotations

import os
import platform
from datetime import UTC, datetime
from pathlib import Path


def cpu_model() -> str:
    """The CPU model name from /proc/cpuinfo, or the platform's guess."""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def describe() -> list[str]:
    """Lines naming the date, the cores, the CPU and the Python."""
    return [
        f"- date: {datetime.now(UTC).strftime('%Y-%m-%d %H:%M UTC')}",
        f"- machine: {os.cpu_count()} cores (nproc), {cpu_model()}",
        f"- python: {platform.python_version()} on {platform.system()} {platform.release()}",
    ]
