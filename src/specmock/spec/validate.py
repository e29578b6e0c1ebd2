"""OpenAPI validation with openapi-spec-validator, translated into errors that name the place."""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from typing import Any

import jsonschema_rs
from jsonschema.exceptions import SchemaError, ValidationError, best_match
from openapi_schema_validator._dialects import OPENAPI_SPECIFICATIONS  # type: ignore[attr-defined]
from openapi_spec_validator.validation import keywords
from openapi_spec_validator.validation.validators import (
    OpenAPIV30SpecValidator,
    OpenAPIV31SpecValidator,
    SpecValidator,
)

from specmock.errors import SpecError
from specmock.spec.source import line_of, pointer
from specmock.spec.validate_version import openapi_version

MAX_REPORTED = 10


class Warning_:
    """A defect that does not stop specmock, e.g. a default value its own schema rejects."""

    def __init__(self, ptr: str, message: str) -> None:
        self.pointer = ptr
        self.message = message

    def __str__(self) -> str:
        return f"{self.pointer}: {self.message}"


def _lenient_default(base: type[keywords.ValueValidator], found: list[Warning_]) -> type[keywords.ValueValidator]:
    """A default-value check that records mismatches as warnings instead of failing the spec."""

    class LenientDefault(base):  # type: ignore[valid-type,misc]
        def __call__(self, schema: Any, value: Any) -> Iterator[ValidationError]:
            for error in super().__call__(schema, value):
                found.append(Warning_(pointer(schema.parts), f"default {value!r} does not match: {error.message}"))
            return iter(())

    return LenientDefault


class _FastSchemaCheck(keywords.OpenAPIV31SchemaValidator):
    """The 3.1 per-schema meta-schema check, run by jsonschema-rs for the default dialect.

    openapi-spec-validator checks every schema object against its dialect with a Python
    validator built anew each time; on a 150-schema document that was most of the two seconds
    validation took. The check is the same (the same meta-schemas); only the engine differs.
    """

    def _get_schema_checker(self, schema: Any, schema_value: Any) -> Any:
        dialect_id = self._get_schema_dialect_id(schema, schema_value)
        if dialect_id == OAS31_DIALECT:
            return _rust_check
        return super()._get_schema_checker(schema, schema_value)


OAS31_DIALECT = "https://spec.openapis.org/oas/3.1/dialect/base"


@cache
def _oas31_meta_validator() -> Any:
    registry = OPENAPI_SPECIFICATIONS.crawl()
    resources = [
        (uri, registry.contents(uri)) for uri in (OAS31_DIALECT, "https://spec.openapis.org/oas/3.1/meta/base")
    ]
    return jsonschema_rs.validator_for(registry.contents(OAS31_DIALECT), registry=jsonschema_rs.Registry(resources))


def _rust_check(value: Any) -> None:
    for error in _oas31_meta_validator().iter_errors(value):
        raise SchemaError(error.message, path=list(error.instance_path))


def _describe(error: ValidationError) -> tuple[str, str]:
    chosen = best_match([error]) if error.context else error
    parts = list(chosen.absolute_path) if chosen.absolute_path else list(error.absolute_path)
    return pointer(parts), chosen.message


def validate(document: dict[str, Any], file: str, text: str) -> list[Warning_]:
    """Validate a bundled document; raise SpecError listing the problems, return warnings."""
    version = openapi_version(document, file)
    base: type[SpecValidator] = OpenAPIV31SpecValidator if version == "3.1" else OpenAPIV30SpecValidator
    default_base = keywords.OpenAPIV31ValueValidator if version == "3.1" else keywords.OpenAPIV30ValueValidator
    warnings: list[Warning_] = []
    overrides: dict[str, Any] = {"default": _lenient_default(default_base, warnings)}
    if version == "3.1":
        overrides["schema"] = _FastSchemaCheck
    validator_cls = type("SpecmockValidator", (base,), {"keyword_validators": {**base.keyword_validators, **overrides}})
    problems: list[tuple[str, str]] = []
    for error in validator_cls(document).iter_errors():
        described = _describe(error)
        if described not in problems:
            problems.append(described)
        if len(problems) >= MAX_REPORTED:
            break
    if problems:
        first_ptr, first_msg = problems[0]
        lines = [first_msg]
        for ptr, msg in problems[1:]:
            line = line_of(text, ptr)
            lines.append(f"  also{f' line {line}' if line else ''} at {ptr or '/'}: {msg}")
        raise SpecError(
            file, first_ptr or "/", f"not valid OpenAPI {version}: " + "\n".join(lines), line_of(text, first_ptr)
        )
    return warnings
