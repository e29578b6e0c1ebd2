"""The app factory: every configured API's operations, specmock's own routes, one dispatcher."""

from __future__ import annotations

import importlib
import importlib.util
import json
import re
import sys
from dataclasses import dataclass, field
from typing import Any

from starlette.routing import BaseRoute
from starlette.types import ASGIApp

from specmock.codegen.routes import routes_for
from specmock.config import ApiConfig, Config
from specmock.engine.clock import Clock, RealClock
from specmock.engine.state import MemoryStore, Store
from specmock.errors import ConfigError
from specmock.registry import Generators
from specmock.server.admin import admin_routes
from specmock.server.board import Board
from specmock.server.direct import DirectRouter, direct_routes
from specmock.server.dispatch import ApiRuntime, Dispatcher
from specmock.server.docs import docs_routes
from specmock.server.extra import extra_routes
from specmock.server.front import Front
from specmock.server.settings import Settings
from specmock.spec import load_spec


@dataclass
class Loaded:
    """An API ready to serve: its runtime, where its generated routes live, and whether they match its spec."""

    runtime: ApiRuntime
    routes_module: str
    current: bool
    warnings: list[str] = field(default_factory=list)


def _import(module: str, what: str) -> Any:
    try:
        return importlib.import_module(module)
    except ModuleNotFoundError as exc:
        if exc.name is not None and module.startswith(exc.name):
            raise ConfigError(f"{what}: module {module!r} not found ({exc})") from None
        raise


def load_api(config: Config, api: ApiConfig) -> Loaded:
    """Load one API: its spec (already validated by codegen) and generators; its routes must exist."""
    spec = load_spec(config.root / api.spec, check=False, name=api.spec.as_posix())
    warnings = []
    manifest = config.output_dir / api.name / "manifest.json"
    current = manifest.is_file() and json.loads(manifest.read_text()).get("spec_sha256") == spec.sha256
    if manifest.is_file() and not current:
        warnings.append(f"{api.name}: generated/{api.name} is older than {api.spec.as_posix()}; run `specmock codegen`")
    routes = f"{config.package}.{api.name}.routes"
    try:
        found = importlib.util.find_spec(routes)
    except ModuleNotFoundError:
        found = None
    if found is None:
        raise ConfigError(f"{api.name}: run `specmock codegen` first: module {routes!r} not found")
    generators = None
    if api.generators is not None:
        module = _import(api.generators, f"{api.name}: generators")
        registered = [v for v in vars(module).values() if isinstance(v, Generators)]
        generators = registered[0] if registered else None
    return Loaded(ApiRuntime(api.name, spec, generators), routes, current, warnings)


def _route_keys(path: str, method: str) -> tuple[str, str]:
    return method.upper(), re.sub(r"\{[^}]*\}", "{}", path)


def _owners(loaded: dict[str, Loaded]) -> dict[tuple[str, str], str]:
    """Who answers each (method, path shape); ConfigError when two APIs declare the same one."""
    owners: dict[tuple[str, str], str] = {}
    for name, item in loaded.items():
        for route in routes_for(item.runtime.spec):
            key = _route_keys(route.path, route.method)
            if key in owners and owners[key].split(" ")[0] != name:
                raise ConfigError(
                    f"{key[0]} {route.path} is served by two APIs: {owners[key]} and {name} {route.operation_id}"
                )
            owners[key] = f"{name} {route.operation_id}"
    return owners


def create_app(
    config: Config,
    settings: Settings | None = None,
    clock: Clock | None = None,
    store: Store | None = None,
    only: list[str] | None = None,
    board: Board | None = None,
) -> Front:
    """The served app for the configured APIs (or those named in `only`); a board when it is one of several workers."""
    selected = [config.api(name) for name in only] if only else list(config.apis)
    if not selected:
        raise ConfigError("no APIs to serve: add [[apis]] to specmock.toml")
    for path in reversed(config.import_paths):
        if path not in sys.path:
            sys.path.insert(0, path)
    loaded = {api.name: load_api(config, api) for api in selected}
    owners = _owners(loaded)
    dispatcher = Dispatcher(
        {name: item.runtime for name, item in loaded.items()},
        settings or Settings(),
        clock or RealClock(),
        store or MemoryStore(),
        board,
    )
    own: list[BaseRoute] = [*admin_routes(dispatcher), *docs_routes(list(loaded))]
    own += extra_routes(dispatcher, owners, own)
    # custom templates or stale routes may answer differently than the spec says: FastAPI decides those
    direct = [
        route
        for name, item in loaded.items()
        for route in direct_routes(name, item.runtime.spec, settled=item.current and config.templates is None)
    ]

    def build() -> ASGIApp:
        from specmock.server.fastapi_app import fastapi_app  # noqa: PLC0415 - only for what the direct path leaves

        routers = [_import(item.routes_module, f"{name}: generated routes").router for name, item in loaded.items()]
        return fastapi_app(dispatcher, routers, own, list(loaded))

    warnings = [w for item in loaded.values() for w in item.warnings]
    return Front(dispatcher, DirectRouter(direct), own, build, warnings)
