"""A user's template directory overrides single template files; the rest stay bundled."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.conftest import FIXTURES, run_specmock


def test_override_one_template(tmp_path: Path) -> None:
    project = tmp_path / "petshop"
    shutil.copytree(FIXTURES / "petshop", project)
    (project / "my_templates").mkdir()
    (project / "my_templates" / "init.py.jinja").write_text('{{ header }}\n"""Custom package for {{ api }}."""\n')
    config = project / "specmock.toml"
    config.write_text('templates = "my_templates"\n' + config.read_text())
    result = run_specmock("codegen", cwd=project)
    assert result.code == 0, result.text
    package = project / "generated" / "petshop"
    assert '"""Custom package for petshop."""' in (package / "__init__.py").read_text()
    assert "async def getPet(" in (package / "routes.py").read_text()  # bundled template still used
