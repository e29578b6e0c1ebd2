"""Reading a spec file: YAML or JSON text into Python data, and JSON pointers back to lines."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from specmock.errors import SpecError

try:  # the C loader is several times faster on large specs
    _Loader: type[yaml.SafeLoader] = yaml.CSafeLoader  # type: ignore[assignment,misc,unused-ignore]
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _Loader = yaml.SafeLoader


def read_text(path: Path, name: str | None = None) -> str:
    """Return the file's text, or raise a SpecError naming it."""
    file = name or str(path)
    if not path.exists():
        raise SpecError(file, "", "no such file")
    if path.is_dir():
        raise SpecError(file, "", "is a directory, not a spec file")
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise SpecError(file, "", f"not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except OSError as exc:
        raise SpecError(file, "", f"cannot be read: {exc.strerror}") from None


def parse(text: str, file: str) -> Any:
    """Parse YAML or JSON text; a syntax error names the line and column."""
    if file.endswith(".json"):
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise SpecError(file, "", f"invalid JSON: {exc.msg} (column {exc.colno})", exc.lineno) from None
    try:
        return yaml.load(text, Loader=_Loader)  # noqa: S506 - a safe loader
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        line = mark.line + 1 if mark is not None else None
        column = f" (column {mark.column + 1})" if mark is not None else ""
        raise SpecError(file, "", f"invalid YAML: {exc.problem}{column}", line) from None
    except yaml.YAMLError as exc:
        raise SpecError(file, "", f"invalid YAML: {exc}") from None


def escape(token: str) -> str:
    """Escape one JSON pointer token."""
    return token.replace("~", "~0").replace("/", "~1")


def unescape(token: str) -> str:
    """Undo JSON pointer escaping of one token."""
    return token.replace("~1", "/").replace("~0", "~")


def pointer(parts: Any) -> str:
    """Build a JSON pointer from path parts."""
    return "".join("/" + escape(str(p)) for p in parts)


def split_pointer(ptr: str) -> list[str]:
    """Split a JSON pointer (with or without its leading '#') into unescaped tokens."""
    ptr = ptr.removeprefix("#")
    if not ptr:
        return []
    return [unescape(t) for t in ptr.lstrip("/").split("/")]


def line_of(text: str, ptr: str) -> int | None:
    """The 1-based line where the value at a JSON pointer starts, if it can be found."""
    try:
        node: yaml.Node | None = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return None
    for token in split_pointer(ptr):
        if isinstance(node, yaml.MappingNode):
            node = next((v for k, v in node.value if k.value == token), None)
        elif isinstance(node, yaml.SequenceNode) and token.isdigit() and int(token) < len(node.value):
            node = node.value[int(token)]
        else:
            node = None
        if node is None:
            return None
    return node.start_mark.line + 1 if node is not None else None
