"""What `specmock conform` talks to: specmock's own app for a spec, built in this process, or a URL.

A spec the project configures is served as `specmock serve` serves it (generated routes and
handwritten generators, at its mount). Any other spec is served by synthesis alone, at the path of
its first server: its routes are rendered into a throwaway package (no models: routes do not
import them), imported, and the files removed.
"""

from __future__ import annotations

import json
import re
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from specmock.config import ApiConfig, Config, find_config
from specmock.engine.clock import Clock
from specmock.server.dispatch import ApiRuntime
from specmock.server.front import Front
from specmock.server.settings import Settings
from specmock.spec import LoadedSpec, load_spec

_PACKAGE = "specmock_conform_"


@dataclass
class LocalApp:
    """specmock's app serving one spec, and that spec's runtime."""

    app: Front
    runtime: ApiRuntime
    configured: bool  # served with the project's generators, not synthesis alone


def configured_api(config: Config | None, spec: Path) -> ApiConfig | None:
    """The API of the configuration whose spec is this file, if any."""
    if config is None:
        return None
    wanted = spec.resolve()
    for api in config.apis:
        if (config.root / api.spec).resolve() == wanted:
            return api
    return None


def _api_name(spec: Path) -> str:
    name = re.sub(r"\W", "_", spec.stem.lower())
    return name if name[:1].isalpha() else "api_" + name


def local_app(
    spec_path: Path,
    spec: LoadedSpec,
    settings: Settings,
    clock: Clock | None = None,
    config: Config | None = None,
) -> LocalApp:
    """The app for one spec: configured ones with their generators, any other by synthesis."""
    from specmock.server.app import create_app  # noqa: PLC0415 - FastAPI app building is only needed here

    config = config if config is not None else find_config(spec_path.resolve().parent)
    api = configured_api(config, spec_path)
    if config is not None and api is not None:
        app = create_app(config, settings, clock, only=[api.name])
        return LocalApp(app, app.state.specmock.apis[api.name], configured=True)
    name = _api_name(spec_path)
    with tempfile.TemporaryDirectory(prefix="specmock-conform-") as folder:
        root = Path(folder)
        # one package per spec content: two specs in one process never share a module
        output = Path(_PACKAGE + spec.sha256[:16])
        temporary = Config(root=root, apis=(ApiConfig(name, spec_path.resolve()),), output=output, pythonpath=(".",))
        _write_routes(temporary, name, spec)
        try:
            app = create_app(temporary, settings, clock, only=[name])
            app.fastapi()  # the generated routes are imported now, while their folder exists
        finally:
            for path in temporary.import_paths:
                if path in sys.path:
                    sys.path.remove(path)
    return LocalApp(app, app.state.specmock.apis[name], configured=False)


def _write_routes(config: Config, name: str, spec: LoadedSpec) -> None:
    from specmock.codegen.models import header  # noqa: PLC0415 - codegen is needed for unconfigured specs only
    from specmock.codegen.routes import render_init, render_routes  # noqa: PLC0415

    package = config.output_dir / name
    package.mkdir(parents=True)
    (config.output_dir / "__init__.py").write_text("", encoding="utf-8")
    head = header(spec.file)
    (package / "__init__.py").write_text(render_init(name, head), encoding="utf-8")
    (package / "routes.py").write_text(render_routes(spec, name, head), encoding="utf-8")
    # the spec's hash marks the routes as current, so the direct path may answer for them
    (package / "manifest.json").write_text(json.dumps({"spec_sha256": spec.sha256}), encoding="utf-8")


def load(spec_path: Path) -> LoadedSpec:
    """The spec, validated: a SpecError names the file, the place and the line otherwise."""
    return load_spec(spec_path, name=spec_path.as_posix())
