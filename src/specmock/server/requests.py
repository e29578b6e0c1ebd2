"""Request checks from the spec: bodies against their schemas, and how a failure is answered.

A failure gets the error response the operation declares for validation (FastAPI exports, like
OSMO's, declare 422 with `HTTPValidationError`, and their clients expect that shape), else a
400 application/problem+json. Either way the message names the parameter or body field.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl

from starlette.responses import Response

from specmock.server.negotiate import choose_media
from specmock.server.problems import problem
from specmock.server.serialize import to_json
from specmock.spec import Operation, SpecIndex
from specmock.spec.media import bare, is_json

if TYPE_CHECKING:
    from specmock.server.dispatch import ApiRuntime


class BodyError(Exception):
    """A request body the spec does not allow; `errors` are FastAPI-style {loc, msg, type} items."""

    def __init__(self, errors: list[dict[str, Any]], status: int = 422) -> None:
        super().__init__(errors)
        self.errors = errors
        self.status = status


def _validator(runtime: ApiRuntime, op: Operation, media: str, schema: Any) -> Any:
    key = f"{op.operation_id} {media}"
    if key not in runtime.body_validators:
        from openapi_schema_validator import OAS30Validator, OAS31Validator  # noqa: PLC0415 - first body only

        # the document's components ride along so "#/components/..." resolves inside the schema
        root = (
            {**schema, "components": runtime.spec.document.get("components", {})}
            if isinstance(schema, dict)
            else schema
        )
        cls = OAS31Validator if runtime.spec.version == "3.1" else OAS30Validator
        runtime.body_validators[key] = cls(root)
    return runtime.body_validators[key]


def parse_body(runtime: ApiRuntime, op: Operation, content_type: str | None, raw: bytes) -> Any:
    """The parsed body, checked against the operation's requestBody; BodyError when it does not fit."""
    declared = op.request_body or {}
    content = declared.get("content") or {}
    if not raw:
        if declared.get("required"):
            raise BodyError([{"loc": ["body"], "msg": "Field required", "type": "missing"}])
        return None
    media = choose_media(content, (content_type or "application/octet-stream").split(";")[0])
    if media is None:
        allowed = ", ".join(content) or "none"
        raise BodyError(
            [
                {
                    "loc": ["body"],
                    "msg": f"Content-Type {content_type!r} is not accepted (allowed: {allowed})",
                    "type": "content_type",
                }
            ],
            status=415,
        )
    if is_json(media) or bare(media) == "*/*":
        try:
            value = json.loads(raw)
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise BodyError(
                [{"loc": ["body", getattr(exc, "pos", 0)], "msg": f"JSON decode error: {exc}", "type": "json_invalid"}]
            ) from None
    elif bare(media) == "application/x-www-form-urlencoded":
        value = dict(parse_qsl(raw.decode("utf-8", "replace"), keep_blank_values=True))
        return value  # form fields arrive as strings: their types are not checked
    else:
        return raw
    schema = (content.get(media) or {}).get("schema")
    if schema is not None:
        errors = [
            {"loc": ["body", *error.absolute_path], "msg": error.message, "type": str(error.validator)}
            for error in _validator(runtime, op, media, schema).iter_errors(value)
        ]
        if errors:
            raise BodyError(errors)
    return value


def declares_validation_error(index: SpecIndex, op: Operation) -> bool:
    """Whether the operation declares a 422 with a JSON body (FastAPI's HTTPValidationError)."""
    declared = op.responses.get("422") or {}
    return any(is_json(m) for m in declared.get("content") or {})


def _names(errors: list[dict[str, Any]]) -> str:
    named = []
    for error in errors:
        loc = [str(p) for p in error.get("loc", [])]
        name = f"{loc[0]} parameter {loc[1]!r}" if len(loc) >= 2 and loc[0] != "body" else ".".join(loc) or "request"
        named.append(f"{name}: {error.get('msg')}")
    return "; ".join(named)


def validation_failure(index: SpecIndex, op: Operation, errors: list[dict[str, Any]], status: int = 422) -> Response:
    """The response for a request the spec does not allow."""
    clean = [{k: v for k, v in e.items() if k in ("loc", "msg", "type", "input")} for e in errors]
    if status == 415:
        return problem(415, "Unsupported media type", _names(clean), errors=clean)
    if declares_validation_error(index, op):
        return Response(to_json({"detail": clean}), status_code=422, media_type="application/json")
    return problem(400, "Invalid request", _names(clean), errors=clean)
