"""Schemathesis as an outside referee: it fuzzes a real `specmock serve` of each bundled API.

Its coverage phase sends boundary and invalid values for every parameter and body, its fuzzing
phase random valid ones; every answer must be no server error, of a declared content type, and
valid for the declared response schema. Loopback only; about a minute on two cores.
"""

from __future__ import annotations

import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from specmock.config import ApiConfig, load_config
from specmock.spec import load_spec
from tests.conftest import REPO
from tests.server.conftest import serving

APIS = load_config(REPO / "specmock.toml").apis
CHECKS = "not_a_server_error,response_schema_conformance,content_type_conformance"


@pytest.mark.slow
@pytest.mark.parametrize("api", APIS, ids=[a.name for a in APIS])
def test_schemathesis_finds_no_server_error_and_no_nonconformance(api: ApiConfig, tmp_path: Path) -> None:
    spec = REPO / api.spec
    junit = tmp_path / "junit.xml"
    with serving("--seed", "0", api.name) as base:
        proc = subprocess.run(
            [
                str(Path(sys.executable).parent / "schemathesis"),
                "run",
                str(spec),
                "--url",
                base,
                "--checks",
                CHECKS,
                "--phases",
                "examples,coverage,fuzzing",
                "--max-examples",
                "3",
                "--seed",
                "1",
                "--no-shrink",
                "--workers",
                "2",
                "--report",
                "junit",
                "--report-junit-path",
                str(junit),
            ],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
    assert proc.returncode == 0, proc.stdout[-8000:] + proc.stderr[-2000:]
    suites = ET.parse(junit).getroot()
    cases = list(suites.iter("testcase"))
    operations = len(load_spec(spec, check=False).index.operations)
    assert len(cases) == operations  # every operation was tested, none silently skipped
    assert not [c for c in cases if c.find("failure") is not None or c.find("error") is not None]
