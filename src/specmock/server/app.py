"""The app factory: every configured API's operations, specmock's own routes, one dispatcher."""

from __future__ import annotations

import importlib
import importlib.util
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from starlette.routing import BaseRoute
from starlette.types import ASGIApp

from specmock.config import ApiConfig, Config, mount_problem
from specmock.engine.clock import Clock, RealClock
from specmock.engine.state import MemoryStore, Store
from specmock.errors import ConfigError
from specmock.registry import load_generators
from specmock.server.admin import admin_routes
from specmock.server.board import Board
from specmock.server.direct import DirectRouter, direct_routes
from specmock.server.dispatch import ApiRuntime, Dispatcher
from specmock.server.docs import docs_routes
from specmock.server.extra import extra_routes
from specmock.server.front import Front
from specmock.server.overlap import Claim, first_clash
from specmock.server.settings import Settings
from specmock.spec import LoadedSpec, load_spec
from specmock.spec.routes import routes_for
from specmock.spec.servers import server_path, server_url


@dataclass
class Loaded:
    """An API ready to serve: its runtime, where its generated routes live, and whether they match its spec."""

    runtime: ApiRuntime
    routes_module: str
    current: bool
    warnings: list[str] = field(default_factory=list)


def _import(module: str, what: str, load: Callable[[str], Any] = importlib.import_module) -> Any:
    try:
        return load(module)
    except ModuleNotFoundError as exc:
        if exc.name is not None and module.startswith(exc.name):
            raise ConfigError(f"{what}: module {module!r} not found ({exc})") from None
        raise


def mount_of(api: ApiConfig, spec: LoadedSpec) -> str:
    """Where the API is served: its `mount`, else the path of its spec's first server (`/` when none)."""
    if api.mount is not None:
        return api.mount
    mount = server_path(spec.document)
    problem = mount_problem(mount)
    if problem is not None:
        raise ConfigError(
            f"{api.name}: {spec.file} servers[0].url {server_url(spec.document)!r} gives mount {mount!r}, which "
            f"{problem}; set `mount` for {api.name} in specmock.toml"
        )
    return mount


def load_api(config: Config, api: ApiConfig) -> Loaded:
    """Load one API: its spec (already validated by codegen) and generators; its routes must exist."""
    spec = load_spec(config.root / api.spec, check=False, name=api.spec.as_posix())
    warnings = []
    manifest = config.output_dir / api.name / "manifest.json"
    current = manifest.is_file() and json.loads(manifest.read_text()).get("spec_sha256") == spec.sha256
    if manifest.is_file() and not current:
        package = (config.output / api.name).as_posix()
        warnings.append(f"{api.name}: {package} is older than {api.spec.as_posix()}; run `specmock codegen`")
    routes = f"{config.package}.{api.name}.routes"
    try:
        found = importlib.util.find_spec(routes)
    except ModuleNotFoundError:
        found = None
    if found is None:
        raise ConfigError(f"{api.name}: run `specmock codegen` first: module {routes!r} not found")
    generators = None
    if api.generators is not None:
        generators = _import(api.generators, f"{api.name}: generators", load_generators)
    return Loaded(ApiRuntime(api.name, spec, generators, mount_of(api, spec)), routes, current, warnings)


def _claims(loaded: dict[str, Loaded], source: Path | str) -> list[Claim]:
    """Every spec route at its mounted path; ConfigError when one request could reach two APIs."""
    claims = [
        Claim(route.method.upper(), item.runtime.prefix + route.path, name, f"{name} {route.operation_id}")
        for name, item in loaded.items()
        for route in routes_for(item.runtime.spec)
    ]
    clash = first_clash(claims)
    if clash is not None:
        first, second, path = clash
        raise ConfigError(
            f"{first.method} {path} is served by two APIs: {first.label} ({first.method} {first.path}) and "
            f"{second.label} ({second.method} {second.path}); give one of them another `mount` in {source}"
        )
    return claims


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
    claims = _claims(loaded, config.source or "the configuration")
    dispatcher = Dispatcher(
        {name: item.runtime for name, item in loaded.items()},
        settings or Settings(),
        clock or RealClock(),
        store or MemoryStore(),
        board,
    )
    own: list[BaseRoute] = [*admin_routes(dispatcher), *docs_routes(dispatcher.apis)]
    own += extra_routes(dispatcher, claims, own)
    # custom templates or stale routes may answer differently than the spec says: FastAPI decides those
    direct = [
        route
        for name, item in loaded.items()
        for route in direct_routes(
            name, item.runtime.spec, settled=item.current and config.templates is None, prefix=item.runtime.prefix
        )
    ]

    def build() -> ASGIApp:
        from specmock.server.fastapi_app import fastapi_app  # noqa: PLC0415 - only for what the direct path leaves

        routers = [
            (_import(item.routes_module, f"{name}: generated routes").router, item.runtime.prefix)
            for name, item in loaded.items()
        ]
        return fastapi_app(dispatcher, routers, own, list(loaded))

    warnings = [w for item in loaded.values() for w in item.warnings]
    return Front(dispatcher, DirectRouter(direct), own, build, warnings)
