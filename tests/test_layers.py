"""The import graph keeps the layers ARCHITECTURE.md states: who may import whom.

Every import counts, at module level or inside a function (a deferred import is still a
dependency). A layer is `specmock.<first part>`; the bundled APIs are `specmock_apis.<api>`.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

from tests.conftest import REPO

SRC = REPO / "src"
SURFACE = {"specmock.context", "specmock.coverage", "specmock.registry", "specmock.runtime", "specmock.generators"}
# layer -> the layers it may import (besides itself); the same table is in ARCHITECTURE.md
ALLOWED: dict[str, set[str]] = {
    "specmock.errors": set(),
    "specmock.config": {"specmock.errors"},
    "specmock.spec": {"specmock.errors"},
    "specmock.engine": {"specmock.spec", "specmock.errors"},
    **{
        layer: {"specmock.engine", "specmock.errors", "specmock.config", *SURFACE}
        for layer in SURFACE  # the surface generators import: engine parts, and each other
    },
    "specmock.codegen": {
        "specmock.spec",
        "specmock.config",
        "specmock.errors",
        "specmock.registry",
        "specmock.coverage",
    },
    "specmock.server": {
        "specmock.engine",
        "specmock.spec",
        "specmock.config",
        "specmock.errors",
        *SURFACE,
    },
    "specmock.conformance": {
        "specmock.spec",
        "specmock.engine",
        "specmock.config",
        "specmock.errors",
        "specmock.server",
        "specmock.codegen",
    },
    "specmock.pytest_plugin": {
        "specmock.conformance",
        "specmock.server",
        "specmock.spec",
        "specmock.config",
        "specmock.errors",
    },
    "specmock.cli": {
        "specmock.codegen",
        "specmock.conformance",
        "specmock.server",
        "specmock.config",
        "specmock.errors",
        "specmock.spec",
        "specmock.engine",
    },
    "specmock.__main__": {"specmock.cli"},
    "specmock": set(),
}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path) -> Iterator[tuple[int, str]]:
    """(line, imported module) of every absolute import in a file, deferred ones included."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module in ("specmock", "specmock_apis"):
                for alias in node.names:
                    yield node.lineno, f"{node.module}.{alias.name}"
            else:
                yield node.lineno, node.module
        elif isinstance(node, ast.ImportFrom) and node.level:
            raise AssertionError(f"{path}:{node.lineno}: a relative import; name the module")


def layer(module: str) -> str:
    parts = module.split(".")
    return ".".join(parts[:2]) if parts[0] in ("specmock", "specmock_apis") else parts[0]


def test_every_specmock_import_is_one_the_layers_allow() -> None:
    wrong = []
    for path in sorted((SRC / "specmock").rglob("*.py")):
        here = layer(module_name(path))
        assert here in ALLOWED, f"{path}: layer {here} is missing from the table (and from ARCHITECTURE.md)"
        for line, target in imports(path):
            there = layer(target)
            if there.split(".")[0] == "specmock_apis":
                wrong.append(f"{path.relative_to(REPO)}:{line}: {here} imports the bundled API {target}")
            elif there.split(".")[0] == "specmock" and there != here and there not in ALLOWED[here]:
                wrong.append(f"{path.relative_to(REPO)}:{line}: {here} may not import {target}")
    assert not wrong, "\n".join(wrong)


def test_the_layer_table_has_no_cycle() -> None:
    def reaches(start: str, goal: str, seen: set[str]) -> bool:
        for nxt in ALLOWED.get(start, set()) - seen:
            if nxt == goal or reaches(nxt, goal, seen | {nxt}):
                return True
        return False

    cyclic = sorted(layer for layer in ALLOWED if reaches(layer, layer, set()))
    # the surface modules import each other (context <- registry <- generators): one layer in effect
    assert set(cyclic) <= SURFACE, cyclic


def test_bundled_apis_import_only_the_public_surface_and_their_own_packages() -> None:
    apis = sorted(p.name for p in (SRC / "specmock_apis").iterdir() if (p / "__init__.py").is_file())
    apis.remove("generated")
    assert apis, "no bundled API found"
    wrong = []
    for api in apis:
        own = (f"specmock_apis.{api}", f"specmock_apis.generated.{api}")
        for path in sorted((SRC / "specmock_apis" / api).rglob("*.py")):
            for line, target in imports(path):
                top = target.split(".")[0]
                if top == "specmock" and target != "specmock.generators":
                    wrong.append(f"{path.relative_to(REPO)}:{line}: imports {target}; use specmock.generators")
                elif top == "specmock_apis" and not target.startswith(own):
                    wrong.append(f"{path.relative_to(REPO)}:{line}: imports {target}, not of its own API")
    assert not wrong, "\n".join(wrong)


def test_the_checks_find_a_forbidden_import(tmp_path: Path) -> None:
    """The reader sees deferred imports and `from specmock import x` too, so the tests above can fail."""
    sample = tmp_path / "sample.py"
    sample.write_text("def f():\n    from specmock.server import app\n\nfrom specmock import codegen\n")
    assert sorted(target for _, target in imports(sample)) == ["specmock.codegen", "specmock.server"]
