"""Schema-driven synthesis: a valid instance of an OpenAPI schema, as a pure function of (schema, rng).

How a value is built:

- A schema is first *flattened*: `$ref`s are followed, `allOf` members are merged into one
  schema (properties and required united, bounds intersected), 3.0 `nullable` becomes a `null`
  type, and what cannot be merged is kept aside: `oneOf`/`anyOf` groups as choices, `not` and
  second patterns or formats as checks.
- A choice is made by picking one branch (the discriminator value is set to match it), merging
  it into the rest and generating from the result; for `oneOf` a value that also matches another
  branch is retried with other draws.
- Values are checked with a small validator that mirrors openapi-schema-validator's semantics;
  when a check fails the generator retries with a child rng, a bounded number of times.

Every draw comes from `Rng` with a label, so adding a property never reshuffles the others, and
nothing depends on `hash()`, set order or the wall clock: `now` is given by the caller. Words,
names, places and codes come from `values`, the engine's one vocabulary, which generators use too.
"""

from __future__ import annotations

import base64
import ipaddress
import json
import math
import re
import struct
import urllib.parse
import uuid
import zlib
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from fractions import Fraction
from typing import Any
from xml.sax.saxutils import escape, quoteattr

import yaml

from specmock.engine import regex_gen, values
from specmock.engine.rng import Rng
from specmock.spec.media import bare, is_json
from specmock.spec.refs import lookup

__all__ = ["MULTIPART_BOUNDARY", "Synthesizer"]

MULTIPART_BOUNDARY = "specmock-boundary-7MA4YWxkTrZu0gW"
_DEFAULT_NOW = datetime(2025, 1, 1, tzinfo=UTC)
_NULL_CHANCE = 0.1
_OPTIONAL_CHANCE = 0.7
_EXAMPLE_CHANCE = 0.25
_RETRIES = 4
_MAX_HOPS = 64  # branch choices along one path: stops oneOf/anyOf cycles that never reach a container
_HARD_DEPTH = 40  # past max_depth, for schemas whose required properties recurse with no way out
_CHECK_DEPTH = 200
_INF = 1 << 30
_UNSET: Any = object()
_GIF = (  # a 1x1 transparent GIF
    b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00"
    b",\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"
)

_OBJECT_KEYS = ("properties", "required", "additionalProperties", "patternProperties", "minProperties")
_OBJECT_KEYS2 = ("maxProperties", "propertyNames", "dependentRequired", "discriminator")
_ARRAY_KEYS = ("items", "prefixItems", "minItems", "maxItems", "uniqueItems", "contains")
_STRING_KEYS = ("minLength", "maxLength", "pattern")
_NUMBER_KEYS = ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf")
_INTEGER_FORMATS = ("int32", "int64")
_NUMBER_FORMATS = ("float", "double")
_INT_RANGES = {"int32": (-(1 << 31), (1 << 31) - 1), "int64": (-(1 << 63), (1 << 63) - 1)}
_ALL_TYPES = ("string", "integer", "number", "boolean", "object", "array", "null")

_DATETIME_RE = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$")
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# openapi-schema-validator's format checker ends up with jsonschema's draft 3 `time`: strptime("%H:%M:%S").
_TIME_RE = re.compile(r"^([01]\d|2[0-3]):[0-5]\d:[0-5]\d$")
_TOKEN_RE = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+")


@dataclass(frozen=True)
class _Ctx:
    """Where generation is: container depth, choices made, request or response, the property name."""

    depth: int = 0
    hops: int = 0
    writing: bool = False
    hint: str = ""
    ref: str | None = None  # the $ref this schema was reached through: names discriminator values
    keep_required: bool = False  # include required readOnly/writeOnly properties too
    owner: str = ""  # the schema name of the object holding this property: a Tag's name is no person's

    def inner(self, hint: str, owner: str = "") -> _Ctx:
        return _Ctx(self.depth + 1, self.hops, self.writing, hint, None, self.keep_required, owner)


def _tokens(name: str) -> list[str]:
    return [t.lower() for t in _TOKEN_RE.findall(name)]


def _canonical(value: Any) -> str:
    """A text form telling JSON values apart the way JSON Schema does (1 and true differ, 1 and 1.0 do not)."""
    return json.dumps(_tagged(value), sort_keys=True, separators=(",", ":"))


def _tagged(value: Any) -> Any:
    if isinstance(value, bool):
        return ["b", value]
    if isinstance(value, float) and (not math.isfinite(value) or not value.is_integer()):
        return ["n", value]
    if isinstance(value, int | float):
        return ["n", int(value)]
    if isinstance(value, dict):
        return {str(k): _tagged(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_tagged(v) for v in value]
    return value


def _is_multiple(value: float, step: float) -> bool:
    """`multipleOf` exactly as jsonschema decides it (float division for float steps)."""
    if isinstance(step, float):
        try:
            quotient = value / step
            return int(quotient) == quotient
        except OverflowError:
            return (Fraction(value) / Fraction(step)).denominator == 1
    return not value % step


def _type_of(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return "unknown"


def _has_type(value: Any, kind: str) -> bool:
    actual = _type_of(value)
    if kind == "number":
        return actual in ("integer", "number")
    if kind == "integer":
        return actual == "integer" or (actual == "number" and float(value).is_integer())
    return actual == kind


def _format_ok(value: Any, fmt: str) -> bool:
    """The format checks openapi-schema-validator applies (others are annotations)."""
    if isinstance(value, str):
        if fmt == "date-time":
            return bool(_DATETIME_RE.match(value)) and _valid_date(value[:10])
        if fmt == "date":
            return bool(_DATE_RE.match(value)) and _valid_date(value)
        if fmt == "time":
            return bool(_TIME_RE.match(value))
        if fmt in ("email", "idn-email"):
            return "@" in value
        if fmt in ("ipv4", "ipv6"):
            try:
                (ipaddress.IPv4Address if fmt == "ipv4" else ipaddress.IPv6Address)(value)
            except ValueError:
                return False
            return True
        if fmt == "uuid":
            try:
                uuid.UUID(value)
            except ValueError:
                return False
            return all(len(value) > i and value[i] == "-" for i in (8, 13, 18, 23))
        if fmt == "byte":
            try:
                base64.b64decode(value.encode("ascii"), validate=True)
            except ValueError:
                return False
            return True
    if fmt in _INT_RANGES and isinstance(value, int) and not isinstance(value, bool):
        low, high = _INT_RANGES[fmt]
        return low <= value <= high
    return True


def _valid_date(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


class Synthesizer:
    """Builds valid, deterministic instances of the schemas of one bundled OpenAPI document."""

    def __init__(
        self, document: dict[str, Any], version: str, *, max_depth: int = 6, now: datetime | None = None
    ) -> None:
        self.document = document
        self.version = version
        self.v30 = version.startswith("3.0")
        self.max_depth = max_depth
        self.now = now if now is not None else _DEFAULT_NOW
        self._flat_cache: dict[str, dict[str, Any]] = {}  # keyed by $ref: a pure function of the document
        self._cost_cache: dict[tuple[str, int], int] = {}

    # ---------------------------------------------------------------- public API

    def value(self, schema: Any, rng: Rng, *, writing: bool = False) -> Any:
        """A valid instance of schema: a response value, or with writing=True a request body.

        Responses leave writeOnly properties out, requests readOnly ones, except where the
        validator insists on a required one (in 3.1 when no other branch of a choice does without
        it; in 3.0 when the flag hides behind a $ref).
        """
        first: Any = None
        for keep in (False, True):
            ctx = _Ctx(writing=writing, keep_required=keep)
            # 3.1 without keep is one extra try: after it, generation is what it was before.
            for attempt in range(_RETRIES if self.v30 or keep else 1):
                current = self._gen(schema, rng if attempt == 0 else rng.child("retry", attempt), ctx)
                if attempt == 0 and not keep:
                    first = current
                if self.valid(current, schema):
                    return current
        return first

    def example(self, media: dict[str, Any], name: str | None = None) -> tuple[bool, Any]:
        """The spec's own example for a media type object; (False, None) when it has none.

        Looks at `example`, then `examples[name]` (or the first of `examples`, following $refs to
        components/examples), then the schema's `example` and first `examples` entry.
        """
        if "example" in media:
            return True, media["example"]
        examples = media.get("examples")
        if isinstance(examples, dict) and examples:
            chosen = examples.get(name) if name is not None and name in examples else next(iter(examples.values()))
            chosen = self._deref_chain(chosen)
            if isinstance(chosen, dict) and "value" in chosen:
                return True, chosen["value"]
        schema = self._deref_chain(media.get("schema"))
        if isinstance(schema, dict):
            if "example" in schema:
                return True, schema["example"]
            listed = schema.get("examples")
            if isinstance(listed, list) and listed:
                return True, listed[0]
        return False, None

    def body(self, media_type: str, media: dict[str, Any], rng: Rng, *, writing: bool = False) -> bytes:
        """Serialized bytes for a response (or, writing=True, a request) of that media type.

        JSON for application/json and +json, UTF-8 text for text/*, a small XML rendering for xml,
        urlencoded forms, multipart with MULTIPART_BOUNDARY, YAML; deterministic bytes (a valid PNG
        for image/png) for binary types.
        """
        kind = bare(media_type)
        schema = media.get("schema")
        if kind in ("*/*", "application/*") and isinstance(schema, dict):
            flat = self._flatten(schema)
            kind = "application/octet-stream" if flat.get("format") in ("binary", "byte") else "application/json"
        structured = (
            kind.endswith(("/json", "+json", "/xml", "+xml", "/yaml", "/x-yaml"))
            or kind.startswith("text/")
            or kind in ("application/x-www-form-urlencoded", "multipart/form-data")
        )
        if not structured:
            return self._binary(kind, rng)  # octet-stream, images, protobuf and other opaque formats
        has_schema = isinstance(schema, dict | bool)
        if has_schema:
            value = self.value(schema, rng, writing=writing)
        else:
            found, value = self.example(media)
            if not found:
                value = {}
        if is_json(kind):
            return _json_bytes(value)
        if kind.endswith(("/xml", "+xml")):
            return self._xml(value, schema).encode("utf-8")
        if kind == "application/x-www-form-urlencoded":
            return _form(value).encode("utf-8")
        if kind == "multipart/form-data":
            return _multipart(value)
        if kind.endswith(("/yaml", "/x-yaml")):
            return yaml.safe_dump(value, sort_keys=False, allow_unicode=True).encode("utf-8")
        return self._text(kind, value, schema, has_schema, rng).encode("utf-8")

    def valid(self, value: Any, schema: Any) -> bool:
        """Whether value is valid for schema, with the semantics of openapi-schema-validator for this version."""
        return self._check(value, schema, 0)

    # ---------------------------------------------------------------- references and flattening

    def _deref(self, ref: str) -> Any:
        if not ref.startswith("#"):
            return {}
        try:
            return lookup(self.document, ref[1:])
        except (KeyError, ValueError):
            return {}

    def _deref_chain(self, node: Any) -> Any:
        seen: list[str] = []
        while isinstance(node, dict) and isinstance(node.get("$ref"), str) and node["$ref"] not in seen:
            seen.append(node["$ref"])
            node = self._deref(node["$ref"])
        return node

    def _flatten(self, schema: Any, stack: tuple[str, ...] = ()) -> dict[str, Any]:
        """One schema with allOf merged and refs followed; never mutate the result (it may be cached)."""
        if schema is True or schema is None:
            return {}
        if schema is False:
            return {"__false__": True}
        if not isinstance(schema, dict):
            return {}
        ref = schema.get("$ref")
        if isinstance(ref, str):
            if ref in stack:
                return {}  # an allOf cycle adds nothing new
            # Only top-level results are cached: inside an allOf chain, cycles are cut where they
            # are met, and a cached value would make the result depend on what ran before.
            if not stack and ref in self._flat_cache:
                target = self._flat_cache[ref]
            else:
                target = self._flatten(self._deref(ref), (*stack, ref))
                if not stack:
                    self._flat_cache[ref] = target
            # Siblings of $ref are ignored by the 3.0 text, but openapi-schema-validator applies
            # them in both versions, and a value must pass the validator.
            siblings = {k: v for k, v in schema.items() if k != "$ref"}
            if not siblings:
                return target
            return self._merge(target, self._flatten(siblings, stack))
        flat = self._own(schema)
        for sub in schema.get("allOf") or []:
            flat = self._merge(flat, self._flatten(sub, stack))
        return flat

    def _own(self, schema: dict[str, Any]) -> dict[str, Any]:
        """A schema's own keywords, normalized: type as a list, numeric exclusive bounds, choices aside."""
        flat: dict[str, Any] = {}
        for key, val in schema.items():
            if key in ("allOf", "oneOf", "anyOf", "not", "nullable", "$ref", "type"):
                continue
            if key in ("exclusiveMinimum", "exclusiveMaximum") and isinstance(val, bool):
                bound = "minimum" if key == "exclusiveMinimum" else "maximum"
                if val and isinstance(schema.get(bound), int | float):
                    flat[key] = schema[bound]
                continue
            if key in ("minimum", "maximum") and schema.get("exclusive" + key[:1].upper() + key[1:]) is True:
                continue
            flat[key] = val
        kind = schema.get("type")
        if isinstance(kind, str):
            flat["type"] = [kind]
        elif isinstance(kind, list):
            flat["type"] = [k for k in kind if isinstance(k, str)]
        if self.v30 and schema.get("nullable") is True and "type" in flat and "null" not in flat["type"]:
            flat["type"] = [*flat["type"], "null"]
        choices = [
            (key, schema[key], schema.get("discriminator"))
            for key in ("oneOf", "anyOf")
            if isinstance(schema.get(key), list) and schema[key]
        ]
        if choices:
            flat["__choices__"] = choices
        if "not" in schema:
            flat["__not__"] = [schema["not"]]
        return flat

    def _merge(self, a: dict[str, Any], b: dict[str, Any]) -> dict[str, Any]:
        """The intersection of two flattened schemas, as far as it can be computed."""
        if not a:
            return b
        if not b:
            return a
        out = dict(a)
        checks: list[Any] = list(a.get("__checks__", []))
        for key, val in b.items():
            if key not in out:
                out[key] = val
                continue
            mine = out[key]
            if key == "type":
                both = [t for t in mine if t in val or (t == "integer" and "number" in val)]
                both += [t for t in val if t == "integer" and "number" in mine and t not in both]
                out[key] = both
            elif key in ("minimum", "exclusiveMinimum", "minLength", "minItems", "minProperties", "minContains"):
                out[key] = max(mine, val)
            elif key in ("maximum", "exclusiveMaximum", "maxLength", "maxItems", "maxProperties", "maxContains"):
                out[key] = min(mine, val)
            elif key == "required":
                out[key] = [*mine, *(r for r in val if r not in mine)]
            elif key == "enum":
                theirs = {_canonical(v) for v in val}
                out[key] = [v for v in mine if _canonical(v) in theirs]
            elif key == "const":
                if _canonical(mine) != _canonical(val):
                    out["__false__"] = True
            elif key == "multipleOf":
                out[key] = _lcm(mine, val)
                checks += [{"multipleOf": mine}, {"multipleOf": val}]
            elif key in ("pattern", "format", "contains", "propertyNames", "uniqueItems"):
                if key == "uniqueItems":
                    out[key] = bool(mine) or bool(val)
                elif mine != val:
                    checks.append({key: val})
            elif key in ("items", "additionalProperties"):
                out[key] = _and(mine, val)
            elif key in ("properties", "patternProperties"):
                merged = dict(mine)
                for name, sub in val.items():
                    merged[name] = _and(merged[name], sub) if name in merged else sub
                out[key] = merged
            elif key in ("__choices__", "__not__"):
                out[key] = [*mine, *val]
            elif key == "__checks__":
                checks += val
            elif key == "__force__":
                out[key] = {**val, **mine}
            elif key in ("readOnly", "writeOnly", "__false__"):
                out[key] = bool(mine) or bool(val)
            elif key == "prefixItems":
                out[key] = [_and(x, y) for x, y in zip(mine, val, strict=False)] + mine[len(val) :] + val[len(mine) :]
        self._restrict_properties(out, a, b)
        if checks:
            out["__checks__"] = checks
        if "enum" in out and "const" in out:
            out["enum"] = [v for v in out["enum"] if _canonical(v) == _canonical(out["const"])]
        return out

    @staticmethod
    def _restrict_properties(out: dict[str, Any], a: dict[str, Any], b: dict[str, Any]) -> None:
        """Properties one side declares must also satisfy the other side's additionalProperties."""
        for this, other in ((a, b), (b, a)):
            extra = other.get("additionalProperties", True)
            if extra is True or "properties" not in this:
                continue
            known = other.get("properties") or {}
            patterns = list((other.get("patternProperties") or {}).keys())
            props = dict(out.get("properties") or {})
            for name in this["properties"]:
                if name in known or any(_search(p, name) for p in patterns):
                    continue
                if extra is False:
                    props.pop(name, None)
                elif isinstance(extra, dict):
                    props[name] = _and(props.get(name, {}), extra)
            out["properties"] = props

    # ---------------------------------------------------------------- generation

    def _gen(self, schema: Any, rng: Rng, ctx: _Ctx) -> Any:
        flat = self._flatten(schema)
        if isinstance(schema, dict) and isinstance(schema.get("$ref"), str):
            ctx = replace(ctx, ref=schema["$ref"])
            if len(schema) > 1 and not self._satisfiable(flat):
                # `$ref` plus a clashing sibling (`type: number` beside an object): no value passes
                # the validator, so give what the 3.0 text means, the referenced schema alone.
                flat = self._flatten({"$ref": schema["$ref"]})
        return self._gen_flat(flat, rng, ctx)

    def _minimal(self, ctx: _Ctx) -> bool:
        return ctx.depth >= self.max_depth

    def _gen_flat(self, flat: dict[str, Any], rng: Rng, ctx: _Ctx) -> Any:
        if ctx.hops > _MAX_HOPS or ctx.depth > self.max_depth + _HARD_DEPTH or flat.get("__false__"):
            return None
        if flat.get("__choices__"):
            return self._choose(flat, rng, ctx)
        if not flat.get("__not__") and not flat.get("__checks__"):
            return self._gen_plain(flat, rng, ctx)
        shaped = self._fold_nots(flat)
        first: Any = None
        for attempt in range(_RETRIES * 2):
            current = self._gen_plain(shaped, rng if attempt == 0 else rng.child("again", attempt), ctx)
            if self._check(current, flat, 0):
                return current
            if attempt == 0:
                first = current
        return first

    def _fold_nots(self, flat: dict[str, Any]) -> dict[str, Any]:
        """Turn simple `not`s into constraints generation follows: a bound flips, an enum shrinks."""
        shaped = dict(flat)
        numeric = isinstance(flat.get("type"), list) and all(t in ("integer", "number") for t in flat["type"])
        flips = {
            "minimum": "exclusiveMaximum",
            "exclusiveMinimum": "maximum",
            "maximum": "exclusiveMinimum",
            "exclusiveMaximum": "minimum",
        }
        for sub in flat.get("__not__", []):
            negated = self._flatten(sub)
            keys = [k for k in negated if k not in ("description", "title")]
            if numeric and len(keys) == 1 and keys[0] in flips:
                shaped = self._merge(shaped, {flips[keys[0]]: negated[keys[0]]})
            elif "enum" in shaped and keys in (["enum"], ["const"]):
                banned = [_canonical(v) for v in negated.get("enum", [negated.get("const")])]
                shaped["enum"] = [v for v in shaped["enum"] if _canonical(v) not in banned]
        return shaped

    def _choose(self, flat: dict[str, Any], rng: Rng, ctx: _Ctx) -> Any:
        """Resolve the first oneOf/anyOf group by picking a branch, then generate from the merge."""
        kind, branches, disc = flat["__choices__"][0]
        rest = dict(flat)
        if len(flat["__choices__"]) > 1:
            rest["__choices__"] = flat["__choices__"][1:]
        else:
            del rest["__choices__"]
        candidates = self._candidates(branches, disc)
        candidates = [c for c in candidates if self._satisfiable(c[1])] or candidates
        order = self._order(candidates, rng, ctx)
        inner = replace(ctx, hops=ctx.hops + 1)
        overlapping: Any = _UNSET  # valid for its branch, but also matches another one
        invalid: Any = _UNSET
        for index, branch, tag in order[:_RETRIES]:
            merged = self._merge(rest, self._flatten(branch))
            if tag is not None:
                prop = str(disc["propertyName"])
                merged = self._merge(merged, {"required": [prop], "__force__": {prop: tag}})
            branch_ctx = replace(inner, ref=branch["$ref"]) if isinstance(branch, dict) and "$ref" in branch else inner
            for retry in range(2):
                current = self._gen_flat(merged, rng.child("branch", index, retry), branch_ctx)
                if not self._check(current, merged, 0):
                    invalid = current if invalid is _UNSET else invalid
                    continue
                if kind != "oneOf" or not any(
                    self._check(current, other, 0) for j, other in enumerate(branches) if j != index
                ):
                    return current
                overlapping = current if overlapping is _UNSET else overlapping
        if overlapping is not _UNSET:
            return overlapping
        return None if invalid is _UNSET else invalid

    def _candidates(self, branches: list[Any], disc: Any) -> list[tuple[int, Any, str | None]]:
        """(branch index, branch, discriminator value) for each way of satisfying a oneOf/anyOf."""
        if not isinstance(disc, dict) or not isinstance(disc.get("propertyName"), str):
            return [(i, b, None) for i, b in enumerate(branches)]
        mapping = _dict(disc.get("mapping"))
        out: list[tuple[int, Any, str | None]] = []
        for i, branch in enumerate(branches):
            ref = branch.get("$ref") if isinstance(branch, dict) else None
            if not isinstance(ref, str):
                continue
            keys = [k for k, v in mapping.items() if _mapping_ref(v) == ref]
            if keys:
                out += [(i, branch, k) for k in keys]
            elif ref.startswith("#/components/schemas/"):
                out.append((i, branch, ref.rsplit("/", 1)[-1]))
        if not out:  # branches are inline: the validator only follows the mapping
            out = [(len(branches) + i, {"$ref": _mapping_ref(t)}, k) for i, (k, t) in enumerate(mapping.items())]
        return out or [(i, b, None) for i, b in enumerate(branches)]

    def _order(
        self, candidates: list[tuple[int, Any, str | None]], rng: Rng, ctx: _Ctx
    ) -> list[tuple[int, Any, str | None]]:
        if self._minimal(ctx) or ctx.hops > _MAX_HOPS // 2:
            costs = [self._cost(c[1], 0) for c in candidates]
            return [c for _, c in sorted(zip(costs, candidates, strict=True), key=lambda pair: pair[0])]
        nulls = [self._is_null_schema(c[1]) for c in candidates]
        weights = [(i, _NULL_CHANCE if nulls[i] and not all(nulls) else 1.0) for i in range(len(candidates))]
        first = rng.weighted(weights, "branch")
        return [candidates[first], *(c for c in rng.shuffled(candidates, "branches") if c is not candidates[first])]

    def _satisfiable(self, schema: Any) -> bool:
        """False for schemas that plainly admit no value (no type left after merging, an empty enum)."""
        flat = self._flatten(schema)
        if flat.get("__false__") or ("type" in flat and not flat["type"]) or ("enum" in flat and not flat["enum"]):
            return False
        for low, high in (("minLength", "maxLength"), ("minItems", "maxItems"), ("minProperties", "maxProperties")):
            if isinstance(flat.get(low), int) and isinstance(flat.get(high), int) and flat[low] > flat[high]:
                return False
        bottom, top = flat.get("minimum"), flat.get("maximum")
        return not (isinstance(bottom, int | float) and isinstance(top, int | float) and bottom > top)

    def _is_null_schema(self, schema: Any) -> bool:
        flat = self._flatten(schema)
        return flat.get("type") == ["null"] or flat.get("enum") == [None] or ("const" in flat and flat["const"] is None)

    def _cost(self, schema: Any, level: int) -> int:
        """A rough size of the smallest value of a schema: picks branches that end recursion."""
        if level > 8:
            return _INF
        if isinstance(schema, dict) and isinstance(schema.get("$ref"), str) and len(schema) == 1:
            key = (schema["$ref"], level)
            # Levels only grow while recursing, so a key never depends on itself: a pure cache.
            if key not in self._cost_cache:
                self._cost_cache[key] = self._cost_flat(self._flatten(schema), level)
            return self._cost_cache[key]
        return self._cost_flat(self._flatten(schema), level)

    def _cost_flat(self, flat: dict[str, Any], level: int) -> int:
        if flat.get("__false__"):
            return _INF
        types = flat.get("type")
        if "null" in (types or []) or "const" in flat or "enum" in flat:
            return 0 if "null" in (types or []) else 1
        total = 1
        for _, branches, _ in flat.get("__choices__", []):
            total += min((self._cost(b, level + 1) for b in branches), default=0)
        if "object" in (types or []) or "properties" in flat:
            props = flat.get("properties") or {}
            for name in flat.get("required") or []:
                total += self._cost(props.get(name, {}), level + 1) if name in props else 1
        if "array" in (types or []) and flat.get("minItems"):
            total += int(flat["minItems"]) * self._cost(flat.get("items", {}), level + 1)
        return min(total, _INF)

    def _gen_plain(self, flat: dict[str, Any], rng: Rng, ctx: _Ctx) -> Any:
        if "const" in flat:
            return json.loads(json.dumps(flat["const"]))
        if "enum" in flat and isinstance(flat["enum"], list):
            return self._gen_enum(flat, rng, ctx)
        types = self._types(flat)
        kind = self._pick_type(types, rng, ctx)
        if kind in ("string", "integer", "number") and not self._minimal(ctx):
            example = self._schema_example(flat, rng)
            if example is not None:
                return example
        if kind == "null":
            return None
        if kind == "boolean":
            return rng.chance(0.5, "bool")
        if kind == "integer":
            return self._gen_number(flat, rng, ctx, integer=True)
        if kind == "number":
            return self._gen_number(flat, rng, ctx, integer=False)
        if kind == "array":
            return self._gen_array(flat, rng, ctx)
        if kind == "object":
            return self._gen_object(flat, rng, ctx)
        return self._gen_string(flat, rng, ctx)

    def _gen_enum(self, flat: dict[str, Any], rng: Rng, ctx: _Ctx) -> Any:
        options: list[Any] = flat["enum"]
        rest = {k: v for k, v in flat.items() if k != "enum"}
        fitting = [v for v in options if self._check(v, rest, 0)] or options
        if not fitting:
            return None
        present = [v for v in fitting if v is not None]
        if present and len(present) < len(fitting) and (self._minimal(ctx) or rng.chance(_NULL_CHANCE, "null")):
            return None
        return json.loads(json.dumps(rng.choice(present or fitting, "enum")))

    def _schema_example(self, flat: dict[str, Any], rng: Rng) -> Any:
        """The schema's own `example` now and then, when it is valid: real specs' examples read well."""
        candidates: list[Any] = []
        if "example" in flat:
            candidates.append(flat["example"])
        if isinstance(flat.get("examples"), list):
            candidates += flat["examples"]
        candidates = [c for c in candidates if c is not None and not isinstance(c, dict | list)]
        if not candidates or not rng.chance(_EXAMPLE_CHANCE, "use-example"):
            return None
        chosen = rng.choice(candidates, "example")
        return chosen if self._check(chosen, flat, 0) else None

    def _types(self, flat: dict[str, Any]) -> list[str]:
        declared = flat.get("type")
        if isinstance(declared, list):
            types = [t for t in declared if t in _ALL_TYPES]
            if "number" in types and "integer" in types:
                types.remove("integer")  # integers are numbers: keep the choice fair
        else:
            types = self._infer(flat)
        banned = [t for n in flat.get("__not__", []) for t in self._simple_not_types(n)]
        allowed = [t for t in types if t not in banned and not ("number" in banned and t == "integer")]
        return allowed or types

    def _simple_not_types(self, schema: Any) -> list[str]:
        """Types a `not` rules out by type alone, e.g. `not: {type: string}`."""
        flat = self._flatten(schema)
        keys = [k for k in flat if k not in ("type", "description", "title")]
        if keys or not isinstance(flat.get("type"), list):
            return []
        return list(flat["type"])

    @staticmethod
    def _infer(flat: dict[str, Any]) -> list[str]:
        fmt = flat.get("format")
        if any(k in flat for k in _OBJECT_KEYS + _OBJECT_KEYS2):
            return ["object"]
        if any(k in flat for k in _ARRAY_KEYS):
            return ["array"]
        if fmt in _INTEGER_FORMATS:
            return ["integer"]
        if fmt in _NUMBER_FORMATS or any(k in flat for k in _NUMBER_KEYS):
            return ["number"]
        if isinstance(fmt, str) or any(k in flat for k in _STRING_KEYS):
            return ["string"]
        return ["string", "integer", "boolean"]  # an empty schema: something simple

    def _pick_type(self, types: list[str], rng: Rng, ctx: _Ctx) -> str:
        if not types:
            return "null"
        kinds = [t for t in types if t != "null"]
        if not kinds:
            return "null"
        if len(kinds) < len(types) and (self._minimal(ctx) or rng.chance(_NULL_CHANCE, "null")):
            return "null"
        if kinds == ["string", "integer", "boolean"]:
            return rng.weighted([("string", 6.0), ("integer", 2.0), ("boolean", 2.0)], "type")
        return rng.choice(kinds, "type")

    # ---------------------------------------------------------------- objects and arrays

    def _hidden(self, prop: Any, ctx: _Ctx) -> bool:
        flat = self._flatten(prop)
        return bool(flat.get("readOnly")) if ctx.writing else bool(flat.get("writeOnly"))

    def _may_omit(self, prop: Any, ctx: _Ctx) -> bool:
        """Whether to try leaving a required but hidden property out.

        openapi-schema-validator forgives it in 3.0 only, and only when the flag sits directly on
        the property's own schema (not behind a $ref). In 3.1 `required` always applies, yet
        JSON Schema says a writeOnly value is never retrieved (schemathesis forbids it in a
        response): leaving it out is tried first, so a choice settles on a branch that needs no
        hidden property, and the check sends the value back to keep mode when none exists.
        """
        if ctx.keep_required or not isinstance(prop, dict):
            return False
        if not self.v30:
            return True
        return bool(prop.get("readOnly")) or bool(prop.get("writeOnly"))

    def _gen_object(self, flat: dict[str, Any], rng: Rng, ctx: _Ctx) -> dict[str, Any]:
        props: dict[str, Any] = _dict(flat.get("properties"))
        required = [r for r in flat.get("required") or [] if isinstance(r, str)]
        forced: dict[str, Any] = dict(flat.get("__force__") or {})
        self._inherited_discriminator(flat, forced, ctx)
        patterns: dict[str, Any] = flat.get("patternProperties") or {}
        extra = flat.get("additionalProperties", True)
        low = int(flat.get("minProperties") or 0)
        high = flat.get("maxProperties")
        minimal = self._minimal(ctx)
        owner = ctx.ref.rsplit("/", 1)[-1] if ctx.ref else ctx.hint

        chosen: list[str] = []
        optional: list[str] = []
        for name, prop in props.items():
            if name in forced or (name in required and not (self._hidden(prop, ctx) and self._may_omit(prop, ctx))):
                chosen.append(name)
            elif name not in required and not self._hidden(prop, ctx) and self._satisfiable(prop):
                optional.append(name)
        chosen += [n for n in [*required, *forced] if n not in chosen and n not in props]
        picked = [n for n in optional if not minimal and rng.chance(_optional_chance(n), "optional:" + n)]
        if not minimal and optional and not picked and not chosen:
            # An object whose fields are all optional (an error body, a settings patch) is
            # rarely empty in a real payload, so keep at least one of them.
            picked = [rng.choice(optional, "optional:keep")]
        if high is not None:
            picked = picked[: max(0, int(high) - len(chosen))]
        if len(chosen) + len(picked) < low:
            more = [n for n in optional if n not in picked]
            picked += more[: low - len(chosen) - len(picked)]
        keys = [n for n in props if n in chosen or n in picked] + [n for n in chosen if n not in props]

        out: dict[str, Any] = {}
        for name in keys:
            if name in forced:
                out[name] = forced[name]
                continue
            sub = self._property_schema(name, props, patterns, extra)
            out[name] = self._gen(sub, rng.child("p", name), ctx.inner(name, owner))

        room = (int(high) if high is not None else _INF) - len(out)
        want = max(0, low - len(out))
        if not minimal and not props and (isinstance(extra, dict) or patterns):
            want = max(want, rng.integer(1, 3, "entries"))
        self._add_entries(out, flat, min(want, room), rng, ctx)
        return out

    def _inherited_discriminator(self, flat: dict[str, Any], forced: dict[str, Any], ctx: _Ctx) -> None:
        """A schema reached by $ref whose allOf parent has a discriminator names itself in that property."""
        disc = flat.get("discriminator")
        if not isinstance(disc, dict) or not isinstance(ctx.ref, str):
            return
        prop = disc.get("propertyName")
        props = flat.get("properties") or {}
        if not isinstance(prop, str) or prop in forced or prop not in props:
            return
        mapping = _dict(disc.get("mapping"))
        keys = [k for k, v in mapping.items() if _mapping_ref(v) == ctx.ref]
        tag = keys[0] if keys else ctx.ref.rsplit("/", 1)[-1] if ctx.ref.startswith("#/components/schemas/") else None
        if tag is not None and self._check(tag, props[prop], 0):
            forced[prop] = tag

    def _property_schema(self, name: str, props: dict[str, Any], patterns: dict[str, Any], extra: Any) -> Any:
        matching = [s for p, s in patterns.items() if _search(p, name)]
        if name in props:
            base = props[name]
        elif matching:
            return {"allOf": matching}
        else:
            base = extra if isinstance(extra, dict) else {}
        return {"allOf": [base, *matching]} if matching else base

    def _add_entries(self, out: dict[str, Any], flat: dict[str, Any], count: int, rng: Rng, ctx: _Ctx) -> None:
        """Extra keys for maps (additionalProperties / patternProperties) and for minProperties."""
        if count <= 0:
            return
        patterns: dict[str, Any] = flat.get("patternProperties") or {}
        extra = flat.get("additionalProperties", True)
        names = flat.get("propertyNames")
        sources: list[str | None] = list(patterns)
        if extra is not False:
            sources.insert(0, None)
        if not sources:
            return
        added = 0
        for attempt in range(count * 6):
            if added >= count:
                break
            source = sources[attempt % len(sources)] if extra is False or patterns else None
            key_rng = rng.child("key", attempt)
            if source is None:
                key = self._map_key(key_rng, attempt, names)
                if key is None or any(_search(p, key) for p in patterns):
                    continue
            else:
                found = regex_gen.generate(source, key_rng)
                if found is None:
                    continue
                key = found
            if key in out or (names is not None and not self._check(key, names, 0)):
                continue
            sub = self._property_schema(key, flat.get("properties") or {}, patterns, extra)
            out[key] = self._gen(sub, rng.child("p", key), ctx.inner(key))
            added += 1

    def _map_key(self, rng: Rng, attempt: int, names: Any) -> str | None:
        if names is not None:
            value = self._gen(names, rng, _Ctx(hint="key"))
            return value if isinstance(value, str) else None
        word = rng.choice(values.LABEL_KEYS, "key")
        return word if attempt < len(values.LABEL_KEYS) else f"{word}{attempt}"

    def _gen_array(self, flat: dict[str, Any], rng: Rng, ctx: _Ctx) -> list[Any]:
        items = flat.get("items", {})
        prefix: list[Any] = _list(flat.get("prefixItems"))
        low = int(flat.get("minItems") or 0)
        high = flat.get("maxItems")
        if self._minimal(ctx):
            size = low
        else:
            base, top = max(low, 1), max(low, 3)
            if high is not None:
                base, top = min(base, int(high)), min(top, int(high))
            size = rng.integer(base, max(base, top), "size")
        if items is False or not self._satisfiable(items):
            size = min(size, len(prefix))
        unique = bool(flat.get("uniqueItems"))
        contains = flat.get("contains")
        out: list[Any] = []
        seen: list[str] = []
        inner = ctx.inner(ctx.hint[:-1] if ctx.hint.endswith("s") else ctx.hint)
        for attempt in range(size * 6 + 6):
            if len(out) >= size:
                break
            index = len(out)
            sub = prefix[index] if index < len(prefix) else items
            if index == 0 and contains is not None:
                sub = {"allOf": [sub, contains]}
            # attempt == index until a duplicate was thrown away; then draw afresh
            item_rng = rng.child("i", index) if attempt == index else rng.child("i", index, attempt)
            value = self._gen(sub, item_rng, inner)
            if unique:
                key = _canonical(value)
                if key in seen:
                    continue
                seen.append(key)
            out.append(value)
        return out

    # ---------------------------------------------------------------- scalars

    def _gen_number(self, flat: dict[str, Any], rng: Rng, ctx: _Ctx, *, integer: bool) -> int | float:
        low = flat.get("minimum")
        high = flat.get("maximum")
        xlow = flat.get("exclusiveMinimum")
        xhigh = flat.get("exclusiveMaximum")
        fmt = flat.get("format")
        step = flat.get("multipleOf")
        lo_open = isinstance(xlow, int | float) and not isinstance(xlow, bool) and (low is None or xlow >= low)
        hi_open = isinstance(xhigh, int | float) and not isinstance(xhigh, bool) and (high is None or xhigh <= high)
        if lo_open:
            low = xlow
        if hi_open:
            high = xhigh
        if integer:
            ilow = None if low is None else (math.floor(low) + 1 if lo_open else math.ceil(low))
            ihigh = None if high is None else (math.ceil(high) - 1 if hi_open else math.floor(high))
            if fmt in _INT_RANGES:
                bounds = _INT_RANGES[str(fmt)]
                ilow = bounds[0] if ilow is None else max(ilow, bounds[0])
                ihigh = bounds[1] if ihigh is None else min(ihigh, bounds[1])
            a, b = _window(ilow, ihigh, _int_hint(ctx.hint, self.now))
            if isinstance(step, int | float) and step > 0:
                unit = Fraction(str(step)).numerator if isinstance(step, float) else int(step)
                k_lo, k_hi = -(-int(a) // unit), int(b) // unit  # integer division: exact for int64 bounds
                if k_lo > k_hi:  # no multiple in the realistic window: look in the whole allowed range
                    wide_lo = ilow if ilow is not None else (ihigh or 0) - 1000 * unit
                    wide_hi = ihigh if ihigh is not None else wide_lo + 1000 * unit
                    k_lo, k_hi = -(-wide_lo // unit), wide_hi // unit
                if k_lo <= k_hi:
                    return int(rng.integer(int(k_lo), int(k_hi), "int") * unit)
            return rng.integer(int(a), int(max(a, b)), "int")
        a_f, b_f = _window(low, high, _float_hint(ctx.hint))
        if isinstance(step, int | float) and step > 0:
            found = _float_multiple(step, a_f, b_f, low, high, lo_open, hi_open, rng)
            if found is not None:
                return found
        for attempt in range(4):
            value = round(rng.uniform(a_f, b_f, "num", attempt), 2)
            if _in_bounds(value, low, high, lo_open, hi_open):
                return value
        value = (a_f + b_f) / 2
        return value if _in_bounds(value, low, high, lo_open, hi_open) else a_f

    def _gen_string(self, flat: dict[str, Any], rng: Rng, ctx: _Ctx) -> str:
        low = int(flat.get("minLength") or 0)
        high = flat.get("maxLength")
        high = int(high) if isinstance(high, int | float) else None
        fmt = flat.get("format") if isinstance(flat.get("format"), str) else None

        def fits(text: str | None) -> bool:
            return text is not None and low <= len(text) <= (high if high is not None else _INF)

        pattern = flat.get("pattern")
        if isinstance(pattern, str):
            if fmt is not None:
                text = self._format(fmt, rng)
                if text is not None and fits(text) and _search(pattern, text):
                    return text
            found = regex_gen.generate(pattern, rng, low, high)
            if found is not None:
                return found
        if fmt is not None:
            text = self._format(fmt, rng)
            if text is not None and fits(text):
                return text
        hinted = self._hinted(ctx.hint, rng, ctx.owner)
        if hinted is not None and fits(hinted):
            return hinted
        return self._filler(rng, low, high)

    @staticmethod
    def _filler(rng: Rng, low: int, high: int | None) -> str:
        """Whole words (one to three, more when minLength asks), cut only when maxLength must."""
        if high == 0:
            return ""
        pool = values.pools().words
        n = rng.integer(1, 3, "words")
        text = " ".join([rng.choice(pool, "word", i) for i in range(n)])  # values.words, without a call
        while len(text) < low:
            text += " " + rng.choice(pool, "word", n)
            n += 1
        if high is not None and len(text) > high:
            text = text[:high]
            if text.endswith(" "):
                text = text[:-1] + "s"
        return text

    def _format(self, fmt: str, rng: Rng) -> str | None:
        """A value for a string format; None for formats with no specific shape."""
        if fmt == "date-time":
            return self._moment(rng).strftime("%Y-%m-%dT%H:%M:%SZ")
        if fmt == "date":
            return self._moment(rng).strftime("%Y-%m-%d")
        if fmt == "time":
            return self._moment(rng).strftime("%H:%M:%S")
        if fmt == "duration":
            return f"P{rng.integer(0, 30, 'days')}DT{rng.integer(0, 23, 'hours')}H"
        if fmt in ("uuid", "guid"):
            return str(uuid.UUID(int=(rng.bits("uuid") << 64) | rng.bits("uuid", 1), version=4))
        if fmt in ("email", "idn-email"):
            return values.email(rng, "email")
        if fmt in ("uri", "url", "iri", "uri-template"):
            return values.url(rng, "url")
        if fmt in ("uri-reference", "iri-reference"):
            return f"/{values.word(rng, 'path')}/{rng.integer(1, 9999, 'n')}"
        if fmt in ("hostname", "idn-hostname"):
            return values.hostname(rng, "host")
        if fmt == "ipv4":
            return f"10.{rng.integer(0, 255, 'a')}.{rng.integer(0, 255, 'b')}.{rng.integer(1, 254, 'c')}"
        if fmt == "ipv6":
            return str(ipaddress.IPv6Address((0x20010DB8 << 96) | (rng.bits("ip") & ((1 << 64) - 1))))
        if fmt == "byte":
            return base64.b64encode(self._bytes(rng, 6, 24)).decode("ascii")
        if fmt == "binary":
            return base64.b64encode(self._bytes(rng, 6, 24)).decode("ascii")
        if fmt == "password":
            return "".join(
                rng.choice("abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789!#%", "pw", i) for i in range(14)
            )
        if fmt == "regex":
            return "^[a-z0-9_-]{3,16}$"
        if fmt == "json-pointer":
            return f"/{values.word(rng, 'ptr')}/0"
        if fmt == "relative-json-pointer":
            return "0/" + values.word(rng, "ptr")
        if fmt in ("phone", "tel"):
            return values.phone(rng, "phone")
        return None

    def _moment(self, rng: Rng) -> datetime:
        return self.now - timedelta(seconds=rng.integer(0, 365 * 24 * 3600, "moment"))

    @staticmethod
    def _bytes(rng: Rng, low: int, high: int) -> bytes:
        size = rng.integer(low, high, "size")
        return b"".join(rng.bits("byte", i).to_bytes(8, "big") for i in range(size // 8 + 1))[:size]

    def _hinted(self, hint: str, rng: Rng, owner: str = "") -> str | None:
        """A realistic string for a property name such as email, first_name or created_at."""
        tokens = _tokens(hint)
        if not tokens:
            return None
        last = tokens[-1]
        joined = "".join(tokens)
        if "email" in joined:
            return values.email(rng, "email")
        if last in ("url", "uri", "href", "link", "website", "homepage", "avatar", "image", "icon", "logo"):
            return self._format("uri", rng)
        if last in ("at", "timestamp", "datetime") or joined in ("created", "updated", "modified", "deleted"):
            return self._format("date-time", rng)
        if last in ("date", "birthday", "birthdate", "dob", "day"):
            return self._format("date", rng)
        if last in ("uuid", "guid"):
            return self._format("uuid", rng)
        if last == "id":
            return "".join(rng.choice("abcdefghijklmnopqrstuvwxyz0123456789", "id", i) for i in range(12))
        if joined in ("firstname", "givenname") or (last == "name" and tokens[0] in ("first", "given")):
            return values.first_name(rng, "first")
        if joined in ("lastname", "surname", "familyname") or (last == "name" and tokens[0] in ("last", "family")):
            return values.last_name(rng, "last")
        if joined in ("username", "login", "handle", "nickname", "screenname"):
            return values.user_name(rng, "user")
        if last == "name" and tokens[0] in ("company", "organization", "org", "business", "vendor"):
            return values.company(rng, "company")
        if joined in ("company", "organization", "organisation", "employer"):
            return values.company(rng, "company")
        if (last == "name" and tokens[0] in ("file", "filename")) or last == "filename":
            return values.file_name(rng, "file")
        people = (
            "user",
            "person",
            "customer",
            "owner",
            "contact",
            "employee",
            "member",
            "author",
            "profile",
            "account",
        )
        personal = any(t in people for t in _tokens(owner))
        if last == "name" and (tokens[0] in ("full", "display", "customer", "contact", "person") or personal):
            return values.person_name(rng, "person")
        if last in ("name", "title", "subject", "headline", "label"):
            return values.title(rng, "title")
        if last in ("phone", "mobile", "fax", "telephone") or joined.endswith("phonenumber"):
            return values.phone(rng, "phone")
        if last in ("city", "location", "venue", "place", "town"):
            return values.city(rng, "city")
        if last == "country" or joined in ("countrycode", "country_code"):
            return values.country_code(rng, "country")
        if last == "currency" or joined == "currencycode":
            return values.currency_code(rng, "currency")
        if last in ("language", "locale", "lang"):
            return values.locale(rng, "locale")
        if last in ("zip", "zipcode", "postcode") or joined in ("postalcode", "zipcode"):
            return f"{rng.integer(10000, 99999, 'zip')}"
        if last in ("address", "street", "line1", "address1"):
            return values.street_address(rng, "street")
        if last in ("description", "summary", "message", "comment", "text", "note", "notes", "bio", "content"):
            return values.sentence(rng, "sentence")
        if last in ("color", "colour"):
            return f"#{rng.integer(0, 0xFFFFFF, 'color'):06x}"
        if last in ("token", "secret", "hash", "checksum", "sha", "digest", "signature", "etag"):
            return f"{rng.bits('hex'):016x}{rng.bits('hex', 1):016x}"
        if last == "version":
            return f"{rng.integer(0, 5, 'major')}.{rng.integer(0, 20, 'minor')}.{rng.integer(0, 9, 'patch')}"
        if last == "slug":
            return values.slug(rng, "slug")
        if last in ("status", "state"):
            return values.status(rng, "status")
        if last == "password":
            return self._format("password", rng)
        if last in ("ip", "ipv4"):
            return self._format("ipv4", rng)
        if last in ("host", "hostname"):
            return values.hostname(rng, "host")
        if last == "domain":
            return values.domain(rng, "domain")
        if last == "path":
            return "/" + "/".join(values.words(rng, "path", 2))
        if joined in ("mimetype", "contenttype", "mediatype"):
            return rng.choice(values.MEDIA_TYPES, "mime")
        if last in ("type", "kind", "category", "tag", "group", "role"):
            return values.word(rng, "word")
        return None

    # ---------------------------------------------------------------- bodies

    def _binary(self, kind: str, rng: Rng) -> bytes:
        if kind == "image/png":
            return _png(rng)
        if kind == "image/gif":
            return _GIF
        return self._bytes(rng, 32, 256)

    def _text(self, kind: str, value: Any, schema: Any, has_schema: bool, rng: Rng) -> str:
        flat = self._flatten(schema) if has_schema else {}
        plain = not has_schema or (
            isinstance(value, str)
            and flat.get("type") in (None, ["string"])
            and not any(k in flat for k in ("format", "pattern", "enum", "const", "maxLength", "minLength"))
        )
        if plain:
            if kind == "text/html":
                title, text = values.title(rng, "title", 3), values.sentence(rng, "sentence")
                return f"<!DOCTYPE html><html><head><title>{title}</title></head><body><p>{text}</p></body></html>"
            if kind == "text/csv":
                names = values.words(rng, "csv", 3)
                rows = [f"{i + 1},{name},{rng.integer(1, 999, 'csvn', i)}" for i, name in enumerate(names)]
                return "\n".join(["id,name,value", *rows]) + "\n"
            if kind == "text/event-stream":
                return "".join(f"data: {values.sentence(rng, 'event' + str(i))}\n\n" for i in range(2))
            return values.sentence(rng, "sentence")
        if isinstance(value, str):
            return value
        return json.dumps(value, ensure_ascii=False)

    def _xml(self, value: Any, schema: Any) -> str:
        name = "root"
        flat = self._flatten(schema)
        xml = _dict(flat.get("xml"))
        if isinstance(xml.get("name"), str):
            name = xml["name"]
        elif isinstance(schema, dict) and isinstance(schema.get("$ref"), str):
            name = schema["$ref"].rsplit("/", 1)[-1]
        return '<?xml version="1.0" encoding="UTF-8"?>' + self._element(name, value, schema, 0)

    def _element(self, name: str, value: Any, schema: Any, depth: int) -> str:
        tag = _xml_name(name)
        flat = self._flatten(schema) if depth < _CHECK_DEPTH else {}
        if value is None:
            return f"<{tag}/>"
        if isinstance(value, dict):
            props = flat.get("properties") or {}
            attrs: list[str] = []
            children: list[str] = []
            for key, item in value.items():
                sub = props.get(key, {})
                sub_flat = self._flatten(sub)
                xml = _dict(sub_flat.get("xml"))
                child = str(xml["name"]) if isinstance(xml.get("name"), str) else key
                if xml.get("attribute") and not isinstance(item, dict | list):
                    attrs.append(f" {_xml_name(child)}={quoteattr(_xml_text(item))}")
                elif isinstance(item, list) and not xml.get("wrapped"):
                    items = sub_flat.get("items", {})
                    named = _dict(self._flatten(items).get("xml")).get("name")
                    each = str(named) if isinstance(named, str) else child
                    children += [self._element(each, x, items, depth + 1) for x in item]
                else:
                    children.append(self._element(child, item, sub, depth + 1))
            return f"<{tag}{''.join(attrs)}>{''.join(children)}</{tag}>"
        if isinstance(value, list):
            items = flat.get("items", {})
            items_flat = self._flatten(items)
            xml = _dict(items_flat.get("xml"))
            child = str(xml["name"]) if isinstance(xml.get("name"), str) else "item"
            if isinstance(items, dict) and isinstance(items.get("$ref"), str) and "name" not in xml:
                child = items["$ref"].rsplit("/", 1)[-1]
            return f"<{tag}>{''.join(self._element(child, x, items, depth + 1) for x in value)}</{tag}>"
        return f"<{tag}>{escape(_xml_text(value))}</{tag}>"

    # ---------------------------------------------------------------- checking

    def _check(self, value: Any, schema: Any, depth: int) -> bool:
        if depth > _CHECK_DEPTH or schema is True or schema is None:
            return True
        if schema is False:
            return False
        if not isinstance(schema, dict):
            return True
        ref = schema.get("$ref")
        if isinstance(ref, str):
            if not self._check(value, self._deref(ref), depth + 1):
                return False
        if schema.get("__false__"):
            return False
        if not self._check_type(value, schema):
            return False
        if "enum" in schema and isinstance(schema["enum"], list):
            if _canonical(value) not in [_canonical(v) for v in schema["enum"]]:
                return False
        if "const" in schema and _canonical(value) != _canonical(schema["const"]):
            return False
        if isinstance(value, int | float) and not isinstance(value, bool) and not self._check_number(value, schema):
            return False
        if isinstance(value, str) and not self._check_string(value, schema):
            return False
        fmt = schema.get("format")
        if isinstance(fmt, str) and value is not None and not _format_ok(value, fmt):
            return False
        if isinstance(value, list) and not self._check_array(value, schema, depth):
            return False
        if isinstance(value, dict) and not self._check_object(value, schema, depth):
            return False
        disc = schema.get("discriminator")
        combined = any(k in schema for k in ("oneOf", "anyOf", "allOf"))
        if isinstance(disc, dict) and combined:
            if not self._check_discriminator(value, disc, depth):
                return False
        else:
            if not all(self._check(value, sub, depth + 1) for sub in schema.get("allOf") or []):
                return False
            if "anyOf" in schema and not any(self._check(value, sub, depth + 1) for sub in schema["anyOf"]):
                return False
            if "oneOf" in schema and sum(1 for sub in schema["oneOf"] if self._check(value, sub, depth + 1)) != 1:
                return False
        if "not" in schema and self._check(value, schema["not"], depth + 1):
            return False
        return self._check_private(value, schema, depth)

    def _check_private(self, value: Any, schema: dict[str, Any], depth: int) -> bool:
        """The bookkeeping keys of flattened schemas."""
        for kind, branches, disc in schema.get("__choices__", []):
            if isinstance(disc, dict) and isinstance(disc.get("propertyName"), str):
                if not self._check_discriminator(value, disc, depth):
                    return False
            elif kind == "anyOf" and not any(self._check(value, b, depth + 1) for b in branches):
                return False
            elif kind == "oneOf" and sum(1 for b in branches if self._check(value, b, depth + 1)) != 1:
                return False
        if any(self._check(value, sub, depth + 1) for sub in schema.get("__not__", [])):
            return False
        return all(self._check(value, sub, depth + 1) for sub in schema.get("__checks__", []))

    def _check_discriminator(self, value: Any, disc: dict[str, Any], depth: int) -> bool:
        """What openapi-schema-validator does instead of oneOf/anyOf/allOf when a discriminator is there."""
        if not isinstance(value, dict):
            return False
        tag = value.get(disc.get("propertyName", ""))
        if not tag:
            return False
        mapping = _dict(disc.get("mapping"))
        target = mapping.get(tag) if isinstance(tag, str) else None
        ref = target if target else f"#/components/schemas/{tag}"
        if not isinstance(ref, str) or not ref.startswith("#"):
            return False
        try:
            lookup(self.document, ref[1:])
        except (KeyError, ValueError):
            return False
        return self._check(value, {"$ref": ref}, depth + 1)

    def _check_type(self, value: Any, schema: dict[str, Any]) -> bool:
        kind = schema.get("type")
        if kind is None:
            return True
        kinds = kind if isinstance(kind, list) else [kind]
        if value is None and self.v30 and schema.get("nullable") is True:
            return True
        return any(_has_type(value, k) for k in kinds if isinstance(k, str))

    @staticmethod
    def _check_number(value: float, schema: dict[str, Any]) -> bool:
        low, high = schema.get("minimum"), schema.get("maximum")
        xlow, xhigh = schema.get("exclusiveMinimum"), schema.get("exclusiveMaximum")
        if isinstance(low, int | float) and (value < low or (xlow is True and value == low)):
            return False
        if isinstance(high, int | float) and (value > high or (xhigh is True and value == high)):
            return False
        if isinstance(xlow, int | float) and not isinstance(xlow, bool) and value <= xlow:
            return False
        if isinstance(xhigh, int | float) and not isinstance(xhigh, bool) and value >= xhigh:
            return False
        step = schema.get("multipleOf")
        return not (isinstance(step, int | float) and step > 0 and not _is_multiple(value, step))

    @staticmethod
    def _check_string(value: str, schema: dict[str, Any]) -> bool:
        if isinstance(schema.get("minLength"), int) and len(value) < schema["minLength"]:
            return False
        if isinstance(schema.get("maxLength"), int) and len(value) > schema["maxLength"]:
            return False
        pattern = schema.get("pattern")
        return not isinstance(pattern, str) or _search(pattern, value)

    def _check_array(self, value: list[Any], schema: dict[str, Any], depth: int) -> bool:
        if isinstance(schema.get("minItems"), int) and len(value) < schema["minItems"]:
            return False
        if isinstance(schema.get("maxItems"), int) and len(value) > schema["maxItems"]:
            return False
        if schema.get("uniqueItems") is True and len({_canonical(v) for v in value}) != len(value):
            return False
        prefix = _list(schema.get("prefixItems"))
        for index, item in enumerate(value):
            sub = prefix[index] if index < len(prefix) else schema.get("items", True)
            if not self._check(item, sub, depth + 1):
                return False
        contains = schema.get("contains")
        return contains is None or any(self._check(item, contains, depth + 1) for item in value)

    def _check_object(self, value: dict[str, Any], schema: dict[str, Any], depth: int) -> bool:
        props = _dict(schema.get("properties"))
        patterns = _dict(schema.get("patternProperties"))
        for name in schema.get("required") or []:
            if name not in value and not self._forgiven(props.get(name)):
                return False
        if isinstance(schema.get("minProperties"), int) and len(value) < schema["minProperties"]:
            return False
        if isinstance(schema.get("maxProperties"), int) and len(value) > schema["maxProperties"]:
            return False
        extra = schema.get("additionalProperties", True)
        names = schema.get("propertyNames")
        for key, item in value.items():
            matched = False
            if key in props:
                matched = True
                if not self._check(item, props[key], depth + 1):
                    return False
            for pattern, sub in patterns.items():
                if _search(pattern, key):
                    matched = True
                    if not self._check(item, sub, depth + 1):
                        return False
            if not matched and not self._check(item, extra, depth + 1):
                return False
            if names is not None and not self._check(key, names, depth + 1):
                return False
        for name, needed in (schema.get("dependentRequired") or {}).items():
            if name in value and any(n not in value for n in needed):
                return False
        return True

    def _forgiven(self, prop: Any) -> bool:
        """openapi-schema-validator 3.0 lets a required readOnly or writeOnly property be missing."""
        return self.v30 and isinstance(prop, dict) and bool(prop.get("readOnly") or prop.get("writeOnly"))


# -------------------------------------------------------------------- helpers


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _and(a: Any, b: Any) -> Any:
    """Both schemas, as one schema (flattening merges them later)."""
    if a is True or a == {}:
        return b
    if b is True or b == {}:
        return a
    if a is False or b is False:
        return False
    merged: dict[str, Any] = {"allOf": [a, b]}
    for flag in ("readOnly", "writeOnly"):
        if (isinstance(a, dict) and a.get(flag)) or (isinstance(b, dict) and b.get(flag)):
            merged[flag] = True  # kept on the surface: the validator only looks there
    return merged


def _lcm(a: Any, b: Any) -> Any:
    if isinstance(a, int) and isinstance(b, int):
        return abs(a * b) // math.gcd(a, b) if a and b else a or b
    fa, fb = Fraction(str(a)), Fraction(str(b))
    numerator = abs(fa.numerator * fb.numerator) // math.gcd(fa.numerator, fb.numerator)
    value = Fraction(numerator, math.gcd(fa.denominator, fb.denominator))
    return int(value) if value.denominator == 1 else float(value)


def _mapping_ref(target: Any) -> str:
    text = str(target)
    return text if text.startswith("#") else f"#/components/schemas/{text}"


def _search(pattern: str, text: str) -> bool:
    try:
        return re.search(pattern, text) is not None
    except re.error:
        return True  # the validator cannot use a pattern Python cannot compile either


def _window(low: float | None, high: float | None, default: tuple[float, float]) -> tuple[float, float]:
    """A realistic range inside [low, high]: the default (or hinted) range when it fits."""
    a, b = default
    span = b - a
    if low is not None and high is not None:
        lo, hi = max(a, low), min(b, high)
        return (lo, hi) if lo <= hi else (low, high)
    if low is not None:
        return (max(a, low), max(b, low + span)) if low <= b else (low, low + span)
    if high is not None:
        return (a, min(b, high)) if high >= a else (high - span, high)
    return default


def _in_bounds(value: float, low: float | None, high: float | None, lo_open: bool, hi_open: bool) -> bool:
    if low is not None and (value < low or (lo_open and value == low)):
        return False
    return not (high is not None and (value > high or (hi_open and value == high)))


def _float_multiple(
    step: float, a: float, b: float, low: float | None, high: float | None, lo_open: bool, hi_open: bool, rng: Rng
) -> float | int | None:
    """A multiple of step in range that jsonschema's float arithmetic also accepts."""
    wide_lo = low if low is not None else (high or 0) - 1000 * step
    wide_hi = high if high is not None else wide_lo + 1000 * step
    for lo, hi in ((a, b), (wide_lo, wide_hi)):
        k_lo, k_hi = math.ceil(lo / step), math.floor(hi / step)
        if k_lo > k_hi:
            continue
        for attempt in range(8):
            k = rng.integer(int(k_lo), int(k_hi), "mult", attempt)
            if isinstance(step, int):
                candidates: list[float | int] = [k * step]
            else:
                candidates = [k * step, round(k * step, 10), float(Fraction(str(step)) * k)]
            for value in candidates:
                if _in_bounds(value, low, high, lo_open, hi_open) and _is_multiple(value, step):
                    return value
    return 0 if _in_bounds(0, low, high, lo_open, hi_open) else None


def _optional_chance(name: str) -> float:
    """Ids are almost always there in real payloads; other optional properties about 70% of the time."""
    return 0.95 if name.lower() in ("id", "uuid", "name") else _OPTIONAL_CHANCE


def _int_hint(hint: str, now: datetime) -> tuple[int, int]:
    tokens = _tokens(hint)
    last = tokens[-1] if tokens else ""
    if last in ("at", "timestamp", "created", "updated", "expires", "time") and "seconds" not in tokens:
        end = int(now.timestamp())  # Unix seconds within the year before now
        return (end - 365 * 24 * 3600, end)
    if last == "id" or last.endswith("id"):
        return (1, 100000)
    if last == "age":
        return (18, 90)
    if last == "year":
        return (2000, 2025)
    if last == "port":
        return (1024, 65535)
    if last in ("page", "rank", "priority", "level"):
        return (1, 10)
    if last in ("limit", "size", "per"):
        return (10, 100)
    return (1, 1000)


def _float_hint(hint: str) -> tuple[float, float]:
    tokens = _tokens(hint)
    last = tokens[-1] if tokens else ""
    if last in ("lat", "latitude"):
        return (-90.0, 90.0)
    if last in ("lng", "lon", "longitude"):
        return (-180.0, 180.0)
    if last in ("percent", "percentage"):
        return (0.0, 100.0)
    if last in ("ratio", "probability", "score", "confidence", "weight"):
        return (0.0, 1.0)
    if last in ("price", "amount", "cost", "total", "balance", "fee"):
        return (1.0, 500.0)
    return (0.0, 1000.0)


def _json_bytes(value: Any) -> bytes:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def _scalar_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return ""
    if isinstance(value, dict | list):
        return json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    return str(value)


def _form(value: Any) -> str:
    if not isinstance(value, dict):
        return urllib.parse.urlencode({"value": _scalar_text(value)})
    pairs: list[tuple[str, str]] = []
    for key, item in value.items():
        if isinstance(item, list):
            pairs += [(str(key), _scalar_text(x)) for x in item]
        else:
            pairs.append((str(key), _scalar_text(item)))
    return urllib.parse.urlencode(pairs)


def _multipart(value: Any) -> bytes:
    fields = value if isinstance(value, dict) else {"value": value}
    parts = [
        f'--{MULTIPART_BOUNDARY}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{_scalar_text(item)}\r\n'
        for key, item in fields.items()
    ]
    return ("".join(parts) + f"--{MULTIPART_BOUNDARY}--\r\n").encode("utf-8")


def _png(rng: Rng) -> bytes:
    """A valid 2x2 RGB PNG whose colours come from the rng."""
    width = height = 2
    pixels = rng.bits("png").to_bytes(8, "big") + rng.bits("png", 1).to_bytes(8, "big")
    rows = b"".join(b"\x00" + pixels[y * 6 : y * 6 + 6] for y in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


def _xml_name(name: str) -> str:
    cleaned = re.sub(r"[^A-Za-z0-9_.:-]", "_", name) or "item"
    return cleaned if re.match(r"[A-Za-z_]", cleaned) else "_" + cleaned


def _xml_text(value: Any) -> str:
    return _scalar_text(value)
