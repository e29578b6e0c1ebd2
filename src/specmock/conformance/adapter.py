"""An openapi-core adapter for plain request/response data, with errors in short, precise words.

openapi-core's framework extras pin old Starlette and FastAPI, so requests and responses are
given to it through its protocols, built from what any HTTP client or server has.
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from openapi_core import Config, OpenAPI
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


def server_base(document: dict[str, Any]) -> str:
    """The URL of the document's first server, variables at their defaults, as openapi-core matches paths.

    A mock serves the spec's paths at its root, so a request is presented to openapi-core as if it
    had been sent to the server the spec declares (a relative server URL gets a host).
    """
    servers = document.get("servers") or [{"url": "/"}]
    server: dict[str, Any] = servers[0] if isinstance(servers[0], dict) else {"url": "/"}
    url = str(server.get("url") or "/")
    variables: dict[str, Any] = server.get("variables") or {}
    for name, variable in variables.items():
        url = url.replace("{" + name + "}", str((variable or {}).get("default", "")))
    if url.startswith("/"):
        url = "http://localhost" + url
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
        A malformed one is still reported (openapi-core fails to deserialize it).
        """
        # openapi-core joins host_url and path as URLs, so a server's own path goes in front of the path
        parts = urllib.parse.urlsplit(host_url or self.base)
        request = PlainRequest(
            host_url=f"{parts.scheme}://{parts.netloc}",
            path=parts.path.rstrip("/") + path,
            method=method.lower(),
            parameters=RequestParameters(query=ImmutableMultiDict(list(query)), header=Headers(), cookie={}),
        )
        response = PlainResponse(status, content_type, body, Headers(list(response_headers)))
        out: list[Violation] = []
        xml = _is_xml(content_type)
        try:
            errors = list(self.openapi.iter_response_errors(request, response))
        except Exception as exc:  # noqa: BLE001 - openapi-core raises many kinds; each becomes a violation
            errors = [exc]
        for error in errors:
            if xml and _schema_errors(error):
                continue
            out += describe(error)
        return out
