"""Python annotations for operation parameters, read from their schemas."""

from __future__ import annotations

import keyword
import re
from dataclasses import dataclass
from typing import Any

from specmock.spec import Parameter, SpecIndex

_FASTAPI_KIND = {"query": "Query", "path": "Path", "header": "Header", "cookie": "Cookie"}
_SCALARS = {"integer": "int", "number": "float", "boolean": "bool", "string": "str"}
_FORMATS = {"date-time": "datetime", "date": "date"}
_LENGTHS = {"minLength": "min_length", "maxLength": "max_length"}


@dataclass(frozen=True)
class RouteParam:
    """One handler argument: its Python name, annotation and FastAPI declaration."""

    name: str  # the spec's name
    py_name: str
    annotation: str
    declaration: str  # e.g. Query(alias="x-id", ge=1)
    default: str | None  # Python source of the default, None when required


def identifier(name: str, taken: set[str]) -> str:
    """A valid, unused Python identifier close to the given name."""
    ident = re.sub(r"\W", "_", name) or "_"
    if ident[0].isdigit() or keyword.iskeyword(ident) or ident in ("request", "API"):
        ident += "_"
    candidate, n = ident, 1
    while candidate in taken:
        n += 1
        candidate = f"{ident}_{n}"
    taken.add(candidate)
    return candidate


def _flatten(schema: Any, index: SpecIndex) -> dict[str, Any]:
    """Resolve `$ref` and single-element allOf wrappers (FastAPI writes enum params that way)."""
    if not isinstance(schema, dict):
        return {}
    if isinstance(schema.get("$ref"), str):  # 3.1 allows siblings (default, description) beside $ref
        siblings = {k: v for k, v in schema.items() if k != "$ref"}
        return {**_flatten(index.resolve({"$ref": schema["$ref"]}), index), **siblings}
    options = schema.get("allOf")
    if isinstance(options, list) and len(options) == 1:
        rest = {k: v for k, v in schema.items() if k != "allOf"}
        return {**_flatten(options[0], index), **rest}
    return schema


def _nullable_parts(schema: dict[str, Any], index: SpecIndex) -> tuple[dict[str, Any], bool]:
    """Split `X | null` (3.0 nullable, 3.1 type lists, anyOf with null) into (X, nullable)."""
    if schema.get("nullable") is True:
        return {k: v for k, v in schema.items() if k != "nullable"}, True
    types = schema.get("type")
    if isinstance(types, list) and "null" in types:
        rest = [t for t in types if t != "null"]
        return {**schema, "type": rest[0] if len(rest) == 1 else rest}, True
    for key in ("anyOf", "oneOf"):
        options = schema.get(key)
        if isinstance(options, list):
            non_null = [o for o in options if _flatten(o, index).get("type") != "null"]
            if len(non_null) == 1 and len(options) == 2:
                siblings = {k: v for k, v in schema.items() if k != key}
                return {**_flatten(non_null[0], index), **siblings}, True
    return schema, False


def annotation(schema: Any, index: SpecIndex, depth: int = 0) -> tuple[str, bool]:
    """The Python annotation for a parameter schema, and whether null is allowed."""
    flat, nullable = _nullable_parts(_flatten(schema, index), index)
    enum = flat.get("enum")
    if isinstance(enum, list) and enum and all(isinstance(v, str | int) and not isinstance(v, bool) for v in enum):
        return f"Literal[{', '.join(repr(v) for v in enum)}]", nullable
    kind = flat.get("type")
    if kind == "array" and depth == 0:
        inner, _ = annotation(flat.get("items", {}), index, depth + 1)
        return f"list[{inner}]", nullable
    if isinstance(kind, str) and kind in _SCALARS:
        if kind == "string" and flat.get("format") in _FORMATS:
            return _FORMATS[flat["format"]], nullable
        return _SCALARS[kind], nullable
    # objects, unions and free-form values arrive as the raw string the client sent
    return "str", nullable


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _constraints(schema: Any, index: SpecIndex) -> list[str]:
    """FastAPI bounds from minimum/maximum (3.0 boolean and 3.1 numeric exclusive forms) and lengths."""
    flat, _ = _nullable_parts(_flatten(schema, index), index)
    out = [f"{arg}={flat[key]!r}" for key, arg in _LENGTHS.items() if _number(flat.get(key))]
    for bound, exclusive, inclusive_arg, exclusive_arg in (
        ("minimum", "exclusiveMinimum", "ge", "gt"),
        ("maximum", "exclusiveMaximum", "le", "lt"),
    ):
        if _number(flat.get(exclusive)):
            out.append(f"{exclusive_arg}={flat[exclusive]!r}")
        elif _number(flat.get(bound)):
            out.append(f"{exclusive_arg if flat.get(exclusive) is True else inclusive_arg}={flat[bound]!r}")
    return out


def route_param(param: Parameter, index: SpecIndex, taken: set[str]) -> RouteParam:
    """Describe one parameter as a FastAPI handler argument."""
    py_name = identifier(param.name, taken)
    ann, nullable = ("str", False) if param.has_content else annotation(param.schema, index)
    flat = _flatten(param.schema, index)
    args = [] if param.has_content else _constraints(param.schema, index)
    # path placeholders are renamed to py_name in the route (Starlette takes identifiers only)
    if param.location != "path" and (py_name != param.name or param.location == "header"):
        args.insert(0, f"alias={param.name!r}")
    if param.location == "header":
        args.append("convert_underscores=False")
    declaration = f"{_FASTAPI_KIND[param.location]}({', '.join(args)})"
    if param.required:
        return RouteParam(param.name, py_name, ann, declaration, None)
    if "default" in flat and not param.has_content:
        default = flat["default"]
        if default is None:
            return RouteParam(param.name, py_name, f"{ann} | None", declaration, "None")
        return RouteParam(param.name, py_name, f"{ann} | None" if nullable else ann, declaration, repr(default))
    return RouteParam(param.name, py_name, f"{ann} | None", declaration, "None")
