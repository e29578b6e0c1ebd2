"""Request parameters read the way a generated FastAPI route declares them, without FastAPI.

A `Reader` is built from the same route model (`spec.routes.RouteParam`) that codegen renders
into routes.py, so both paths agree on names, types, bounds and defaults. It accepts
only the spellings FastAPI is known to read to the same value: "true"/"false" for booleans,
plain decimal numbers, RFC 3339 instants. Anything else (a missing required value, a repeated
single value, "yes", "1e3", a bound broken) returns NOT_READ, and the request goes to the
FastAPI route, whose answer (a value or the 422 problem) is the reference.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from specmock.spec.routes import RouteParam


class _NotRead:
    """The marker for a value this module leaves to FastAPI."""

    def __repr__(self) -> str:
        return "NOT_READ"


NOT_READ: Any = _NotRead()

_INTEGER = re.compile(r"-?(?:0|[1-9][0-9]{0,17})")
_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]{0,15})(?:\.[0-9]{1,15})?")
_INSTANT = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]{1,6})?(?:Z|[+-][0-9]{2}:[0-9]{2})?"
)
_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_BOOLEANS = {"true": True, "false": False}
_BOUNDS: dict[str, Callable[[Any, Any], bool]] = {
    "gt": lambda v, b: v > b,
    "ge": lambda v, b: v >= b,
    "lt": lambda v, b: v < b,
    "le": lambda v, b: v <= b,
    "min_length": lambda v, b: len(v) >= b,
    "max_length": lambda v, b: len(v) <= b,
}


def _integer(text: str) -> Any:
    return int(text) if _INTEGER.fullmatch(text) else NOT_READ


def _number(text: str) -> Any:
    return float(text) if _NUMBER.fullmatch(text) else NOT_READ


def _boolean(text: str) -> Any:
    return _BOOLEANS.get(text, NOT_READ)


def _instant(text: str) -> Any:
    if not _INSTANT.fullmatch(text):
        return NOT_READ
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return NOT_READ


def _day(text: str) -> Any:
    if not _DAY.fullmatch(text):
        return NOT_READ
    try:
        return date.fromisoformat(text)
    except ValueError:
        return NOT_READ


def _text(text: str) -> Any:
    return text


_SCALARS: dict[str, Callable[[str], Any]] = {
    "str": _text,
    "int": _integer,
    "float": _number,
    "bool": _boolean,
    "datetime": _instant,
    "date": _day,
}


def _literal(values: tuple[Any, ...]) -> Callable[[str], Any] | None:
    """A reader of a Literal of strings; None for other literals (FastAPI's coercion decides those)."""
    if not all(isinstance(v, str) for v in values):
        return None
    allowed = frozenset(values)
    return lambda text: text if text in allowed else NOT_READ


@dataclass(frozen=True)
class Reader:
    """Reads one parameter from the request's raw values."""

    name: str  # the key in the params dict the route passes to dispatch
    where: str  # query, path or header
    key: str  # the name in the request: the alias, the path placeholder, the lowercased header
    one: Callable[[str], Any]
    many: bool
    bounds: tuple[tuple[Callable[[Any, Any], bool], Any], ...]
    required: bool
    default: Any

    def read(self, raw: list[str] | None) -> Any:
        """The parameter's value from its raw values (None when absent), or NOT_READ."""
        if not raw:
            if self.required:
                return NOT_READ
            # a default is the route's own object: a list or dict one is copied, as FastAPI does
            return copy.deepcopy(self.default) if isinstance(self.default, list | dict) else self.default
        if self.many:
            values = [self.one(text) for text in raw]
            if any(v is NOT_READ for v in values) or self.bounds:
                return NOT_READ
            return values
        if len(raw) > 1:
            return NOT_READ
        value = self.one(raw[0])
        if value is NOT_READ:
            return NOT_READ
        for check, bound in self.bounds:
            if not check(value, bound):
                return NOT_READ
        return value


def reader(param: RouteParam) -> Reader | None:
    """The reader of a route parameter, or None when its form is left to FastAPI (cookies, lists in headers...)."""
    one = _literal(param.literal) if param.scalar == "literal" else _SCALARS.get(param.scalar)
    if one is None or param.location == "cookie" or (param.many and param.location != "query"):
        return None
    bounds = tuple((_BOUNDS[k], v) for k, v in param.bounds)
    if param.location == "path":
        where, key = "path", param.py_name
    elif param.location == "header":
        where, key = "header", (param.alias or param.name).lower()
    else:
        where, key = "query", param.alias or param.py_name
    return Reader(param.name, where, key, one, param.many, bounds, param.required, param.default)
