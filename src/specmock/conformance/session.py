"""One `specmock conform` run: load the spec, pick the target, exercise it, return the result."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import httpx

from specmock.config import Config
from specmock.conformance.runner import Conformance, Listener, RunResult
from specmock.conformance.target import load, local_app
from specmock.conformance.transport import app_client
from specmock.engine.clock import Clock
from specmock.errors import ConfigError
from specmock.server.settings import Settings

TIMEOUT = 30.0


@dataclass
class ConformOptions:
    """The flags of `specmock conform`."""

    spec: Path
    url: str | None = None
    samples: int = 1
    seed: int = 0
    require_success: bool = False
    config: Config | None = None
    clock: Clock | None = None
    headers: dict[str, str] = field(default_factory=dict)


def _check_url(url: str) -> str:
    try:
        parsed = httpx.URL(url)
    except httpx.InvalidURL as exc:
        raise ConfigError(f"--url: {url!r} is not a URL ({exc})") from None
    if parsed.scheme not in ("http", "https") or not parsed.host:
        raise ConfigError(f"--url: {url!r} is not an http(s) URL such as http://127.0.0.1:8080")
    return url.rstrip("/")


def run_conform(options: ConformOptions, on_result: Listener | None = None) -> RunResult:
    """Exercise every operation of the spec against specmock's app (no URL) or the server at the URL."""
    if options.samples < 1:
        raise ConfigError(f"--samples: must be 1 or more, got {options.samples}")
    spec = load(options.spec)
    warnings = [f"{spec.file} at {w}" for w in spec.warnings]
    if options.url is None:
        local = local_app(options.spec, spec, Settings(seed=options.seed), options.clock, options.config)
        # the API's base URL is where it is mounted: the spec's paths are sent below it, as with --url
        client = app_client(local.app, "http://testserver" + local.runtime.prefix, raise_app_exceptions=False)
        target = "specmock (in-process)"
        synth = local.runtime.synthesizer()
        warnings += local.app.state.warnings
    else:
        base = _check_url(options.url)
        try:
            httpx.get(base + "/", timeout=TIMEOUT)  # any answer will do: only a server that is not there is bad input
        except httpx.TransportError as exc:
            raise ConfigError(f"--url {base}: no server answers ({type(exc).__name__}: {exc})") from None
        client = httpx.Client(base_url=base, timeout=TIMEOUT)
        target = base
        synth = None
    with client:
        runner = Conformance(
            spec,
            client,
            seed=options.seed,
            samples=options.samples,
            require_success=options.require_success,
            synth=synth,
            headers=options.headers,
        )
        result = runner.run(target, on_result)
    result.warnings = warnings
    return result
