"""An openapi-core adapter for plain request/response data, with errors in short, precise words.

openapi-core's framework extras pin old Starlette and FastAPI, so requests and responses are
given to it through its protocols, built from what any HTTP client or server has.
"""

from __future__ import annotations

import urllib.parse
import warnings
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from openapi_core import Config, OpenAPI
from openapi_core.datatypes import RequestParameters
from openapi_core.deserializing.media_types.exceptions import MediaTypeDeserializeError
from openapi_core.exceptions import OpenAPIError
from openapi_core.templating.media_types.exceptions import MediaTypeNotFound
from openapi_core.templating.paths.exceptions import PathError
from openapi_core.templating.responses.exceptions import ResponseNotFound
from openapi_core.validation.request.exceptions import ParameterValidationError, SecurityValidationError
from openapi_core.validation.response.exceptions import HeaderValidationError, MissingData, MissingHeaderError
from werkzeug.datastructures import Headers, ImmutableMultiDict

from specmock.spec.servers import server_path, server_url


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


def _short(value: Any, limit: int = 80) -> str:
    text = value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _plain(exc: BaseException) -> Violation:
    """One sentence for an openapi-core error that is not about a schema."""
    # openapi-core wraps the finder and deserializer errors; the cause says what went wrong
    if isinstance(exc, ParameterValidationError | HeaderValidationError) and exc.__cause__ is not None:
        kind = "header" if isinstance(exc, HeaderValidationError) else f"{exc.location} parameter"
        return Violation(f"{kind} {exc.name}", _short(exc.__cause__, 200))
    cause = exc.__cause__ if isinstance(exc.__cause__, OpenAPIError) else exc
    if isinstance(cause, ResponseNotFound):
        declared = ", ".join(cause.availableresponses) or "none"
        return Violation(
            "status", f"status {cause.http_status} is not declared for this operation (declared: {declared})"
        )
    if isinstance(cause, MediaTypeNotFound):
        declared = ", ".join(cause.availableMimetypes) or "none"
        return Violation(
            "content-type", f"{cause.mimetype or '(none)'} is not a declared media type (declared: {declared})"
        )
    if isinstance(cause, MediaTypeDeserializeError):
        return Violation("$", f"the body is not valid {cause.mimetype}: {_short(cause.value)!r}")
    if isinstance(cause, MissingData):
        return Violation("$", "no body, but the spec declares one for this status")
    if isinstance(cause, MissingHeaderError):
        return Violation(f"header {cause.name}", "required header is missing")
    if isinstance(cause, ParameterValidationError):
        return Violation(f"{cause.location} parameter {cause.name}", str(cause))
    if isinstance(cause, PathError):
        return Violation("request", f"matches no operation of the spec ({cause})")
    return Violation("$", f"{type(cause).__name__}: {_short(cause, 300)}")


def describe(exc: BaseException) -> list[Violation]:
    """Short messages for an openapi-core validation error: where, and which rule broke."""
    errors = _schema_errors(exc)
    if not errors:
        return [_plain(exc)]
    # a header's or parameter's value is checked against its own schema: name it, not `$`
    header = None
    if isinstance(exc, HeaderValidationError):
        header = f"header {exc.name}"
    elif isinstance(exc, ParameterValidationError):
        header = f"{exc.location} parameter {exc.name}"
    out = []
    for error in errors:
        rule = getattr(error, "validator", None)
        message = getattr(error, "message", str(error))
        path = _json_path(getattr(error, "absolute_path", []))
        where = path if header is None else header + path.removeprefix("$")
        out.append(Violation(where, f"{message}" + (f" ({rule})" if rule else "")))
    return out


def server_base(document: dict[str, Any]) -> str:
    """The URL of the document's first server, variables at their defaults, as openapi-core matches paths.

    Requests are presented to openapi-core as if sent to the server the spec declares, with the
    spec's own paths (a mount is taken off first); a relative server URL gets a host.
    """
    url = server_url(document)
    if not urllib.parse.urlsplit(url).scheme:
        url = "http://localhost" + server_path(document)
    return url.rstrip("/")


def _is_xml(content_type: str) -> bool:
    bare = content_type.split(";", maxsplit=1)[0].strip().lower()
    return bare.endswith(("/xml", "+xml"))


def _binary_media_types(document: dict[str, Any]) -> list[str]:
    """Media types openapi-core reads as raw bytes: everything not JSON, text, XML or a form."""
    found: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            content = node.get("content")
            if isinstance(content, dict):
                found.update(str(m) for m in content)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(document.get("paths") or {})
    walk(document.get("components") or {})
    readable = ("json", "text/", "xml", "x-www-form-urlencoded", "multipart/")
    return sorted(m for m in found if not any(part in m for part in readable))


def _as_text(value: bytes, **parameters: str) -> str:
    # latin-1 maps every byte to one character, so any body is a string of the same length
    return value.decode("latin-1")


class SpecValidator:
    """Validates responses (and requests) against one OpenAPI document."""

    def __init__(self, document: dict[str, Any]) -> None:
        extra: dict[str, Callable[[bytes], Any]] = {}
        if str(document.get("openapi", "")).startswith("3.1"):
            # A 3.1 binary body is `type: string` (format binary is only an annotation there),
            # while openapi-core hands the validator bytes, which no string schema accepts.
            extra = {media: _as_text for media in _binary_media_types(document)}
        # The document was validated when it was loaded (where a bad default is only a warning).
        config = Config(spec_validator_cls=None, extra_media_type_deserializers=extra)
        self.openapi = OpenAPI.from_dict(document, config=config)
        self.base = server_base(document)

    def response_violations(
        self,
        method: str,
        path: str,
        query: Sequence[tuple[str, str]],
        status: int,
        content_type: str,
        body: bytes,
        response_headers: Iterable[tuple[str, str]] = (),
        host_url: str | None = None,
    ) -> list[Violation]:
        """Every way this response breaks the spec; empty when it conforms.

        An XML body is checked to be well-formed and of a declared media type, but not against its
        schema: openapi-core validates the parsed ElementTree element itself, which no schema accepts.
        A malformed one is still reported (openapi-core fails to deserialize it). An empty text/*
        body is the empty string, which openapi-core cannot tell from no body at all.
        """
        request = self._request(method, path, query, host_url)
        response = PlainResponse(status, content_type, body, Headers(list(response_headers)))
        out: list[Violation] = []
        xml = _is_xml(content_type)
        try:
            errors = list(self.openapi.iter_response_errors(request, response))
        except Exception as exc:  # noqa: BLE001 - openapi-core raises many kinds; each becomes a violation
            errors = [exc]
        empty_text = not body and content_type.lower().startswith("text/")
        for error in errors:
            if xml and _schema_errors(error):
                continue
            if empty_text and isinstance(error, MissingData):
                continue
            out += describe(error)
        return out

    def request_violations(
        self,
        method: str,
        path: str,
        query: Sequence[tuple[str, str]],
        headers: Iterable[tuple[str, str]] = (),
        content_type: str | None = None,
        body: bytes | None = None,
        host_url: str | None = None,
    ) -> list[Violation]:
        """Every way this request breaks the spec (security requirements aside); empty when it conforms."""
        # path parameters are checked as the server sees them: decoded
        request = self._request(method, urllib.parse.unquote(path), query, host_url, headers)
        if content_type is not None:
            request.content_type = content_type
        request.body = body
        out: list[Violation] = []
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # openapi-core warns of security schemes it does not know
                errors = list(self.openapi.iter_request_errors(request))
        except Exception as exc:  # noqa: BLE001 - as for responses
            errors = [exc]
        for error in errors:
            if isinstance(error, SecurityValidationError):
                continue  # requests are made without credentials on purpose
            out += [Violation(f"request {v.where}", v.message) for v in describe(error)]
        return out

    def _request(
        self,
        method: str,
        path: str,
        query: Sequence[tuple[str, str]],
        host_url: str | None,
        headers: Iterable[tuple[str, str]] = (),
    ) -> PlainRequest:
        # openapi-core joins host_url and path as URLs, so a server's own path goes in front of the path
        parts = urllib.parse.urlsplit(host_url or self.base)
        header = Headers(list(headers))
        cookies = dict(pair.strip().split("=", 1) for pair in header.get("cookie", "").split(";") if "=" in pair)
        return PlainRequest(
            host_url=f"{parts.scheme}://{parts.netloc}",
            path=parts.path.rstrip("/") + path,
            method=method.lower(),
            parameters=RequestParameters(query=ImmutableMultiDict(list(query)), header=header, cookie=cookies),
        )
