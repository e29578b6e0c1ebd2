"""What generated route modules call at request time."""

from __future__ import annotations

from typing import Any, Protocol

from starlette.requests import Request
from starlette.responses import Response


class Dispatcher(Protocol):
    """Answers an operation: a handwritten generator, or synthesis from the spec."""

    async def __call__(self, request: Request, api: str, operation_id: str, params: dict[str, Any]) -> Response:
        """Return the response for one request."""
        ...


async def dispatch(request: Request, api: str, operation_id: str, params: dict[str, Any]) -> Response:
    """Hand a request to the dispatcher the specmock app installed on `app.state.specmock`."""
    dispatcher: Dispatcher = request.app.state.specmock
    return await dispatcher(request, api, operation_id, params)
