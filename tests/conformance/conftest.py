"""A deliberately broken server for `specmock conform --url`, run by uvicorn on loopback in a thread."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from tests.conftest import FIXTURES
from tests.server.conftest import free_port

PETS_SPEC = FIXTURES / "conform" / "pets.yaml"
PETS = {1: "Rex", 2: "Tom", 3: "Kit"}


def _pet_id(request: Request) -> int:
    return int(request.path_params["pet_id"])


async def list_pets(request: Request) -> Response:
    return JSONResponse({"pets": [{"id": i, "name": n, "status": "available"} for i, n in PETS.items()]})


async def get_pet(request: Request) -> Response:
    pet_id = _pet_id(request)
    if pet_id not in PETS:  # ids come from the list, so this 404 (declared) would be no defect
        return Response(status_code=404)
    return JSONResponse({"id": pet_id, "name": PETS[pet_id], "status": "lost"})  # defect: not in the enum


async def get_owner(request: Request) -> Response:
    return JSONResponse({"email": "ann@example.com"})  # defect: `name` is required


async def get_age(request: Request) -> Response:
    return JSONResponse({"age": "three"})  # defect: an integer is declared


async def get_photo(request: Request) -> Response:
    return HTMLResponse("<img src='rex.png'>")  # defect: image/png is declared


async def health(request: Request) -> Response:
    return JSONResponse({"status": "up"})


BROKEN = Starlette(
    routes=[
        Route("/pets", list_pets),
        Route("/pets/{pet_id:int}", get_pet),
        Route("/pets/{pet_id:int}/owner", get_owner),
        Route("/pets/{pet_id:int}/age", get_age),
        Route("/pets/{pet_id:int}/photo", get_photo),
        Route("/health", health),
    ]
)


@contextmanager
def running(app: Starlette) -> Iterator[str]:
    """Serve an ASGI app with uvicorn on a free loopback port; yield its base URL."""
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=free_port(), log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise AssertionError("the broken server did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{server.config.port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@pytest.fixture(scope="module")
def broken_server() -> Iterator[str]:
    """The base URL of a server that breaks tests/fixtures/conform/pets.yaml in four ways."""
    with running(BROKEN) as url:
        yield url
