"""/docs in a real headless Chromium: Swagger UI renders every path of the real spec."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
import yaml

from tests.conftest import FIXTURES, REPO, run_specmock
from tests.server.conftest import serving

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
# No network beyond loopback here: keep Chromium from calling home at start.
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--virtual-time-budget=20000",
]


def rendered(url: str) -> str:
    """The page's DOM after its scripts ran."""
    if CHROMIUM is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is missing: .ci/run installs it with apt-get")
        pytest.skip("chromium is not installed (CI installs it); apt-get install chromium")
    with tempfile.TemporaryDirectory() as profile:
        result = subprocess.run(
            [CHROMIUM, *FLAGS, f"--user-data-dir={profile}", "--dump-dom", url],
            capture_output=True,
            text=True,
            timeout=90,
            check=False,
        )
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


@pytest.mark.slow
def test_swagger_ui_shows_every_path_of_the_real_spec() -> None:
    spec = yaml.safe_load(Path(REPO / "specs" / "osmo.yaml").read_text())
    with serving() as base:
        dom = rendered(base + "/docs")
    assert re.search(r'class="title">OSMO<', dom), "the title of the real spec is not on the page"
    shown = set(re.findall(r'data-path="([^"]+)"', dom))
    assert shown == set(spec["paths"])


@pytest.mark.slow
def test_swagger_ui_tries_requests_at_each_apis_mount(tmp_path: Path) -> None:
    project = tmp_path / "twins"
    shutil.copytree(FIXTURES / "twins", project)
    generated = run_specmock("codegen", cwd=project)
    assert generated.code == 0, generated.text
    with serving(cwd=project) as base:
        dom = rendered(base + "/docs")  # the picker shows the first API, alpha, mounted at /a
    assert re.search(r'class="title">Alpha<', dom), "alpha's document is not on the page"
    servers = re.search(r'<select id="servers">(.*?)</select>', dom)
    assert servers is not None, "Swagger UI shows no server to try requests at"
    assert re.findall(r'<option value="([^"]*)"', servers.group(1)) == ["/a"]  # not https://alpha.example.com/api
