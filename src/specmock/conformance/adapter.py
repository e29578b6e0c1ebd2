"""An openapi-core adapter for plain request/response data, with errors in short, precise words.

openapi-core's framework extras pin old Starlette and FastAPI, so requests and responses are
given to it through its protocols, built from what any HTTP client or server has.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from openapi_core import OpenAPI
from openapi_core.datatypes import RequestParameters
from werkzeug.datastructures import Headers, ImmutableMultiDict


@dataclass
class PlainRequest:
    """A request as openapi-core's Request protocol wants it."""

    host_url: str
    path: str
    method: str
    parameters: RequestParameters
    content_type: str = "application/json"
    body: bytes | None = None


@dataclass
class PlainResponse:
    """A response as openapi-core's Response protocol wants it."""

    status_code: int
    content_type: str
    data: bytes
    headers: Headers = field(default_factory=Headers)


@dataclass(frozen=True)
class Violation:
    """One way a response breaks the spec."""

    where: str  # JSON path of the failing value, e.g. $.workflows[3].status
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


def _json_path(parts: Iterable[Any]) -> str:
    out = "$"
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else f".{part}"
    return out


def _schema_errors(exc: BaseException) -> list[Any]:
    seen: BaseException | None = exc
    while seen is not None:
        errors = getattr(seen, "schema_errors", None)
        if errors:
            return list(errors)
        seen = seen.__cause__ or seen.__context__
    return []


def describe(exc: BaseException) -> list[Violation]:
    """Short messages for an openapi-core validation error: where, and which rule broke."""
    errors = _schema_errors(exc)
    if not errors:
        cause = exc.__cause__ or exc
        return [Violation("$", f"{type(cause).__name__}: {cause}")]
    out = []
    for error in errors:
        rule = getattr(error, "validator", None)
        message = getattr(error, "message", str(error))
        out.append(
            Violation(_json_path(getattr(error, "absolute_path", [])), f"{message}" + (f" ({rule})" if rule else ""))
        )
    return out


class SpecValidator:
    """Validates responses (and requests) against one OpenAPI document."""

    def __init__(self, document: dict[str, Any]) -> None:
        self.openapi = OpenAPI.from_dict(document)

    def response_violations(
        self,
        method: str,
        path: str,
        query: Sequence[tuple[str, str]],
        status: int,
        content_type: str,
        body: bytes,
        response_headers: Iterable[tuple[str, str]] = (),
        host_url: str = "http://localhost",
    ) -> list[Violation]:
        """Every way this response breaks the spec; empty when it conforms."""
        request = PlainRequest(
            host_url=host_url,
            path=path,
            method=method.lower(),
            parameters=RequestParameters(query=ImmutableMultiDict(list(query)), header=Headers(), cookie={}),
        )
        response = PlainResponse(status, content_type, body, Headers(list(response_headers)))
        try:
            self.openapi.validate_response(request, response)
        except Exception as exc:  # noqa: BLE001 - openapi-core raises many kinds; each becomes a violation
            return describe(exc)
        return []
