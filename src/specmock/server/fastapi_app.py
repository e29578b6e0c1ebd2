"""The FastAPI app: the generated routes with their parameter checks, and the error answers.

Built by `Front` on the first request its direct path leaves to FastAPI: a parameter FastAPI
must judge (a 422 naming it), an unknown path (404) or a method the path does not declare (405).
"""

from __future__ import annotations

import sys
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import BaseRoute

from specmock.server.dispatch import Dispatcher
from specmock.server.problems import problem
from specmock.server.requests import validation_failure


def _operation_of(route: object) -> tuple[str, str]:
    """The (API, operationId) a generated route serves: its module names the API."""
    endpoint = getattr(route, "endpoint", None)
    api = getattr(sys.modules.get(getattr(endpoint, "__module__", ""), None), "API", "")
    return (api if isinstance(api, str) else ""), str(getattr(route, "operation_id", "") or "")


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, str | int | float | bool | list | dict):
        return value
    return str(value)


def fastapi_app(
    dispatcher: Dispatcher, routers: list[tuple[Any, str]], own: list[BaseRoute], apis: list[str]
) -> FastAPI:
    """Generated routes first, each under its mount's prefix (as Starlette tries them), then specmock's own."""
    app = FastAPI(title="specmock", openapi_url=None, docs_url=None, redoc_url=None)
    app.state.specmock = dispatcher
    for router, prefix in routers:
        app.include_router(router, prefix=prefix)
    app.router.routes.extend(own)

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
            return problem(404, "Not found", f"no operation of {', '.join(apis)} matches {request.url.path}")
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

    return app
