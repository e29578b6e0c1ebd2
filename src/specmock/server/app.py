"""The app factory: mount every configured API's generated routes on one FastAPI app."""

from __future__ import annotations

import importlib
import json
import re
import sys
from dataclasses import dataclass, field
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send

from specmock.config import ApiConfig, Config
from specmock.engine.clock import Clock, RealClock
from specmock.engine.state import MemoryStore, Store
from specmock.errors import ConfigError
from specmock.registry import Generators
from specmock.server.admin import admin_router
from specmock.server.dispatch import ApiRuntime, Dispatcher, DropResponse
from specmock.server.docs import docs_router
from specmock.server.extra import mount_extra_routes
from specmock.server.problems import problem
from specmock.server.requests import validation_failure
from specmock.server.settings import Settings
from specmock.spec import load_spec

# browsers on the developer's own machine, any port
LOCAL_ORIGINS = r"https?://(localhost|127\.0\.0\.1|\[::1\])(:\d+)?"


@dataclass
class Loaded:
    """An API ready to mount: its runtime and its generated router."""

    runtime: ApiRuntime
    router: Any
    warnings: list[str] = field(default_factory=list)


def _import(module: str, what: str) -> Any:
    try:
        return importlib.import_module(module)
    except ModuleNotFoundError as exc:
        if exc.name is not None and module.startswith(exc.name):
            raise ConfigError(f"{what}: module {module!r} not found ({exc})") from None
        raise


def load_api(config: Config, api: ApiConfig) -> Loaded:
    """Load one API: its spec (already validated by codegen), generated routes and generators."""
    spec = load_spec(config.root / api.spec, check=False, name=api.spec.as_posix())
    warnings = []
    manifest = config.output_dir / api.name / "manifest.json"
    if manifest.is_file() and json.loads(manifest.read_text()).get("spec_sha256") != spec.sha256:
        warnings.append(f"{api.name}: generated/{api.name} is older than {api.spec.as_posix()}; run `specmock codegen`")
    routes = _import(f"{config.package}.{api.name}.routes", f"{api.name}: run `specmock codegen` first")
    generators = None
    if api.generators is not None:
        module = _import(api.generators, f"{api.name}: generators")
        found = [v for v in vars(module).values() if isinstance(v, Generators)]
        generators = found[0] if found else None
    return Loaded(ApiRuntime(api.name, spec, generators), routes.router, warnings)


def _operation_of(route: object) -> tuple[str, str]:
    """The (API, operationId) a generated route serves: its module names the API."""
    endpoint = getattr(route, "endpoint", None)
    api = getattr(sys.modules.get(getattr(endpoint, "__module__", ""), None), "API", "")
    return (api if isinstance(api, str) else ""), str(getattr(route, "operation_id", "") or "")


def _route_key(route: Any) -> list[tuple[str, str]]:
    path = re.sub(r"\{[^}]*\}", "{}", route.path)
    return [(method, path) for method in sorted(route.methods or ())]


class DropMiddleware:
    """Cuts a response short when the fault injector says so (pure ASGI: no per-request overhead)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Run the app; on DropResponse, start a response and abandon it."""
        try:
            await self.app(scope, receive, send)
        except DropResponse:
            # promise a body, send a byte, stop: the client sees the connection close mid-response
            await send({"type": "http.response.start", "status": 200, "headers": [(b"content-length", b"1024")]})
            await send({"type": "http.response.body", "body": b"{", "more_body": True})


def create_app(
    config: Config,
    settings: Settings | None = None,
    clock: Clock | None = None,
    store: Store | None = None,
    only: list[str] | None = None,
) -> FastAPI:
    """A FastAPI app serving the configured APIs (or those named in `only`)."""
    selected = [config.api(name) for name in only] if only else list(config.apis)
    if not selected:
        raise ConfigError("no APIs to serve: add [[apis]] to specmock.toml")
    for path in reversed(config.import_paths):
        if path not in sys.path:
            sys.path.insert(0, path)
    loaded = {api.name: load_api(config, api) for api in selected}
    owners: dict[tuple[str, str], str] = {}
    for name, item in loaded.items():
        for route in item.router.routes:
            for key in _route_key(route):
                if key in owners and owners[key].split(" ")[0] != name:
                    raise ConfigError(
                        f"{key[0]} {route.path} is served by two APIs: {owners[key]} and {name} {route.operation_id}"
                    )
                owners[key] = f"{name} {route.operation_id}"
    dispatcher = Dispatcher(
        {name: item.runtime for name, item in loaded.items()},
        settings or Settings(),
        clock or RealClock(),
        store or MemoryStore(),
    )
    app = FastAPI(title="specmock", openapi_url=None, docs_url=None, redoc_url=None)
    app.state.specmock = dispatcher
    app.state.warnings = [w for item in loaded.values() for w in item.warnings]
    for item in loaded.values():
        app.include_router(item.router)
    own = [admin_router(dispatcher), docs_router(list(loaded))]
    for router in own:
        app.include_router(router)
    mount_extra_routes(app, dispatcher, owners, [route for router in own for route in router.routes])

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> Response:
        api, operation_id = _operation_of(request.scope.get("route"))
        runtime = dispatcher.apis.get(api)
        if runtime is None or operation_id not in runtime.operations:
            return problem(400, "Invalid request", str(exc))
        errors = [{**e, "input": _plain(e.get("input"))} for e in exc.errors()]
        return validation_failure(runtime.spec.index, runtime.operations[operation_id], errors)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if exc.status_code == 404:
            return problem(404, "Not found", f"no operation of {', '.join(loaded)} matches {request.url.path}")
        if exc.status_code == 405:
            allowed = exc.headers.get("allow", "") if exc.headers else ""
            response = problem(
                405,
                "Method not allowed",
                f"{request.method} is not declared for {request.url.path}"
                + (f" (allowed: {allowed})" if allowed else ""),
            )
            if allowed:
                response.headers["allow"] = allowed
            return response
        return problem(exc.status_code, "HTTP error", str(exc.detail))

    app.add_middleware(DropMiddleware)
    app.add_middleware(
        CORSMiddleware,
        allow_origin_regex=LOCAL_ORIGINS,
        allow_methods=["*"],
        allow_headers=["*"],
        expose_headers=["x-specmock-seed", "x-specmock-request", "x-specmock-fault"],
    )
    return app


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, str | int | float | bool | list | dict):
        return value
    return str(value)
