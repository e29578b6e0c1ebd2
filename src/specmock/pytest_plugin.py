"""pytest plugin: fixtures for a specmock app, a client bound to it, and conformance assertions.

Which spec: `@pytest.mark.specmock(spec="specs/osmo.yaml", seed=3)` on a test or module, else the
`specmock_spec` / `specmock_seed` ini options, else the first API of the nearest specmock.toml.
Paths are relative to pytest's rootdir. A spec the project configures is served with its
generators; any other by synthesis alone.

- `specmock_app`: the app (one per spec and seed, its writes and request log reset for each test);
- `specmock_client`: an httpx.Client bound to it, no network, its base URL at the API's mount
  (`servers` of the spec, or `mount` in specmock.toml), so requests name the spec's paths;
- `assert_conforms(response)`: fails the test with every way the answer breaks the spec;
- `specmock_operation`: a test that asks for it runs once per operation of the spec; it can make
  a valid request (`.call()`) or send one (`.send()`), path parameters taken from list answers.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:  # the plugin loads in every pytest run of the project: imports stay lazy
    import httpx

    from specmock.conformance.exercise import Call
    from specmock.conformance.runner import Conformance
    from specmock.server.dispatch import ApiRuntime
    from specmock.server.front import Front
    from specmock.spec import LoadedSpec, Operation
    from specmock.spec.verdicts import SpecValidator

MARKER = "specmock"


@dataclass(frozen=True)
class Target:
    """The spec and seed a test runs against."""

    spec: Path
    seed: int


@dataclass
class Served:
    """One spec served in this session: the app, the loaded spec and its validator."""

    app: Front
    runtime: ApiRuntime
    spec: LoadedSpec
    validator: SpecValidator


_SPECS: dict[Path, LoadedSpec] = {}
_SERVED: dict[Target, Served] = {}


def pytest_addoption(parser: pytest.Parser) -> None:
    """The ini options."""
    parser.addini("specmock_spec", "OpenAPI document the specmock fixtures serve (default: first API of specmock.toml)")
    parser.addini("specmock_seed", "seed of the specmock fixtures' data (default 0)", default="0")


def pytest_configure(config: pytest.Config) -> None:
    """Register the marker."""
    config.addinivalue_line("markers", f"{MARKER}(spec=None, seed=None): the spec and seed of the specmock fixtures")


def _target(config: pytest.Config, node: Any) -> Target:
    """Marker arguments on the node (test, class or module), else ini options, else specmock.toml."""
    marker = node.get_closest_marker(MARKER)
    kwargs: dict[str, Any] = dict(marker.kwargs) if marker is not None else {}
    root = Path(config.rootpath)
    spec = kwargs.get("spec") or config.getini("specmock_spec")
    if not spec:
        from specmock.config import find_config  # noqa: PLC0415

        found = find_config(root)
        if found is None or not found.apis:
            raise pytest.UsageError(
                "specmock: no spec: set `specmock_spec` in the pytest configuration, mark the test with "
                "@pytest.mark.specmock(spec=...), or add [[apis]] to specmock.toml"
            )
        spec = found.root / found.apis[0].spec
    seed = kwargs.get("seed")
    seed = int(config.getini("specmock_seed") or 0) if seed is None else int(seed)
    return Target((root / spec).resolve(), seed)


def _spec(path: Path) -> LoadedSpec:
    if path not in _SPECS:
        from specmock.conformance.target import load  # noqa: PLC0415
        from specmock.errors import SpecmockError  # noqa: PLC0415

        try:
            _SPECS[path] = load(path)
        except SpecmockError as exc:
            raise pytest.UsageError(f"specmock: {exc}") from None
    return _SPECS[path]


def _served(target: Target) -> Served:
    if target not in _SERVED:
        from specmock.conformance.target import local_app  # noqa: PLC0415
        from specmock.server.settings import Settings  # noqa: PLC0415
        from specmock.spec.verdicts import SpecValidator  # noqa: PLC0415

        spec = _spec(target.spec)
        local = local_app(target.spec, spec, Settings(seed=target.seed))
        _SERVED[target] = Served(local.app, local.runtime, spec, SpecValidator(spec.document))
    return _SERVED[target]


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Run a test that asks for `specmock_operation` once per operation of its spec."""
    if "specmock_operation" not in metafunc.fixturenames:
        return
    spec = _spec(_target(metafunc.config, metafunc.definition).spec)
    ids = [op.operation_id for op in spec.index.operations]
    metafunc.parametrize("specmock_operation", ids, ids=ids, indirect=True)


@pytest.fixture
def specmock_target(request: pytest.FixtureRequest) -> Target:
    """The spec and seed of this test (marker, ini options, or the project's first API)."""
    return _target(request.config, request.node)


@pytest.fixture
def specmock_app(specmock_target: Target) -> Front:
    """specmock's app for the spec, with no writes and an empty request log."""
    served = _served(specmock_target)
    dispatcher = served.app.state.specmock
    dispatcher.store.reset()
    dispatcher.reset()
    return served.app


@pytest.fixture
def specmock_client(specmock_app: Front, specmock_target: Target) -> Iterator[httpx.Client]:
    """An httpx client whose requests go to specmock_app, based at the API's mount (http://testserver<mount>)."""
    from specmock.conformance.transport import app_client  # noqa: PLC0415

    with app_client(specmock_app, "http://testserver" + _served(specmock_target).runtime.prefix) as client:
        yield client


@pytest.fixture
def assert_conforms(specmock_target: Target) -> Callable[[httpx.Response], None]:
    """A function that fails the test, naming every violation, when a response breaks the spec."""
    served = _served(specmock_target)

    def check(response: httpx.Response) -> None:
        __tracebackhide__ = True
        problems = violations(served, response)
        if problems:
            pytest.fail("\n".join(problems), pytrace=False)

    return check


def violations(served: Served, response: httpx.Response) -> list[str]:
    """What is wrong with a response to a request for the served spec, as lines; empty when it conforms."""
    from specmock.conformance.match import operation_for  # noqa: PLC0415

    request = response.request
    method, path = request.method, request.url.path
    prefix = served.runtime.prefix
    # the app's answers come from under the mount; another server's may be at the spec's own paths
    if prefix and path.startswith(prefix + "/") and operation_for(served.spec, method, path[len(prefix) :]):
        path = path[len(prefix) :]
    op = operation_for(served.spec, method, path)
    head = f"{method} {request.url.raw_path.decode()} -> {response.status_code}"
    if op is None:
        return [f"{head}: no operation of {served.spec.file} serves {method} {path}"]
    found = served.validator.response_violations(
        method,
        path,
        list(request.url.params.multi_items()),
        response.status_code,
        response.headers.get("content-type", ""),
        response.content,
        list(response.headers.items()),
    )
    if not found:
        return []
    return [f"{head} ({op.operation_id}) does not conform to {served.spec.file}:", *(f"  {v}" for v in found)]


@dataclass
class OperationCase:
    """One operation of the spec, with valid requests for it sent through the test's client."""

    operation: Operation
    conformance: Conformance

    @property
    def operation_id(self) -> str:
        """Its operationId."""
        return self.operation.operation_id

    def call(self, sample: int = 0) -> Call:
        """A valid request: parameters and body from their schemas, path names from list answers."""
        known = self.conformance.harvest.known(self.operation, sample)
        return self.conformance.planner.call(self.operation, self.conformance.seed, sample, known=known)

    def send(self, sample: int = 0) -> httpx.Response:
        """Send `call(sample)` and return the answer."""
        return self.conformance.send(self.call(sample))


@pytest.fixture
def specmock_operation(
    request: pytest.FixtureRequest, specmock_target: Target, specmock_client: httpx.Client
) -> OperationCase:
    """The operation this run of the test is about (tests asking for it run once per operation)."""
    from specmock.conformance.runner import Conformance  # noqa: PLC0415

    served = _served(specmock_target)
    synth = served.runtime.synthesizer()
    conformance = Conformance(
        served.spec, specmock_client, seed=specmock_target.seed, synth=synth, validator=served.validator
    )
    return OperationCase(served.spec.index.operation(str(request.param)), conformance)
