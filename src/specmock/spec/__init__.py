"""Loading specs: parse, bundle `$ref`s, validate, index operations."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from specmock.errors import SpecError
from specmock.spec.index import Operation, Parameter, SpecIndex, build_index
from specmock.spec.refs import bundle
from specmock.spec.source import line_of, parse, read_text
from specmock.spec.validate_version import openapi_version

__all__ = ["LoadedSpec", "Operation", "Parameter", "SpecIndex", "load_spec"]


@dataclass
class LoadedSpec:
    """A validated, self-contained OpenAPI document and where it came from."""

    file: str
    text: str
    document: dict[str, Any]
    version: str
    warnings: list[str] = field(default_factory=list)
    validated: bool = False

    @property
    def sha256(self) -> str:
        """Hash of the spec file's bytes."""
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()

    def validate(self) -> None:
        """Validate with openapi-spec-validator; raise SpecError naming the place, keep warnings."""
        from specmock.spec.validate import validate  # noqa: PLC0415 - a slow import, needed only here

        if not self.validated:
            self.warnings = [str(w) for w in validate(self.document, self.file, self.text)]
            self.validated = True

    @cached_property
    def index(self) -> SpecIndex:
        """Its operations."""
        return build_index(self.document, self.file)


def load_spec(
    path: Path | str, allow_remote_refs: bool = False, check: bool = True, name: str | None = None
) -> LoadedSpec:
    """Read, bundle and (unless check=False) validate a spec; raise SpecError naming the place.

    `name` is how errors name the file (a path relative to the project, say); references to
    other files are still resolved next to `path`.
    """
    file = name or str(path)
    text = read_text(Path(path), file)
    raw = parse(text, file)
    version = openapi_version(raw, file)
    try:
        document = bundle(raw, str(path), allow_remote=allow_remote_refs, name=file)
    except SpecError as exc:
        if exc.line is None and exc.file == file and exc.pointer:
            raise SpecError(exc.file, exc.pointer, exc.detail, line_of(text, exc.pointer)) from None
        raise
    spec = LoadedSpec(file=file, text=text, document=document, version=version)
    if check:
        spec.validate()
    _ = spec.index  # operationId clashes are input errors: report them now, not mid-codegen
    return spec
