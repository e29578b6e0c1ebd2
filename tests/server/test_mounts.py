"""APIs that share paths, served side by side under their mounts (tests/fixtures/twins).

alpha (mount /a) and beta (mount /b) declare the same paths; gamma has no `mount` and is served
where its spec's first server says (/v2). In-process first, then a real `specmock serve`.
"""

from __future__ import annotations

import dataclasses
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from starlette.testclient import TestClient

from specmock.codegen.writer import render, write
from specmock.config import Config, load_config
from specmock.conformance.runner import Conformance
from specmock.conformance.session import ConformOptions, run_conform
from specmock.conformance.target import load, local_app
from specmock.conformance.transport import app_client
from specmock.engine.clock import FrozenClock, parse_instant
from specmock.errors import ConfigError
from specmock.server.app import create_app
from specmock.server.overlap import common_path
from specmock.server.settings import Settings
from specmock.spec import load_spec
from specmock.spec.verdicts import SpecValidator
from tests.conftest import FIXTURES, run_specmock
from tests.server.conftest import FROZEN, free_port

PACKAGE = "twins_generated"
MOUNTS = {"alpha": "/a", "beta": "/b", "gamma": "/v2"}
# one request of each API, at the spec's path, and what only that API's answer holds
PROBES = {"alpha": ("/items", "name"), "beta": ("/items", "sku"), "gamma": ("/orders", "orders")}


def _forget_modules() -> None:
    for name in [m for m in sys.modules if m.startswith(PACKAGE)]:
        del sys.modules[name]


@pytest.fixture(scope="module")
def twins(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A copy of the twins project with its routes generated."""
    root = tmp_path_factory.mktemp("twins")
    shutil.copytree(FIXTURES / "twins", root, dirs_exist_ok=True)
    config = load_config(root / "specmock.toml")
    for api in config.apis:
        write(config, render(config, api))
    yield root
    _forget_modules()


@pytest.fixture(scope="module")
def config(twins: Path) -> Config:
    return load_config(twins / "specmock.toml")


@pytest.fixture(scope="module")
def client(config: Config) -> Iterator[TestClient]:
    app = create_app(config, Settings(seed=3), FrozenClock(parse_instant(FROZEN)))
    with TestClient(app) as c:
        yield c


@pytest.fixture(scope="module")
def validators(twins: Path) -> dict[str, SpecValidator]:
    return {name: SpecValidator(load_spec(twins / "specs" / f"{name}.yaml").document) for name in MOUNTS}


def _violations(validator: SpecValidator, path: str, response: httpx.Response) -> list[str]:
    """What is wrong with an answer to GET `path` (a spec path, no mount) for the validator's spec."""
    found = validator.response_violations(
        "GET", path, [], response.status_code, response.headers.get("content-type", ""), response.content
    )
    return [str(v) for v in found]


def _with_mounts(config: Config, **mounts: str | None) -> Config:
    apis = tuple(dataclasses.replace(a, mount=mounts.get(a.name, a.mount)) for a in config.apis)
    return dataclasses.replace(config, apis=apis)


def _conforms(response: httpx.Response, name: str, validators: dict[str, SpecValidator]) -> None:
    path, only = PROBES[name]
    assert response.status_code == 200, response.text
    assert _violations(validators[name], path, response) == []
    body = response.json()
    assert only in (body[0] if isinstance(body, list) else body), body


def test_the_mounts_are_read_from_the_config_or_the_servers(config: Config, client: TestClient) -> None:
    assert [(a.name, a.mount) for a in config.apis] == [("alpha", "/a"), ("beta", "/b"), ("gamma", None)]
    served = client.app.state.specmock.apis  # type: ignore[attr-defined]
    assert {name: runtime.mount for name, runtime in served.items()} == MOUNTS


def test_each_mount_answers_its_own_api(client: TestClient, validators: dict[str, SpecValidator]) -> None:
    for name, mount in MOUNTS.items():
        path, _ = PROBES[name]
        response = client.get(mount + path)
        _conforms(response, name, validators)
        others = [other for other in ("alpha", "beta") if other != name and PROBES[other][0] == path]
        for other in others:  # the same path, another API: its answer would not pass for this one
            assert _violations(validators[other], path, response) != [], (name, other)
    assert client.get("/a/health").json() == {"alpha": "up"}
    assert client.get("/b/health").json() == {"beta": "up"}
    one = client.get("/a/items/3")
    assert one.status_code == 200 and set(one.json()) == {"id", "name"}
    product = client.get("/b/items/ABC-1234")
    assert product.status_code == 200 and set(product.json()) == {"sku", "price"}
    log = client.get("/_specmock/requests", params={"limit": 2}).json()
    assert [(e["path"], e["api"], e["operation_id"]) for e in log] == [
        ("/b/items/ABC-1234", "beta", "getProduct"),
        ("/a/items/3", "alpha", "getItem"),
    ]


def test_paths_outside_the_mounts_are_404_problems(client: TestClient) -> None:
    for path in ("/items", "/health", "/orders", "/a/nothing", "/c/items", "/api/items", "/v2/items", "/a/orders"):
        response = client.get(path)
        assert response.status_code == 404, path
        assert response.headers["content-type"] == "application/problem+json", path
        assert path in response.json()["detail"]
    wrong = client.delete("/b/items")
    assert wrong.status_code == 405 and wrong.headers["content-type"] == "application/problem+json"


def test_bad_parameters_are_judged_under_the_mount(client: TestClient) -> None:
    for url in ("/a/items?limit=0", "/a/items/zero", "/a/items/0"):
        response = client.get(url)
        assert response.status_code == 400, url
        assert response.headers["content-type"] == "application/problem+json", url


def test_front_and_fastapi_answer_the_same_bytes_under_mounts(config: Config) -> None:
    front = create_app(config, Settings(seed=2, cache_mb=0), FrozenClock(parse_instant(FROZEN)))
    urls = ["/a/items?limit=3", "/a/items?limit=0", "/a/items/7", "/b/items", "/b/items/XYZ-0001", "/v2/orders"]
    urls += ["/a/health", "/b/health", "/a", "/b/nothing"]
    with TestClient(front) as via_front, TestClient(front.fastapi()) as via_fastapi:
        for url in urls:
            a, b = via_front.get(url), via_fastapi.get(url)
            assert (a.status_code, a.content) == (b.status_code, b.content), url
    assert front.direct.match(_scope("/a/items/7")) is not None  # the direct path does carry mounted routes
    assert front.direct.match(_scope("/items/7")) is None


def _scope(path: str) -> dict[str, object]:
    return {"type": "http", "method": "GET", "path": path, "root_path": "", "query_string": b"", "headers": []}


def test_admin_lists_each_api_with_its_mount(client: TestClient) -> None:
    apis = client.get("/_specmock/config").json()["apis"]
    assert {name: api["mount"] for name, api in apis.items()} == MOUNTS
    assert apis["alpha"]["operations"] == 3


def test_docs_try_requests_at_the_mount(client: TestClient, twins: Path) -> None:
    page = client.get("/docs")
    assert page.status_code == 200
    for name, mount in MOUNTS.items():
        assert f'"/_specmock/docs/{name}.json"' in page.text
        shown = client.get(f"/_specmock/docs/{name}.json").json()
        assert shown["servers"] == [{"url": mount}]
        written = client.get(f"/_specmock/specs/{name}").json()
        assert written["paths"] == shown["paths"]
        assert written.get("servers") == load_spec(twins / "specs" / f"{name}.yaml").document.get("servers")


def test_conform_checks_a_mounted_api(config: Config, twins: Path) -> None:
    for name in MOUNTS:
        options = ConformOptions(twins / "specs" / f"{name}.yaml", samples=2, require_success=True, config=config)
        result = run_conform(options)
        assert result.failed == 0 and result.passed == len(result.operations) > 0, name
    # the same run at the root of the app reaches nothing: the mount is where beta lives
    spec = load(twins / "specs" / "beta.yaml")
    local = local_app(twins / "specs" / "beta.yaml", spec, Settings(), config=config)
    with app_client(local.app) as root:
        outcome = Conformance(spec, root).run("root")
    assert outcome.failed == len(outcome.operations) == 3


def test_two_apis_one_request_could_reach_is_a_startup_error(config: Config) -> None:
    with pytest.raises(ConfigError) as same:
        create_app(_with_mounts(config, beta="/a"))
    assert str(same.value).startswith(
        "GET /a/health is served by two APIs: alpha health (GET /a/health) and beta health (GET /a/health); "
        "give one of them another `mount` in "
    )
    # not the same template, but GET /a/items/health reaches alpha's /items/{id} and beta's /health
    with pytest.raises(ConfigError) as nested:
        create_app(_with_mounts(config, beta="/a/items"))
    assert "GET /a/items/health is served by two APIs: alpha getItem (GET /a/items/{id}) and beta health" in str(
        nested.value
    )
    # one mount, no request for both: fine
    shared = create_app(_with_mounts(config, gamma="/a"), only=["alpha", "gamma"])
    with TestClient(shared) as c:
        assert c.get("/a/orders").status_code == c.get("/a/items").status_code == 200


@pytest.mark.parametrize(
    ("mount", "reason"),
    [
        ("api", "must start with '/'"),
        ("/api/", "must not end with '/'"),
        ("/api/{version}", "{templates} are not allowed"),
        ("/api/../admin", "'..'"),
        ("/api?v=1", "no query"),
        ("/api//v1", "empty segment"),
        ("/api/v%201", "no '%'"),
        ("/_specmock/a", "specmock's own"),
        (7, "must be a string"),
    ],
)
def test_a_bad_mount_names_the_file_the_api_and_the_value(tmp_path: Path, mount: object, reason: str) -> None:
    value = f'"{mount}"' if isinstance(mount, str) else str(mount)
    toml = tmp_path / "specmock.toml"
    toml.write_text(f'[[apis]]\nname = "alpha"\nspec = "alpha.yaml"\n\n[[apis]]\nname = "beta"\nspec = "b.yaml"\n'
                    f"mount = {value}\n")  # fmt: skip
    with pytest.raises(ConfigError) as caught:
        load_config(toml)
    message = str(caught.value)
    assert message.startswith(f"{toml}: apis[1] (beta): mount {mount!r} "), message
    assert reason in message


def test_the_root_and_plain_paths_are_good_mounts(tmp_path: Path) -> None:
    toml = tmp_path / "specmock.toml"
    for mount in ("/", "/api/mock/pool-manager", "/projects.xro/2.0", "/v1:beta/~x"):
        toml.write_text(f'[[apis]]\nname = "alpha"\nspec = "alpha.yaml"\nmount = "{mount}"\n')
        assert load_config(toml).apis[0].mount == mount


def test_a_server_path_that_cannot_be_a_mount_asks_for_one(config: Config, twins: Path) -> None:
    spec = twins / "specs" / "gamma.yaml"
    original = spec.read_text()
    try:
        spec.write_text(original.replace("url: /v2", "url: /v2/{tenant}"))
        with pytest.raises(ConfigError) as caught:
            create_app(config, only=["gamma"])
        assert str(caught.value) == (
            "gamma: specs/gamma.yaml servers[0].url '/v2/{tenant}' gives mount '/v2/{tenant}', which must be a "
            "fixed path: {templates} are not allowed; set `mount` for gamma in specmock.toml"
        )
        spec.write_text(original.replace("url: /v2", "url: 'https://{region}.example.com/{base}/'\n"
                                         "    variables: {region: {default: eu}, base: {default: v3}}"))  # fmt: skip
        assert create_app(config, only=["gamma"]).dispatcher.apis["gamma"].mount == "/v3"
    finally:
        spec.write_text(original)


def test_routes_overlap_when_one_request_path_matches_both() -> None:
    assert common_path("/items/{id}", "/items/{sku}") == "/items/x"
    assert common_path("/items/{id}", "/items/special") == "/items/special"
    assert common_path("/files/{name}.json", "/files/report.{ext}") == "/files/report.json"
    assert common_path("/v{major}/x", "/va/x") == "/va/x"
    assert common_path("/{a}-{b}", "/x") is None  # each placeholder takes one character at least
    assert common_path("/items/{id}.json", "/items/{id}.xml") is None
    assert common_path("/a/{x}", "/a/{x}/b") is None
    assert common_path("/a/", "/a/{x}") is None
    assert common_path("/a/b", "/a/c") is None


@pytest.mark.slow
def test_specmock_serve_serves_every_mount_side_by_side(twins: Path, validators: dict[str, SpecValidator]) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    proc = subprocess.Popen(
        [sys.executable, "-m", "specmock", "serve", "--port", str(port), "--clock", f"frozen:{FROZEN}"],
        cwd=twins,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            assert proc.poll() is None, proc.stdout.read() if proc.stdout else ""
            try:
                httpx.get(base + "/_specmock/config", timeout=1.0)
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline, "specmock serve did not answer within a minute"
                time.sleep(0.05)
        assert proc.stdout is not None
        lines = [proc.stdout.readline().rstrip("\n") for _ in range(4)]  # printed before uvicorn started
        assert lines == [
            f"alpha: {base}/a (3 operations from specs/alpha.yaml)",
            f"beta: {base}/b (3 operations from specs/beta.yaml)",
            f"gamma: {base}/v2 (2 operations from specs/gamma.yaml)",
            f"docs: {base}/docs    admin: {base}/_specmock/config",
        ]
        for name, mount in MOUNTS.items():
            _conforms(httpx.get(base + mount + PROBES[name][0], timeout=10), name, validators)
        missing = httpx.get(base + "/items", timeout=10)
        assert missing.status_code == 404 and missing.headers["content-type"] == "application/problem+json"
        assert httpx.get(base + "/docs", timeout=10).status_code == 200
        apis = httpx.get(base + "/_specmock/config", timeout=10).json()["apis"]
        assert {name: api["mount"] for name, api in apis.items()} == MOUNTS
        # --url is the API's base URL, as the start-up line prints it: nothing is added to it
        mounted = run_specmock("conform", "specs/beta.yaml", "--url", base + "/b", cwd=twins, timeout=60)
        assert mounted.code == 0 and mounted.out.splitlines()[-1] == "3 passed, 0 failed", mounted.text
        root = run_specmock("conform", "specs/beta.yaml", "--url", base, cwd=twins, timeout=60)
        assert root.code == 1 and root.out.splitlines()[-1] == "0 passed, 3 failed", root.text
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.mark.slow
@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (('mount = "/b"', 'mount = "/a"'), r"error: GET /a/health is served by two APIs: alpha health .* beta health "),
        (('mount = "/b"', 'mount = "/b/"'), r"error: .*specmock.toml: apis\[1\] \(beta\): mount '/b/' must not end"),
    ],
)
def test_the_cli_refuses_a_collision_or_a_bad_mount_with_one_line(
    twins: Path, tmp_path: Path, edit: tuple[str, str], message: str
) -> None:
    project = tmp_path / "twins"
    shutil.copytree(twins, project, ignore=shutil.ignore_patterns("__pycache__"))
    toml = project / "specmock.toml"
    toml.write_text(toml.read_text().replace(*edit))
    result = run_specmock("serve", "--port", "0", cwd=project, timeout=60)
    assert result.code == 2, result.text
    assert re.fullmatch(message + r".*\n", result.err), result.err
    assert result.out == "" and "Traceback" not in result.err
