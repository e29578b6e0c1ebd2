"""Extra routes a mock package adds outside its spec: mounted under /_specmock/<api>, given the
dispatcher's Context, and refused when they collide with a spec route or specmock's own."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from specmock.codegen.writer import render, write
from specmock.config import ApiConfig, Config
from specmock.engine.clock import FrozenClock, parse_instant
from specmock.errors import ConfigError
from specmock.registry import Generators
from specmock.server.app import create_app
from specmock.server.settings import Settings

PACKAGE = "extra_generated"
FROZEN = "2026-06-01T12:00:00+00:00"

SPEC = """
openapi: 3.1.0
info: {title: Mini, version: "1"}
paths:
  /hello:
    get:
      operationId: hello
      responses:
        "200":
          description: A greeting
          content:
            application/json:
              schema: {type: object, properties: {message: {type: string}}}
  /_specmock/clash/ping:
    get:
      operationId: ping
      responses:
        "200": {description: Pong}
"""

GENERATORS = """
from specmock.context import Context, ProblemError, Reply
from specmock.registry import Generators

generators = Generators("{api}")
generators.collection("things", default=7)


@generators.operation("hello")
def hello(ctx: Context) -> dict:
    return {{"message": "hello from the spec"}}


@generators.route("/counter", methods=["POST"])
def bump(ctx: Context) -> dict:
    count = (ctx.store.get(ctx.api, "counter", "n") or 0) + 1
    ctx.store.put(ctx.api, "counter", "n", count)
    return {{
        "count": count,
        "seed": ctx.seed,
        "now": ctx.now.isoformat(),
        "things": ctx.volume("things", 0),
        "name": ctx.params.get("name"),
        "body": ctx.body,
        "host": ctx.request.url.hostname,
    }}


@generators.route("/items/{{item_id}}", methods=["GET", "DELETE"])
async def item(ctx: Context) -> Reply:
    if ctx.params["item_id"] == "missing":
        raise ProblemError(404, "no item named missing")
    if ctx.params["item_id"] == "bad":
        raise ProblemError(422, "bad item", body={{"detail": [{{"loc": ["path", "item_id"], "msg": "bad"}}]}})
    return Reply(f"{{ctx.request.method}} item {{ctx.params['item_id']}}", media_type="text/plain")


@generators.websocket("/echo/{{room}}")
async def echo(websocket, context) -> None:
    await websocket.accept()
    async for text in websocket.iter_text():
        ctx = context()
        await websocket.send_text(f"{{ctx.params['room']}}: {{text}} (seed {{ctx.seed}}, {{ctx.now:%H:%M}})")
"""

CLASHING = """
from specmock.registry import Generators

generators = Generators("{api}")


@generators.route("{path}")
def clash(ctx):
    return {{}}
"""


def _project(root: Path, apis: dict[str, str]) -> Config:
    """A project in `root` whose APIs (name -> generators source) all use the mini spec."""
    (root / "specs").mkdir(exist_ok=True)
    (root / "specs" / "mini.yaml").write_text(SPEC)
    configs = []
    for name, source in apis.items():
        (root / f"extra_mocks_{name}.py").write_text(source)
        configs.append(ApiConfig(name, Path("specs/mini.yaml"), f"extra_mocks_{name}"))
    config = Config(root=root, apis=tuple(configs), output=Path(PACKAGE), pythonpath=(".",))
    for api in configs:
        write(config, render(config, api))
    return config


def _forget_modules() -> None:
    for name in [m for m in sys.modules if m.startswith((PACKAGE, "extra_mocks_"))]:
        del sys.modules[name]


@pytest.fixture
def fresh_modules() -> Iterator[None]:
    _forget_modules()
    yield
    _forget_modules()


@pytest.fixture
def client(tmp_path: Path, fresh_modules: None) -> Iterator[TestClient]:
    config = _project(tmp_path, {"mini": GENERATORS.format(api="mini")})
    app = create_app(config, Settings(seed=5), FrozenClock(parse_instant(FROZEN)))
    with TestClient(app) as c:
        yield c


def test_an_http_route_gets_the_dispatchers_context(client: TestClient) -> None:
    first = client.post("/_specmock/mini/counter", params={"name": "ada"}, json={"x": [1, 2]})
    assert first.status_code == 200
    assert first.headers["content-type"] == "application/json"
    assert first.json() == {
        "count": 1,
        "seed": 5,
        "now": FROZEN,
        "things": 7,
        "name": "ada",
        "body": {"x": [1, 2]},
        "host": "testserver",
    }
    # the store is the app's state overlay: it persists across requests and is reset by the admin API
    assert client.post("/_specmock/mini/counter", content="plain words").json()["body"] == "plain words"
    assert client.post("/_specmock/mini/counter").json()["count"] == 3
    client.post("/_specmock/reset")
    assert client.post("/_specmock/mini/counter").json()["count"] == 1
    client.patch("/_specmock/config", json={"seed": 6})
    assert client.post("/_specmock/mini/counter").json()["seed"] == 6


def test_an_http_route_answers_replies_problems_and_bad_bodies(client: TestClient) -> None:
    text = client.get("/_specmock/mini/items/lamp")
    assert (text.status_code, text.text) == (200, "GET item lamp")
    assert text.headers["content-type"].startswith("text/plain")
    assert client.delete("/_specmock/mini/items/lamp").text == "DELETE item lamp"
    missing = client.get("/_specmock/mini/items/missing")
    assert missing.status_code == 404
    assert missing.headers["content-type"] == "application/problem+json"
    assert missing.json()["detail"] == "no item named missing"
    bad = client.get("/_specmock/mini/items/bad")
    assert (bad.status_code, bad.json()["detail"][0]["loc"]) == (422, ["path", "item_id"])
    broken = client.post("/_specmock/mini/counter", content=b"{not json", headers={"content-type": "application/json"})
    assert broken.status_code == 400
    assert "not JSON" in broken.json()["detail"]
    wrong = client.get("/_specmock/mini/counter")
    assert wrong.status_code == 405
    assert wrong.headers["content-type"] == "application/problem+json"


def test_spec_routes_are_still_served_beside_extra_ones(client: TestClient) -> None:
    assert client.get("/hello").json() == {"message": "hello from the spec"}
    assert client.get("/_specmock/mini/nothing-here").status_code == 404


def test_a_websocket_route_gets_a_fresh_context_per_call(client: TestClient) -> None:
    with client.websocket_connect("/_specmock/mini/echo/lobby") as ws:
        ws.send_text("hi")
        assert ws.receive_text() == "lobby: hi (seed 5, 12:00)"
        ws.send_text("again")
        assert ws.receive_text() == "lobby: again (seed 5, 12:00)"
    with pytest.raises(WebSocketDisconnect), client.websocket_connect("/_specmock/mini/nowhere"):
        pass


def test_an_extra_route_on_a_spec_route_is_a_startup_error(tmp_path: Path, fresh_modules: None) -> None:
    config = _project(tmp_path, {"clash": CLASHING.format(api="clash", path="/ping")})
    with pytest.raises(ConfigError) as caught:
        create_app(config)
    message = str(caught.value)
    assert "GET /_specmock/clash/ping" in message
    assert "extra route of clash" in message and "extra_mocks_clash.py" in message
    assert "clash ping" in message  # the spec operation it collides with


def test_an_extra_route_on_specmocks_own_route_is_a_startup_error(tmp_path: Path, fresh_modules: None) -> None:
    # an API named "specs" would put /{anything} on the admin API's /_specmock/specs/{api}
    config = _project(tmp_path, {"specs": CLASHING.format(api="specs", path="/{anything}")})
    with pytest.raises(ConfigError) as caught:
        create_app(config)
    assert "specmock's own route GET /_specmock/specs/{api}" in str(caught.value)


def test_the_registry_refuses_bad_extra_routes() -> None:
    generators = Generators("mini")
    assert generators.path_of("/a/{b}") == "/_specmock/mini/a/{b}"

    @generators.route("/a", methods=["GET"])
    def first(ctx: object) -> None: ...

    @generators.route("/a", methods=["post"])  # another method on the same path is fine
    def second(ctx: object) -> None: ...

    @generators.websocket("/a")  # and so is a WebSocket
    async def third(ws: object, context: object) -> None: ...

    assert [(r.path, r.methods, r.websocket) for r in generators.routes] == [
        ("/_specmock/mini/a", ("GET",), False),
        ("/_specmock/mini/a", ("POST",), False),
        ("/_specmock/mini/a", (), True),
    ]
    with pytest.raises(ValueError, match=r"GET /_specmock/mini/a already has a handler \(.*test_extra_routes.py:\d+\)"):
        generators.route("/a", methods=["PUT", "GET"])(first)
    with pytest.raises(ValueError, match="WEBSOCKET /_specmock/mini/a already has a handler"):
        generators.websocket("/a")(third)
    with pytest.raises(ValueError, match="must be among"):
        generators.route("/b", methods=["FETCH"])
    with pytest.raises(ValueError, match="must start with '/'"):
        generators.route("b")
