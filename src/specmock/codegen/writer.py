"""The files of generated/<api>/: render them in memory, write them, or compare them with disk."""

from __future__ import annotations

import difflib
import json
import os
import tempfile
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from specmock.codegen.models import ModelRenderer, header
from specmock.codegen.routes import render_init, render_routes
from specmock.config import ApiConfig, Config
from specmock.spec import LoadedSpec, load_spec


@dataclass(frozen=True)
class Generated:
    """The rendered files of one API, keyed by name inside generated/<api>/."""

    api: ApiConfig
    spec: LoadedSpec
    files: dict[str, str]


def source_name(config: Config, api: ApiConfig) -> str:
    """The spec's path as generated files name it: relative to the project, with forward slashes."""
    return api.spec.as_posix()


def manifest(spec: LoadedSpec, api: ApiConfig, source: str) -> str:
    """manifest.json: what the files were generated from and by which versions."""
    data = {
        "api": api.name,
        "spec": source,
        "spec_sha256": spec.sha256,
        "openapi": spec.document.get("openapi"),
        "versions": {
            "specmock": metadata.version("specmock"),
            "datamodel-code-generator": metadata.version("datamodel-code-generator"),
        },
        "operations": [
            {"operationId": op.operation_id, "method": op.method.upper(), "path": op.path}
            for op in spec.index.operations
        ],
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def render(
    config: Config, api: ApiConfig, allow_remote_refs: bool = False, renderer: ModelRenderer | None = None
) -> Generated:
    """Load an API's spec and render every file of its generated package."""
    spec = load_spec(config.root / api.spec, allow_remote_refs=allow_remote_refs, check=False, name=str(api.spec))
    source = source_name(config, api)
    head = header(source)
    models = (renderer or ModelRenderer(parallel=False)).submit(spec.document, source)
    spec.validate()
    files = {
        "__init__.py": render_init(api.name, head, config.templates_dir),
        "routes.py": render_routes(spec, api.name, head, config.templates_dir),
        "manifest.json": manifest(spec, api, source),
        "models.py": models(),
    }
    return Generated(api=api, spec=spec, files=dict(sorted(files.items())))


def package_dir(config: Config, api: ApiConfig) -> Path:
    """Where an API's generated package lives."""
    return config.output_dir / api.name


def write(config: Config, generated: Generated) -> list[Path]:
    """Write the files atomically (each replaced in one rename); return the ones that changed."""
    target = package_dir(config, generated.api)
    target.mkdir(parents=True, exist_ok=True)
    parent_init = config.output_dir / "__init__.py"
    if not parent_init.exists():
        parent_init.write_text("")
    changed = []
    for name, text in generated.files.items():
        path = target / name
        if path.exists() and path.read_text(encoding="utf-8") == text:
            continue
        fd, tmp = tempfile.mkstemp(dir=target, prefix=f".{name}.")
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        os.replace(tmp, path)
        changed.append(path)
    return changed


@dataclass(frozen=True)
class Drift:
    """One generated file that differs from what the spec gives now."""

    path: Path
    diff: str  # a unified diff, trimmed for a CI log


def drift(config: Config, generated: Generated, context: int = 2, max_lines: int = 40) -> list[Drift]:
    """Compare the rendered files with the ones on disk."""
    target = package_dir(config, generated.api)
    out = []
    for name, text in generated.files.items():
        path = target / name
        on_disk = path.read_text(encoding="utf-8") if path.exists() else None
        if on_disk == text:
            continue
        rel = path.relative_to(config.root) if path.is_relative_to(config.root) else path
        lines = list(
            difflib.unified_diff(
                (on_disk or "").splitlines(),
                text.splitlines(),
                f"{rel} (committed)" if on_disk is not None else f"{rel} (missing)",
                f"{rel} (from {generated.api.spec.as_posix()})",
                n=context,
                lineterm="",
            )
        )
        if len(lines) > max_lines:
            lines = [*lines[:max_lines], f"... {len(lines) - max_lines} more diff lines"]
        out.append(Drift(path=rel, diff="\n".join(lines)))
    return out
