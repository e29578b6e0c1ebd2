"""Schema algebra: `$ref`s followed, `allOf` merged into one flattened schema, nullable parts, discriminators.

A flattened schema keeps what cannot be merged aside, under keys of its own: `__choices__`
(oneOf/anyOf groups with their discriminator), `__not__`, `__checks__` (a second pattern or
format, each multipleOf), `__force__` (values a discriminator sets) and `__false__` (no value).
"""

from __future__ import annotations

import json
import math
import re
from fractions import Fraction
from typing import Any

from specmock.spec.refs import lookup


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


class Schemas:
    """References and flattening over one bundled document: what generation and checking read."""

    document: dict[str, Any]
    v30: bool
    _flat_cache: dict[str, dict[str, Any]]

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

    # ---------------------------------------------------------------- what a schema admits, discriminators

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
