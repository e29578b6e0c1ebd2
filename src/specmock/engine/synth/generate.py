"""Generation: the walk from a schema to a value (choices, types, objects, arrays, scalars), retried until it checks."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, replace
from fractions import Fraction
from typing import Any

from specmock.engine import regex_gen, values
from specmock.engine.rng import Rng
from specmock.engine.synth.check import _INT_RANGES, Checker, _is_multiple
from specmock.engine.synth.hints import Hints, _float_hint, _int_hint, _optional_chance
from specmock.engine.synth.schema import _canonical, _dict, _list, _mapping_ref, _search

_NULL_CHANCE = 0.1
_EXAMPLE_CHANCE = 0.25
_RETRIES = 4
_MAX_HOPS = 64  # branch choices along one path: stops oneOf/anyOf cycles that never reach a container
_HARD_DEPTH = 40  # past max_depth, for schemas whose required properties recurse with no way out
_INF = 1 << 30
_UNSET: Any = object()
_OBJECT_KEYS = ("properties", "required", "additionalProperties", "patternProperties", "minProperties")
_OBJECT_KEYS2 = ("maxProperties", "propertyNames", "dependentRequired", "discriminator")
_ARRAY_KEYS = ("items", "prefixItems", "minItems", "maxItems", "uniqueItems", "contains")
_STRING_KEYS = ("minLength", "maxLength", "pattern")
_NUMBER_KEYS = ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf")
_INTEGER_FORMATS = ("int32", "int64")
_NUMBER_FORMATS = ("float", "double")
_ALL_TYPES = ("string", "integer", "number", "boolean", "object", "array", "null")


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


class Generator(Checker, Hints):
    """The core walk: `value` and what it calls to build an instance of a schema."""

    max_depth: int
    _cost_cache: dict[tuple[str, int], int]

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
