"""Routes a mock package adds outside its spec (`Generators.route`, `Generators.websocket`).

They are mounted under /_specmock/<api> beside the generated routes, whatever the API's mount;
one that a request for a spec route or specmock's own could reach too is a startup error
naming both. Handlers get the same Context as
operation generators (built by the dispatcher), so seed, clock, volumes and state agree.
"""

from __future__ import annotations

import inspect
import json
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route, WebSocketRoute
from starlette.websockets import WebSocket

from specmock.context import Context, ProblemError, Reply
from specmock.errors import ConfigError
from specmock.registry import ExtraRoute
from specmock.server.dispatch import ApiRuntime, Dispatcher
from specmock.server.overlap import Claim, clash_with
from specmock.server.problems import problem
from specmock.server.serialize import to_bytes
from specmock.spec.media import is_json


def _own_claims(own: list[BaseRoute]) -> list[Claim]:
    """specmock's own routes as claims (a GET route answers HEAD too, as Starlette routes do)."""
    claims = []
    for route in own:
        path = getattr(route, "path", "")
        methods = ("WEBSOCKET",) if isinstance(route, WebSocketRoute) else sorted(getattr(route, "methods", None) or ())
        claims += [Claim(method, path, "", f"specmock's own route {method} {path}") for method in methods]
    return claims


def extra_routes(dispatcher: Dispatcher, claims: list[Claim], own: list[BaseRoute]) -> list[BaseRoute]:
    """Every API's extra routes; ConfigError for one that a request for a spec route or specmock's own reaches too."""
    taken = [*claims, *_own_claims(own)]
    routes: list[BaseRoute] = []
    for runtime in dispatcher.apis.values():
        mine: list[Claim] = []  # one package orders its own routes, as the spec's are ordered
        for extra in runtime.generators.routes if runtime.generators else []:
            site = f"{extra.site[0]}:{extra.site[1]}"
            for method in extra.methods or ("WEBSOCKET",):
                claim = Claim(method, extra.path, runtime.name, f"{runtime.name} extra route ({site})")
                clash = clash_with(claim, taken)
                if clash is not None:
                    raise ConfigError(
                        f"{method} {extra.path}: the extra route of {runtime.name} ({site}) collides with "
                        f"{clash[0].label}" + ("" if clash[1] == extra.path else f" (both answer {method} {clash[1]})")
                    )
                mine.append(claim)
            if extra.websocket:
                routes.append(WebSocketRoute(extra.path, _websocket(dispatcher, runtime, extra)))
            else:
                routes.append(Route(extra.path, _http(dispatcher, runtime, extra), methods=list(extra.methods)))
        taken += mine
    return routes


def _params(connection: Request | WebSocket) -> dict[str, Any]:
    """Query parameters (the last value of a repeated one) and path parameters, the latter winning."""
    return {**dict(connection.query_params), **connection.path_params}


async def _body(request: Request) -> Any:
    """The body: JSON when the content type says so, else text; None when empty."""
    raw = await request.body()
    if not raw:
        return None
    if is_json(request.headers.get("content-type", "")):
        return json.loads(raw)
    return raw.decode("utf-8", errors="replace")


def _response(result: Any) -> Response:
    """What a handler returned, as a response: a Response as is, a Reply or a value (JSON)."""
    if isinstance(result, Response):
        return result
    reply = result if isinstance(result, Reply) else Reply(result)
    if reply.body is None:
        return Response(status_code=reply.status, headers=reply.headers)
    media = reply.media_type or "application/json"
    return Response(to_bytes(reply.body, media), status_code=reply.status, media_type=media, headers=reply.headers)


def _http(dispatcher: Dispatcher, runtime: ApiRuntime, extra: ExtraRoute) -> Callable[[Request], Awaitable[Response]]:
    async def endpoint(request: Request) -> Response:
        try:
            body = await _body(request)
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            return problem(400, "Invalid request body", f"the body is not JSON: {exc}")
        operation = f"{request.method} {extra.path}"
        dispatcher.sync()  # the seed another worker set
        ctx = dispatcher.context(runtime, operation, _params(request), body, dispatcher.settings.seed, request)
        try:
            result = extra.handler(ctx)
            if inspect.isawaitable(result):
                result = await result
        except ProblemError as exc:
            if exc.body is not None:
                return Response(to_bytes(exc.body, "application/json"), exc.status, media_type="application/json")
            return problem(exc.status, "Not found" if exc.status == 404 else "Error", exc.detail)
        return _response(result)

    return endpoint


def _websocket(
    dispatcher: Dispatcher, runtime: ApiRuntime, extra: ExtraRoute
) -> Callable[[WebSocket], Awaitable[None]]:
    async def endpoint(websocket: WebSocket) -> None:
        params = _params(websocket)
        operation = f"WEBSOCKET {extra.path}"

        def context() -> Context:
            dispatcher.sync()
            return dispatcher.context(runtime, operation, params, None, dispatcher.settings.seed, None)

        await extra.handler(websocket, context)

    return endpoint
