"""Which OpenAPI version a document claims, read before anything slow is imported."""

from __future__ import annotations

from typing import Any

from specmock.errors import SpecError


def openapi_version(document: Any, file: str) -> str:
    """Return '3.0' or '3.1' for a supported document; refuse anything else clearly."""
    if not isinstance(document, dict):
        raise SpecError(file, "", "not an OpenAPI document: the top level must be a mapping")
    if "swagger" in document:
        raise SpecError(
            file,
            "/swagger",
            f"Swagger {document['swagger']} is not supported; specmock reads OpenAPI 3.0 and 3.1. "
            "Convert the document first (for example with swagger2openapi).",
        )
    version = document.get("openapi")
    if not isinstance(version, str):
        raise SpecError(file, "/openapi", "missing the 'openapi' version field (expected 3.0.x or 3.1.x)")
    for supported in ("3.0", "3.1"):
        if version == supported or version.startswith(supported + "."):
            return supported
    raise SpecError(file, "/openapi", f"OpenAPI {version} is not supported (expected 3.0.x or 3.1.x)")
