"""Checking: a small validator with the semantics of openapi-schema-validator, for self-checks and retries."""

from __future__ import annotations

import base64
import ipaddress
import re
import uuid
from datetime import date
from fractions import Fraction
from typing import Any

from specmock.engine.synth.schema import Schemas, _canonical, _dict, _list, _search
from specmock.spec.refs import lookup

_CHECK_DEPTH = 200
_INT_RANGES = {"int32": (-(1 << 31), (1 << 31) - 1), "int64": (-(1 << 63), (1 << 63) - 1)}
_DATETIME_RE = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$")
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# openapi-schema-validator's format checker ends up with jsonschema's draft 3 `time`: strptime("%H:%M:%S").
_TIME_RE = re.compile(r"^([01]\d|2[0-3]):[0-5]\d:[0-5]\d$")


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


class Checker(Schemas):
    """Whether a value is valid for a schema, raw or flattened, as openapi-schema-validator decides it."""

    def valid(self, value: Any, schema: Any) -> bool:
        """Whether value is valid for schema, with the semantics of openapi-schema-validator for this version."""
        return self._check(value, schema, 0)

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
