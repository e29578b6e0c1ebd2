"""The served ASGI app: requests it can settle go straight to the dispatcher, the rest to FastAPI.

FastAPI's routing and parameter solving cost most of a request, and importing it costs most of
a start, so the FastAPI app (the generated routes, specmock's own, and the error handlers) is
built on the first request that needs it: one whose parameters the direct router leaves to
FastAPI (a 422), an unknown path (a 404) or a wrong method (a 405). Its answers are the
reference the direct path is tested against.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Awaitable, Callable

from starlette.datastructures import State
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from specmock.server.direct import DirectRouter
from specmock.server.dispatch import Dispatcher, DropResponse
from specmock.server.problems import problem

# browsers on the developer's own machine, any port
LOCAL_ORIGINS = r"https?://(localhost|127\.0\.0\.1|\[::1\])(:\d+)?"
EXPOSED = ["x-specmock-seed", "x-specmock-request", "x-specmock-fault"]


class DropMiddleware:
    """Cuts a response short when the fault injector says so."""

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


class Front:
    """What uvicorn serves: the direct path, specmock's own routes, and FastAPI built on first need."""

    def __init__(
        self,
        dispatcher: Dispatcher,
        direct: DirectRouter,
        own: list[BaseRoute],
        build: Callable[[], ASGIApp],
        warnings: list[str],
    ) -> None:
        self.state = State()
        self.state.specmock = dispatcher
        self.state.warnings = warnings
        self.dispatcher = dispatcher
        self.direct = direct
        self.own = own
        self._build = build
        self._fastapi: ASGIApp | None = None
        self._lock = threading.Lock()
        self._plain = DropMiddleware(self._route)
        self._app = CORSMiddleware(
            self._plain,
            allow_origin_regex=LOCAL_ORIGINS,
            allow_methods=["*"],
            allow_headers=["*"],
            expose_headers=EXPOSED,
        )

    def fastapi(self) -> ASGIApp:
        """The FastAPI app, built once, on first use."""
        with self._lock:
            if self._fastapi is None:
                self._fastapi = self._build()
            return self._fastapi

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Serve one ASGI connection."""
        if scope["type"] == "lifespan":
            await _lifespan(receive, send)
        elif scope["type"] == "http" and all(name != b"origin" for name, _ in scope["headers"]):
            # what CORSMiddleware does without an Origin, without its per-message header parsing
            await self._plain(scope, receive, _vary_origin(send))
        else:
            await self._app(scope, receive, send)

    async def _route(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "GET":
            settled = self.direct.settled(scope)
            if settled is not None and await self.dispatcher.replay(scope, send, settled.api, settled.operation_id):
                return
        matched = self.direct.match(scope) if scope["type"] == "http" else None
        if matched is not None:
            try:
                request = Request(scope, receive)
                response = await self.dispatcher(request, matched.api, matched.operation_id, matched.params)
            except DropResponse:
                raise
            except Exception as exc:
                await _server_error(exc)(scope, receive, send)
                raise
            await response(scope, receive, send)
            return
        route = self._own(scope)
        if route is None:
            await self.fastapi()(scope, receive, send)
        elif scope["type"] == "http":
            await _guarded(lambda send: route.handle(scope, receive, send), scope, receive, send)
        else:
            await route.handle(scope, receive, send)

    def _own(self, scope: Scope) -> BaseRoute | None:
        """specmock's own route that fully matches, unless a spec route answers this method and path first."""
        if scope["type"] == "http" and self.direct.claims(scope["method"], scope["path"]):
            return None
        for route in self.own:
            match, child = route.matches(scope)
            if match is Match.FULL:
                scope.update(child)
                return route
        return None


async def _guarded(run: Callable[[Send], Awaitable[None]], scope: Scope, receive: Receive, send: Send) -> None:
    """Run a handler; an unexpected error becomes a 500 problem if nothing was sent yet, and is raised on."""
    started = False

    async def watched(message: Message) -> None:
        nonlocal started
        started = started or message["type"] == "http.response.start"
        await send(message)

    try:
        await run(watched)
    except DropResponse:
        raise
    except Exception as exc:
        if not started:
            await _server_error(exc)(scope, receive, send)
        raise


def _server_error(exc: Exception) -> Response:
    """The 500 for an error no handler expected (it is raised on, so the server logs its traceback)."""
    return problem(500, "Internal server error", f"{type(exc).__name__}: {exc}")


def _vary_origin(send: Send) -> Send:
    """Add Origin to the answer's Vary header, so caches keep CORS and plain answers apart."""

    async def varied(message: Message) -> None:
        if message["type"] == "http.response.start":
            headers = list(message.get("headers", ()))
            vary = [value for name, value in headers if name.lower() == b"vary"]
            headers = [(n, v) for n, v in headers if n.lower() != b"vary"]
            message = {**message, "headers": [*headers, (b"vary", b", ".join([*vary, b"Origin"]))]}
        await send(message)

    return varied


async def _lifespan(receive: Receive, send: Send) -> None:
    """Nothing to start or stop: the store is opened before serving and closed by its owner."""
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            # what start-up built lives as long as the server: collections need not walk it again
            gc.freeze()
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return
