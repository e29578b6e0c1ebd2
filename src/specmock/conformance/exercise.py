"""Valid requests for any operation, made from the spec: parameters and bodies synthesized from
their schemas and serialized the way the spec's `style` and `explode` say."""

from __future__ import annotations

import json
import urllib.parse
from dataclasses import dataclass, field
from typing import Any

from specmock.engine.rng import Rng
from specmock.engine.synth import MULTIPART_BOUNDARY, Synthesizer
from specmock.spec import LoadedSpec, Operation
from specmock.spec.index import Parameter
from specmock.spec.media import is_json

# A path segment must survive routing: no slash, and never empty.
_PATH_ATTEMPTS = 12


@dataclass(frozen=True)
class Call:
    """One concrete request for one operation."""

    operation: Operation
    method: str
    path: str  # the spec path with its parameters filled in, percent-encoded
    query: list[tuple[str, str]] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str | None = None
    body: bytes | None = None

    @property
    def url(self) -> str:
        """Path and query string."""
        return self.path + ("?" + urllib.parse.urlencode(self.query) if self.query else "")


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return ""
    if isinstance(value, (dict, list)):
        return json.dumps(value, separators=(",", ":"))
    return str(value)


def _simple(value: Any, explode: bool) -> str:
    """RFC 6570 simple style, as path and header parameters use by default."""
    if isinstance(value, list):
        return ",".join(_text(v) for v in value)
    if isinstance(value, dict):
        sep = "=" if explode else ","
        return ",".join(f"{k}{sep}{_text(v)}" for k, v in value.items())
    return _text(value)


def _query_pairs(param: Parameter, value: Any) -> list[tuple[str, str]]:
    if param.has_content:
        return [(param.name, _text(value))]
    style = param.style or "form"
    explode = param.explode if param.explode is not None else style == "form"
    if isinstance(value, list):
        if explode:
            return [(param.name, _text(v)) for v in value]
        joiner = {"spaceDelimited": " ", "pipeDelimited": "|"}.get(style, ",")
        return [(param.name, joiner.join(_text(v) for v in value))]
    if isinstance(value, dict):
        if style == "deepObject":
            return [(f"{param.name}[{k}]", _text(v)) for k, v in value.items()]
        if explode:
            return [(str(k), _text(v)) for k, v in value.items()]
        return [(param.name, ",".join(f"{k},{_text(v)}" for k, v in value.items()))]
    return [(param.name, _text(value))]


class Planner:
    """Makes valid requests for the operations of one spec, deterministic in (seed, operation, sample)."""

    def __init__(self, spec: LoadedSpec, synth: Synthesizer | None = None) -> None:
        self.spec = spec
        self.synth = synth or Synthesizer(spec.document, spec.version)

    def call(
        self,
        op: Operation,
        seed: int,
        sample: int = 0,
        known: dict[str, str] | None = None,
        optional: bool = True,
    ) -> Call:
        """A request for `op`; `known` gives path and query values to use (e.g. names from a list response).

        A known query value is used when the parameter is sent at all (optional ones are sent at random).
        """
        rng = Rng.root(seed, "exercise", op.operation_id, sample)
        path = op.path
        query: list[tuple[str, str]] = []
        headers: dict[str, str] = {}
        cookies: list[str] = []
        for param in op.parameters:
            prng = rng.child(param.location, param.name)
            if param.location == "path":
                text = (known or {}).get(param.name) or self._path_value(param, prng)
                path = path.replace("{" + param.name + "}", urllib.parse.quote(text, safe=""))
                continue
            if not param.required and not (optional and prng.chance(0.5, "include")):
                continue
            value = (known or {}).get(param.name) if param.location == "query" else None
            if value is None:
                value = self.synth.value(param.schema, prng, writing=True)
            if value is None and not param.required:
                continue  # null has no form serialization (`?x=` is an empty string): leave it out
            if param.location == "query":
                query += _query_pairs(param, value)
            elif param.location == "header" and param.name.lower() not in ("accept", "content-type", "authorization"):
                headers[param.name] = _simple(value, bool(param.explode))
            elif param.location == "cookie":
                cookies.append(f"{param.name}={urllib.parse.quote(_simple(value, False), safe='')}")
        if cookies:
            headers["cookie"] = "; ".join(cookies)
        content_type, body = self._body(op, rng.child("body"))
        if content_type is not None:
            headers["content-type"] = content_type
        return Call(op, op.method.upper(), path, query, headers, content_type, body)

    def _path_value(self, param: Parameter, rng: Rng) -> str:
        text = ""
        for attempt in range(_PATH_ATTEMPTS):
            text = _simple(self.synth.value(param.schema, rng.child(attempt), writing=True), bool(param.explode))
            if text and "/" not in text and text not in (".", ".."):
                return text
        raise ValueError(f"{param.name}: no value of its schema can be a path segment (last tried {text!r})")

    def _body(self, op: Operation, rng: Rng) -> tuple[str | None, bytes | None]:
        body = op.request_body
        content = (body or {}).get("content") or {}
        if not content:
            return None, None
        if not (body or {}).get("required") and not rng.chance(0.75, "send"):
            return None, None
        json_like = [m for m in content if is_json(m)]
        media = (json_like or list(content))[0]
        data = self.synth.body(media, content[media], rng, writing=True)
        bare = media.split(";")[0].strip()
        if bare == "multipart/form-data":
            return f"multipart/form-data; boundary={MULTIPART_BOUNDARY}", data
        if "*" in bare:  # a range such as */* or image/*: send a concrete type inside it
            major = bare.split("/")[0]
            return ("application" if major == "*" else major) + "/octet-stream", data
        return media, data
