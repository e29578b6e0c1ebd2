"""The route model: every operation as data, read once from the spec.

Codegen renders the generated FastAPI routes from it, the server builds its direct router and
parameter readers from it, and both therefore agree on names, types, bounds and defaults. A
parameter is described by what a handler receives: its Python name, the scalar it is read as
(or the literal values it may take), whether it is a list, its bounds, its default.
"""

from __future__ import annotations

import keyword
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from specmock.spec.index import Operation, Parameter, SpecIndex

if TYPE_CHECKING:
    from specmock.spec import LoadedSpec

__all__ = ["SCALARS", "Route", "RouteParam", "identifier", "route_param", "routes_for"]

_TYPES = {"integer": "int", "number": "float", "boolean": "bool", "string": "str"}
_FORMATS = {"date-time": "datetime", "date": "date"}
_LENGTHS = {"minLength": "min_length", "maxLength": "max_length"}
# what a value is read as: the Python type names codegen writes, and `literal` for an enum
SCALARS = ("str", "int", "float", "bool", "datetime", "date", "literal")


@dataclass(frozen=True)
class RouteParam:
    """One parameter as a handler receives it."""

    name: str  # the spec's name
    py_name: str  # the handler's argument (and path placeholder) name
    location: str  # query, path, header or cookie
    scalar: str  # one of SCALARS; objects, unions and content parameters arrive as the raw `str`
    literal: tuple[Any, ...]  # the enum's values, for `literal`
    many: bool  # a query array: one value per repetition
    bounds: tuple[tuple[str, Any], ...]  # (ge, gt, le, lt, min_length or max_length; the bound), in order
    required: bool
    default: Any  # the value an absent optional parameter takes (None too when it has none)
    optional: bool  # the value may be None (not required without a default, a null default, or nullable)

    @property
    def alias(self) -> str | None:
        """The name the request uses where it is not the Python name (headers always have one)."""
        if self.location != "path" and (self.py_name != self.name or self.location == "header"):
            return self.name
        return None


@dataclass(frozen=True)
class Route:
    """One operation as routed: method, path with Python placeholder names, and parameters."""

    method: str
    path: str  # placeholders renamed to the parameters' py_name (Starlette takes identifiers only)
    operation_id: str
    function: str  # a Python identifier for the handler
    params: tuple[RouteParam, ...]


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


def _value_kind(schema: Any, index: SpecIndex, depth: int = 0) -> tuple[str, tuple[Any, ...], bool, bool]:
    """(scalar, literal values, is a list, nullable) of a parameter schema."""
    flat, nullable = _nullable_parts(_flatten(schema, index), index)
    enum = flat.get("enum")
    if isinstance(enum, list) and enum and all(isinstance(v, str | int) and not isinstance(v, bool) for v in enum):
        return "literal", tuple(enum), False, nullable
    kind = flat.get("type")
    if kind == "array" and depth == 0:
        scalar, literal, _, _ = _value_kind(flat.get("items", {}), index, depth + 1)
        return scalar, literal, True, nullable
    if isinstance(kind, str) and kind in _TYPES:
        if kind == "string" and flat.get("format") in _FORMATS:
            return _FORMATS[flat["format"]], (), False, nullable
        return _TYPES[kind], (), False, nullable
    # objects, unions and free-form values arrive as the raw string the client sent
    return "str", (), False, nullable


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _bounds(schema: Any, index: SpecIndex) -> tuple[tuple[str, Any], ...]:
    """Bounds from minimum/maximum (3.0 boolean and 3.1 numeric exclusive forms) and lengths."""
    flat, _ = _nullable_parts(_flatten(schema, index), index)
    out = [(arg, flat[key]) for key, arg in _LENGTHS.items() if _number(flat.get(key))]
    for bound, exclusive, inclusive_arg, exclusive_arg in (
        ("minimum", "exclusiveMinimum", "ge", "gt"),
        ("maximum", "exclusiveMaximum", "le", "lt"),
    ):
        if _number(flat.get(exclusive)):
            out.append((exclusive_arg, flat[exclusive]))
        elif _number(flat.get(bound)):
            out.append((exclusive_arg if flat.get(exclusive) is True else inclusive_arg, flat[bound]))
    return tuple(out)


def route_param(param: Parameter, index: SpecIndex, taken: set[str]) -> RouteParam:
    """Describe one parameter as a handler receives it."""
    py_name = identifier(param.name, taken)
    bounds: tuple[tuple[str, Any], ...] = ()
    literal: tuple[Any, ...]
    if param.has_content:
        scalar, literal, many, nullable = "str", (), False, False
    else:
        scalar, literal, many, nullable = _value_kind(param.schema, index)
        bounds = _bounds(param.schema, index)
    flat = _flatten(param.schema, index)
    base = (param.name, py_name, param.location, scalar, literal, many, bounds)
    if param.required:
        return RouteParam(*base, required=True, default=None, optional=False)
    if "default" in flat and not param.has_content:
        default = flat["default"]
        return RouteParam(*base, required=False, default=default, optional=default is None or nullable)
    return RouteParam(*base, required=False, default=None, optional=True)


def _specificity(op: Operation) -> tuple[tuple[int, str], ...]:
    # Starlette matches routes in order: /bucket/list_dataset must come before /bucket/{bucket}
    return tuple((1 if seg.startswith("{") else 0, seg) for seg in op.path.strip("/").split("/"))


def routes_for(spec: LoadedSpec) -> list[Route]:
    """The routes of every operation, static path segments before parameters."""
    functions: set[str] = {"router", "dispatch"}
    out = []
    index = spec.index
    for op in sorted(index.operations, key=_specificity):
        taken: set[str] = set()
        params = tuple(route_param(p, index, taken) for p in op.parameters)
        path = op.path
        for param in params:
            path = path.replace("{" + param.name + "}", "{" + param.py_name + "}")
        out.append(Route(op.method, path, op.operation_id, identifier(op.operation_id, functions), params))
    return out
