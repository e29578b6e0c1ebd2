"""The ceiling: a minimal Starlette app answering prebuilt JSON bytes, served by uvicorn as specmock is.

`python -m bench.ceiling PORT ROUTE=BYTES ...`, e.g. `/api/pool=272 '/api/workflow/{name}=2700'`:
each route answers a JSON body of exactly that many bytes, so the transport work matches the mock's.
"""

from __future__ import annotations

import sys
from collections.abc import Awaitable, Callable

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bench.procs import HOST


def json_of_size(size: int) -> bytes:
    """A JSON object of exactly size bytes (size >= 10)."""
    return b'{"pad":"' + b"x" * (size - 10) + b'"}'


def app(sizes: dict[str, int]) -> Starlette:
    """One GET route per path, each answering its prebuilt body."""

    def endpoint(body: bytes) -> Callable[[Request], Awaitable[Response]]:
        async def answer(request: Request) -> Response:
            return Response(body, media_type="application/json")

        return answer

    return Starlette(routes=[Route(path, endpoint(json_of_size(size))) for path, size in sizes.items()])


def main(argv: list[str]) -> None:
    """Serve the routes given on the command line until terminated."""
    port, *routes = argv
    sizes = {path: int(size) for path, size in (route.rsplit("=", 1) for route in routes)}
    # the same uvicorn settings as `specmock serve`, so only the app differs
    uvicorn.run(app(sizes), host=HOST, port=int(port), log_level="warning")


if __name__ == "__main__":
    main(sys.argv[1:])
