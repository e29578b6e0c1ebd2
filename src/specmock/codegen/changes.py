"""What changed in a spec since its package was generated, in words a CI log can be read in.

The committed package is the record of the spec it came from: the manifest lists the operations,
models.py the schemas (classes), enum values and model fields. Reading both the committed and the
fresh files (as text: nothing is imported) gives operations added and removed, schemas added and
removed, enum values added and removed, and fields added, removed or retyped.
"""

from __future__ import annotations

import ast
import json
from dataclasses import dataclass, field
from pathlib import Path

from specmock.codegen.writer import Generated, package_dir
from specmock.config import Config

__all__ = ["SpecChanges", "spec_changes"]

_ENUM_BASES = ("Enum", "StrEnum", "IntEnum")


@dataclass
class _Schema:
    """One generated class: an enum's values, or a model's fields with their annotations."""

    enum: bool
    members: dict[str, str] = field(default_factory=dict)  # enum: value -> ""; model: field -> annotation


@dataclass
class SpecChanges:
    """The changes, one line each, in a fixed order."""

    lines: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.lines)


def _operations(manifest: str | None) -> dict[str, str]:
    """operationId -> `METHOD path` from a manifest's text."""
    if not manifest:
        return {}
    try:
        data = json.loads(manifest)
    except json.JSONDecodeError:
        return {}
    return {op["operationId"]: f"{op['method']} {op['path']}" for op in data.get("operations", [])}


def _schemas(models: str | None) -> dict[str, _Schema]:
    """Every class of a models.py text."""
    if not models:
        return {}
    try:
        tree = ast.parse(models)
    except SyntaxError:
        return {}
    out: dict[str, _Schema] = {}
    for node in tree.body:
        if not isinstance(node, ast.ClassDef):
            continue
        bases = [ast.unparse(b).split(".")[-1] for b in node.bases]
        schema = _Schema(enum=any(b in _ENUM_BASES for b in bases))
        for item in node.body:
            if schema.enum and isinstance(item, ast.Assign) and isinstance(item.value, ast.Constant):
                schema.members[str(item.value.value)] = ""
            elif not schema.enum and isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name):
                if item.target.id != "model_config":
                    schema.members[item.target.id] = ast.unparse(item.annotation)
        out[node.name] = schema
    return out


def _read(path: Path) -> str | None:
    return path.read_text(encoding="utf-8") if path.is_file() else None


def spec_changes(config: Config, generated: Generated) -> SpecChanges:
    """What the spec changed since the committed package was generated (empty when nothing was)."""
    target = package_dir(config, generated.api)
    out = SpecChanges()
    before_ops = _operations(_read(target / "manifest.json"))
    after_ops = _operations(generated.files.get("manifest.json"))
    if not before_ops and not (target / "models.py").is_file():
        return out  # never generated: nothing to compare with
    for op_id in sorted(after_ops.keys() - before_ops.keys(), key=lambda o: after_ops[o]):
        out.lines.append(f"operation added: {after_ops[op_id]} ({op_id})")
    for op_id in sorted(before_ops.keys() - after_ops.keys(), key=lambda o: before_ops[o]):
        out.lines.append(f"operation removed: {before_ops[op_id]} ({op_id})")
    before, after = _schemas(_read(target / "models.py")), _schemas(generated.files.get("models.py"))
    kept = sorted(before.keys() & after.keys())
    # what generators use first (enum values, fields), whole schemas after
    for name in kept:
        old, new = before[name], after[name]
        if old.enum and new.enum:
            out.lines += [f"enum {name}: value {v} added" for v in new.members if v not in old.members]
            out.lines += [f"enum {name}: value {v} removed" for v in old.members if v not in new.members]
    for name in kept:
        old, new = before[name], after[name]
        if old.enum != new.enum:
            kinds = ("a model", "an enum")
            out.lines.append(f"schema {name}: {kinds[old.enum]} became {kinds[new.enum]}")
        elif not old.enum:
            out.lines += [f"schema {name}: field {f} removed" for f in old.members if f not in new.members]
            out.lines += [
                f"schema {name}: field {f} retyped ({old.members[f]} -> {new.members[f]})"
                for f in old.members
                if f in new.members and old.members[f] != new.members[f]
            ]
            out.lines += [f"schema {name}: field {f} added" for f in new.members if f not in old.members]
    out.lines += [f"schema removed: {name}" for name in sorted(before.keys() - after.keys())]
    out.lines += [f"schema added: {name}" for name in sorted(after.keys() - before.keys())]
    return out
