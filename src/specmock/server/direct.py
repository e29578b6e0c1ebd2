"""Matching a request to its operation and reading its parameters without FastAPI.

Built from the route model codegen renders (`spec.routes.routes_for`), in the same order, each under its
API's mount (as FastAPI includes the generated router with the mount as prefix), with Starlette's
rule: the first route whose path and method both match wins. A request this router cannot
settle on its own (no match, HEAD, a parameter form `params.Reader` leaves to FastAPI, a
missing required value) returns None and goes to the FastAPI app, so errors keep one source.
"""

from __future__ import annotations

import re
from collections.abc import MutableMapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any
from urllib.parse import unquote

from specmock.server.params import NOT_READ, Reader, reader
from specmock.spec import LoadedSpec
from specmock.spec.paths import template_pattern
from specmock.spec.routes import routes_for


@dataclass(frozen=True)
class DirectRoute:
    """One operation's route: its path pattern and its parameter readers (None: FastAPI reads them)."""

    api: str
    operation_id: str
    method: str
    pattern: re.Pattern[str] | None  # None for a path without placeholders
    path: str
    readers: tuple[Reader, ...] | None

    @cached_property
    def header_keys(self) -> frozenset[str]:
        """The (lowercased) request headers its parameters read."""
        return frozenset(r.key for r in self.readers or () if r.where == "header")


@dataclass(frozen=True)
class Matched:
    """A request this router settled: the operation and the params dict its route would pass."""

    api: str
    operation_id: str
    params: dict[str, Any]


def _unquote(text: str) -> str:
    return unquote(text.replace("+", " ")) if "%" in text or "+" in text else text


def _query(raw: bytes) -> dict[str, list[str]]:
    """The query's values by name, decoded as Starlette's parse_qsl(keep_blank_values=True) decodes them."""
    out: dict[str, list[str]] = {}
    for part in raw.decode("latin-1").split("&"):
        if part:
            name, _, value = part.partition("=")
            out.setdefault(_unquote(name), []).append(_unquote(value))
    return out


def _pattern(path: str) -> re.Pattern[str] | None:
    return template_pattern(path, named=True) if "{" in path else None


def direct_routes(api: str, spec: LoadedSpec, settled: bool = True, prefix: str = "") -> list[DirectRoute]:
    """The routes of one API under its mount (`prefix`, "" at the root), in the generated router's order.

    With `settled` False, every request of the API is left to FastAPI (the routes still take
    their place in the order, so they shadow later routes as they do in FastAPI).
    """
    out = []
    for route in routes_for(spec):
        readers = [reader(p) for p in route.params] if settled else [None]
        known = None if any(r is None for r in readers) else tuple(r for r in readers if r is not None)
        path = prefix + route.path
        out.append(DirectRoute(api, route.operation_id, route.method.upper(), _pattern(path), path, known))
    return out


class DirectRouter:
    """Finds the operation of a request and its parameters, or None to let FastAPI decide."""

    def __init__(self, routes: list[DirectRoute]) -> None:
        self.routes = routes
        # a static path is a dict lookup; only patterns registered before it can take it first
        self.static: dict[tuple[str, str], int] = {}
        # a placeholder never spans a "/", so only patterns with as many segments can match
        self.patterns: dict[tuple[str, int], list[tuple[int, DirectRoute, re.Pattern[str]]]] = {}
        for i, route in enumerate(routes):
            if route.pattern is None:
                self.static.setdefault((route.method, route.path), i)
            else:
                shape = (route.method, route.path.count("/"))
                self.patterns.setdefault(shape, []).append((i, route, route.pattern))

    def _route(self, method: str, path: str) -> tuple[DirectRoute, dict[str, str]] | None:
        """The first route, in registration order, matching both path and method."""
        first = self.static.get((method, path))
        for i, route, pattern in self.patterns.get((method, path.count("/")), ()):
            if first is not None and i > first:
                break
            found = pattern.fullmatch(path)
            if found is not None:
                return route, found.groupdict()
        return None if first is None else (self.routes[first], {})

    def claims(self, method: str, path: str) -> bool:
        """Whether a spec route answers this method and path (FastAPI tries them before specmock's own)."""
        return self._route(method, path) is not None

    def _settled(self, scope: MutableMapping[str, Any]) -> tuple[DirectRoute, dict[str, str]] | None:
        """The route of an HTTP request, with its path values, when this router reads its parameters."""
        if scope.get("root_path") or scope["method"] == "HEAD":
            # Starlette strips root paths by its own rules, and answers HEAD with any GET route
            return None
        found = self._route(scope["method"], scope["path"])
        return None if found is None or found[0].readers is None else found

    def settled(self, scope: MutableMapping[str, Any]) -> DirectRoute | None:
        """The route of an HTTP request when this router reads its parameters itself, else None."""
        found = self._settled(scope)
        return None if found is None else found[0]

    def match(self, scope: MutableMapping[str, Any]) -> Matched | None:
        """The operation and params of an HTTP request, or None when FastAPI should answer it."""
        found = self._settled(scope)
        if found is None:
            return None
        route, path_values = found
        query = _query(scope.get("query_string") or b"")
        headers: dict[str, list[str]] = {}
        if route.header_keys:
            for name, value in scope.get("headers") or ():
                key = name.decode("latin-1").lower()
                if key in route.header_keys:
                    headers.setdefault(key, []).append(value.decode("latin-1"))
        params: dict[str, Any] = {}
        for item in route.readers or ():
            raw: list[str] | None
            if item.where == "path":
                raw = [path_values[item.key]]
            else:
                raw = (query if item.where == "query" else headers).get(item.key)
            value = item.read(raw)
            if value is NOT_READ:
                return None
            params[item.name] = value
        return Matched(route.api, route.operation_id, params)
