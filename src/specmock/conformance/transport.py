"""A synchronous httpx transport that calls an ASGI app in this process: no socket, no thread."""

from __future__ import annotations

import asyncio

import httpx
from starlette.types import ASGIApp


class AppTransport(httpx.BaseTransport):
    """Hands each request to the app on a private event loop and reads the whole answer.

    With `raise_app_exceptions=False` an exception in the app becomes a 500 whose text names it,
    as a server would answer, instead of propagating to the caller.
    """

    def __init__(self, app: ASGIApp, raise_app_exceptions: bool = True) -> None:
        self.inner = httpx.ASGITransport(app=app)
        self.raise_app_exceptions = raise_app_exceptions
        self.loop = asyncio.new_event_loop()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        """Run the app for one request; the body is read before the response is returned."""

        async def call() -> httpx.Response:
            response = await self.inner.handle_async_request(request)
            # raw bytes: the returned response decodes them (a content-encoding is undone once)
            body = b"".join([chunk async for chunk in response.aiter_raw()])
            return httpx.Response(response.status_code, headers=response.headers, content=body, request=request)

        try:
            return self.loop.run_until_complete(call())
        except Exception as exc:
            if self.raise_app_exceptions:
                raise
            text = f"Internal Server Error: {type(exc).__name__}: {exc}"
            return httpx.Response(500, text=text, request=request)

    def close(self) -> None:
        """Close the loop."""
        self.loop.close()


def app_client(app: ASGIApp, base_url: str = "http://testserver", raise_app_exceptions: bool = True) -> httpx.Client:
    """An httpx client whose requests go to the app."""
    return httpx.Client(transport=AppTransport(app, raise_app_exceptions), base_url=base_url)
