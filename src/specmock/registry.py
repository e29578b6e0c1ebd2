"""The registry that handwritten generators use to claim operations by operationId."""

from __future__ import annotations

import functools
import importlib
import pkgutil
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from types import FrameType, ModuleType
from typing import TYPE_CHECKING, Any, TypeVar

from specmock.config import EXTRA_PREFIX
from specmock.engine.rng import Branch, Rng

if TYPE_CHECKING:
    from specmock.context import Context

F = TypeVar("F", bound=Callable[..., Any])

HTTP_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")


@dataclass(frozen=True)
class CollectionSize:
    """The totals of one collection for each volume preset."""

    default: int
    low: int
    high: int

    def for_preset(self, preset: str) -> int:
        """The total for a preset name (low, default or high)."""
        return {"low": self.low, "default": self.default, "high": self.high}[preset]


@dataclass(frozen=True)
class Volume:
    """A declared collection of one API: its name and totals, stated once where it is declared."""

    name: str
    size: CollectionSize

    def total(self, ctx: Context) -> int:
        """How many items the collection holds for this request (`--volume api.name=N` or the preset's)."""
        return ctx.volumes.get(self.name, self.size.default)


@dataclass(frozen=True)
class ExtraRoute:
    """A route outside the spec: HTTP methods (none for a WebSocket), its full path and handler."""

    path: str
    methods: tuple[str, ...]
    handler: Callable[..., Any]
    site: tuple[str, int]

    @property
    def websocket(self) -> bool:
        """Whether the route is a WebSocket endpoint."""
        return not self.methods


class Generators:
    """Handwritten generators of one API, keyed by the spec's operationIds."""

    def __init__(self, api: str) -> None:
        self.api = api
        self.handlers: dict[str, Callable[..., Any]] = {}
        self.sites: dict[str, tuple[str, int]] = {}
        self.collections: dict[str, CollectionSize] = {}
        self.routes: list[ExtraRoute] = []

    def collection(self, name: str, default: int, low: int | None = None, high: int | None = None) -> Volume:
        """Declare a collection and its totals per preset; `--volume api.name=N` overrides them."""
        if name in self.collections:
            raise ValueError(f"collection {self.api}.{name} is declared twice")
        size = CollectionSize(default, default if low is None else low, default if high is None else high)
        self.collections[name] = size
        return Volume(name, size)

    def rng(self, seed: int, *path: object) -> Rng:
        """The seeded generator for a path under this API: a package never spells its own name."""
        return Rng.root(seed, self.api, *path)

    def branch(self, seed: int, *path: object) -> Branch:
        """Many seeded draws under one path of this API, one hash per item (see Branch)."""
        return Branch(seed, self.api, *path)

    def memo(self, maxsize: int = 16) -> Callable[[F], F]:
        """Decorator: keep the answers of a pure function of (seed, ...) in a bounded cache.

        Bounded because every `Prefer: seed=N` or volume asks for another entry.
        """

        def wrap(func: F) -> F:
            return functools.lru_cache(maxsize=maxsize)(func)  # type: ignore[return-value]

        return wrap

    def operation(self, operation_id: str) -> Callable[[F], F]:
        """Decorator: the function answers this operation instead of schema-driven synthesis."""
        caller = sys._getframe(1)
        site = (caller.f_code.co_filename, caller.f_lineno)

        def register(func: F) -> F:
            if operation_id in self.handlers:
                first = self.sites[operation_id]
                raise ValueError(f"operation {operation_id!r} already has a generator ({first[0]}:{first[1]})")
            self.handlers[operation_id] = func
            self.sites[operation_id] = site
            return func

        return register

    def path_of(self, path: str) -> str:
        """The full path an extra route of this API is served at: /_specmock/<api><path>."""
        # under specmock's own prefix no spec path is expected (no mount may enter it), and the
        # app still refuses one that collides
        if not path.startswith("/"):
            raise ValueError(f"extra route path {path!r} must start with '/'")
        return f"{EXTRA_PREFIX}/{self.api}{path}"

    def route(self, path: str, methods: Sequence[str] = ("GET",)) -> Callable[[F], F]:
        """Decorator: an HTTP route outside the spec, at /_specmock/<api><path>.

        The handler takes a Context (params: path and query parameters; body: JSON or text;
        request: the Starlette request) and returns what an operation generator may return.
        """
        wanted = tuple(m.upper() for m in methods)
        unknown = [m for m in wanted if m not in HTTP_METHODS]
        if not wanted or unknown:
            raise ValueError(f"extra route {path!r}: methods must be among {', '.join(HTTP_METHODS)}, not {methods!r}")
        return self._extra(path, wanted, sys._getframe(1))

    def websocket(self, path: str) -> Callable[[F], F]:
        """Decorator: a WebSocket endpoint at /_specmock/<api><path>.

        The handler is `async def handler(websocket, context)`, where `context()` gives a fresh
        Context (seed, clock, volumes, store; params: path and query parameters) at each call.
        """
        return self._extra(path, (), sys._getframe(1))

    def _extra(self, path: str, methods: tuple[str, ...], caller: FrameType) -> Callable[[F], F]:
        full = self.path_of(path)
        site = (caller.f_code.co_filename, caller.f_lineno)

        def register(func: F) -> F:
            for known in self.routes:
                shared = [m for m in methods if m in known.methods] if methods else ["WEBSOCKET"] * known.websocket
                if known.path == full and shared:
                    raise ValueError(
                        f"{', '.join(shared)} {full} already has a handler ({known.site[0]}:{known.site[1]})"
                    )
            self.routes.append(ExtraRoute(full, methods, func, site))
            return func

        return register


def load_generators(module_name: str) -> Generators | None:
    """Import a generators module and, when it is a package, every module in it (sorted by name),
    so registrations need no list of imports; the Generators object it defines, if any."""
    module = importlib.import_module(module_name)
    _import_all(module)
    found = [v for v in vars(module).values() if isinstance(v, Generators)]
    return found[0] if found else None


def _import_all(package: ModuleType) -> None:
    path = getattr(package, "__path__", None)
    if path is None:
        return
    for info in sorted(pkgutil.iter_modules(path, package.__name__ + "."), key=lambda m: m.name):
        _import_all(importlib.import_module(info.name))
