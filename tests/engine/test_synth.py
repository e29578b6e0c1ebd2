"""Schema-driven synthesis: one test per keyword, determinism, bodies, and a Hypothesis property test."""

from __future__ import annotations

import base64
import ipaddress
import json
import re
import struct
import urllib.parse
import uuid
import zlib
from datetime import UTC, datetime, timedelta
from typing import Any
from xml.etree import ElementTree

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openapi_schema_validator import (
    OAS30ReadValidator,
    OAS30WriteValidator,
    OAS31Validator,
    oas30_format_checker,
    oas31_format_checker,
)
from referencing import Registry
from referencing.jsonschema import DRAFT4, DRAFT202012

from specmock.engine import regex_gen
from specmock.engine import values as vocabulary
from specmock.engine.rng import Rng
from specmock.engine.synth import Synthesizer

NOW = datetime(2024, 6, 1, 12, 0, tzinfo=UTC)
SEEDS = range(40)
DOC_URI = "urn:specmock:test-document"


def document(schemas: dict[str, Any] | None = None, version: str = "3.1") -> dict[str, Any]:
    return {
        "openapi": "3.1.0" if version == "3.1" else "3.0.3",
        "info": {"title": "t", "version": "1"},
        "paths": {},
        "components": {"schemas": schemas or {}},
    }


def errors(value: Any, schema: Any, doc: dict[str, Any], version: str = "3.1", writing: bool = False) -> list[str]:
    """What openapi-schema-validator says about value, with refs resolving against doc."""
    doc = {**doc, "x-under-test": schema}
    v31 = version == "3.1"
    registry: Registry[Any] = Registry().with_resource(DOC_URI, (DRAFT202012 if v31 else DRAFT4).create_resource(doc))
    cls = OAS31Validator if v31 else OAS30WriteValidator if writing else OAS30ReadValidator
    validator = cls(
        {"$ref": f"{DOC_URI}#/x-under-test"},
        registry=registry,
        format_checker=oas31_format_checker if v31 else oas30_format_checker,
    )
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(value)]


def values(
    schema: Any,
    schemas: dict[str, Any] | None = None,
    version: str = "3.1",
    seeds: range = SEEDS,
    writing: bool = False,
    **kwargs: Any,
) -> list[Any]:
    """Values for many seeds, each checked by the real validator."""
    doc = document(schemas, version)
    synth = Synthesizer(doc, version, now=NOW, **kwargs)
    out = []
    for seed in seeds:
        value = synth.value(schema, Rng.root(seed), writing=writing)
        problems = errors(value, schema, doc, version, writing)
        assert not problems, f"seed {seed}: {value!r}: {problems}"
        out.append(value)
    return out


# ------------------------------------------------------------------ types and formats


@pytest.mark.parametrize(
    ("kind", "python"),
    [("string", str), ("integer", int), ("number", (int, float)), ("boolean", bool), ("array", list), ("object", dict)],
)
def test_type(kind: str, python: type | tuple[type, ...]) -> None:
    assert all(isinstance(v, python) for v in values({"type": kind}))


def test_null_type() -> None:
    assert values({"type": "null"}) == [None] * len(SEEDS)


def test_31_type_array_uses_every_type_and_null_rarely() -> None:
    got = values({"type": ["string", "integer", "null"]}, seeds=range(200))
    kinds = {type(v).__name__ for v in got}
    assert kinds == {"str", "int", "NoneType"}
    assert 0 < sum(v is None for v in got) < 50


@pytest.mark.parametrize(
    ("fmt", "check"),
    [
        ("date-time", lambda v: datetime.fromisoformat(v.replace("Z", "+00:00")) <= NOW),
        ("date", lambda v: re.fullmatch(r"\d{4}-\d{2}-\d{2}", v)),
        ("time", lambda v: re.fullmatch(r"\d{2}:\d{2}:\d{2}", v)),
        ("uuid", lambda v: str(uuid.UUID(v)) == v),
        ("email", lambda v: re.fullmatch(r"[a-z]+(\.[a-z]+\d*|[a-z]*)@[a-z0-9-]+\.[a-z]+", v)),
        ("uri", lambda v: urllib.parse.urlsplit(v).scheme == "https"),
        ("url", lambda v: v.startswith("https://")),
        ("hostname", lambda v: re.fullmatch(r"[a-z]+-\d+(\.[a-z0-9-]+)+", v)),
        ("ipv4", lambda v: ipaddress.IPv4Address(v)),
        ("ipv6", lambda v: ipaddress.IPv6Address(v)),
        ("byte", lambda v: base64.b64decode(v, validate=True)),
        ("binary", lambda v: isinstance(v, str)),
        ("password", lambda v: len(v) >= 8),
    ],
)
def test_string_formats(fmt: str, check: Any) -> None:
    for value in values({"type": "string", "format": fmt}):
        assert check(value), value


def test_date_times_come_from_now_not_the_clock() -> None:
    for value in values({"type": "string", "format": "date-time"}):
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
        assert NOW - timedelta(days=366) <= moment <= NOW


@pytest.mark.parametrize(("fmt", "low", "high"), [("int32", -(2**31), 2**31 - 1), ("int64", -(2**63), 2**63 - 1)])
def test_integer_formats(fmt: str, low: int, high: int) -> None:
    for value in values({"type": "integer", "format": fmt}):
        assert isinstance(value, int) and low <= value <= high
    for value in values({"type": "integer", "format": fmt, "minimum": high - 3}):
        assert high - 3 <= value <= high


@pytest.mark.parametrize("fmt", ["float", "double"])
def test_number_formats(fmt: str) -> None:
    got = values({"type": "number", "format": fmt})
    assert all(isinstance(v, float) for v in got)


def test_enum_and_const() -> None:
    assert set(values({"type": "string", "enum": ["a", "b", "c"]})) == {"a", "b", "c"}
    assert set(values({"enum": [1, "two", None]}, seeds=range(100))) >= {1, "two"}
    assert values({"const": {"k": [1, 2]}}) == [{"k": [1, 2]}] * len(SEEDS)


def test_enum_with_30_nullable_gives_null_only_when_listed() -> None:
    got = values({"type": "string", "nullable": True, "enum": ["on", "off", None]}, version="3.0", seeds=range(100))
    assert None in got and "on" in got
    assert None not in values({"type": "string", "nullable": True, "enum": ["on", "off"]}, version="3.0")


# ------------------------------------------------------------------ strings and patterns


PATTERNS = [
    r"^[a-z]{2,5}\d+$",
    r"^\+?[1-9]\d{1,14}$",
    r"^[A-Z]{3}$",
    r"^#[0-9a-fA-F]{6}$",
    r"(ab|cd)*x",
    r"[^a-z]",
    r"\w+@\w+\.com",
    r"^(?P<x>a)(?P=x)b$",
    r"^\d{4}-\d{2}-\d{2}$",
    r"^[^\s]+$",
    r"^(?!x)[a-z]+$",
    r"^[\u0041-\u005A]{2}\s?\d*$",
    r"^sk-[A-Za-z0-9]{8}$",
    r"^(GET|POST|PUT)$",
    r"^[a-z0-9]+(?:-[a-z0-9]+)*$",
    r"^\S+\.(png|jpe?g)$",
]


@pytest.mark.parametrize("pattern", PATTERNS)
def test_pattern(pattern: str) -> None:
    for value in values({"type": "string", "pattern": pattern}):
        assert re.search(pattern, value)


def test_pattern_with_lengths() -> None:
    for value in values({"type": "string", "pattern": "^[a-z]+$", "minLength": 20, "maxLength": 22}):
        assert 20 <= len(value) <= 22
    for value in values({"type": "string", "pattern": "[0-9]", "minLength": 10, "maxLength": 10}):
        assert len(value) == 10


def test_regex_gen_gives_up_cleanly() -> None:
    assert regex_gen.generate("(", Rng.root(1)) is None
    assert regex_gen.generate("^a$", Rng.root(1), min_length=2) is None
    assert regex_gen.generate("^a{2,3}$", Rng.root(1), min_length=5, max_length=4) is None


def test_string_lengths() -> None:
    for value in values({"type": "string", "minLength": 30, "maxLength": 35}):
        assert 30 <= len(value) <= 35
    assert values({"type": "string", "maxLength": 0}) == [""] * len(SEEDS)
    for value in values({"type": "string", "format": "date-time", "minLength": 1}):
        assert value.endswith("Z")


# ------------------------------------------------------------------ numbers


def test_minimum_maximum() -> None:
    for value in values({"type": "integer", "minimum": 5, "maximum": 7}):
        assert 5 <= value <= 7
    for value in values({"type": "number", "minimum": -1.5, "maximum": -1.25}):
        assert -1.5 <= value <= -1.25
    for value in values({"type": "integer", "minimum": 10**12}):
        assert value >= 10**12
    for value in values({"type": "integer", "maximum": -(10**12)}):
        assert value <= -(10**12)


def test_exclusive_bounds_31_numeric() -> None:
    assert set(values({"type": "integer", "exclusiveMinimum": 0, "exclusiveMaximum": 2})) == {1}
    for value in values({"type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 0.01}):
        assert 0 < value < 0.01


def test_exclusive_bounds_30_boolean() -> None:
    schema = {"type": "integer", "minimum": 0, "exclusiveMinimum": True, "maximum": 2, "exclusiveMaximum": True}
    assert set(values(schema, version="3.0")) == {1}
    schema = {"type": "number", "minimum": 1, "exclusiveMinimum": True, "maximum": 1.5}
    for value in values(schema, version="3.0"):
        assert 1 < value <= 1.5


@pytest.mark.parametrize("step", [3, 7, 0.5, 0.25, 0.1, 0.01, 2.5])
def test_multiple_of(step: float) -> None:
    values({"type": "number", "multipleOf": step})
    values({"type": "number", "multipleOf": step, "minimum": 3, "maximum": 40})
    values({"type": "integer", "multipleOf": step, "minimum": -20, "maximum": 20})


# ------------------------------------------------------------------ arrays and objects


def test_array_sizes() -> None:
    sizes = {len(v) for v in values({"type": "array", "items": {"type": "integer"}})}
    assert sizes <= {1, 2, 3} and len(sizes) > 1
    for value in values({"type": "array", "items": {"type": "string"}, "minItems": 5, "maxItems": 6}):
        assert 5 <= len(value) <= 6
    assert values({"type": "array", "maxItems": 0}) == [[]] * len(SEEDS)


def test_unique_items() -> None:
    schema = {"type": "array", "items": {"enum": ["a", "b", "c"]}, "minItems": 3, "uniqueItems": True}
    assert all(sorted(v) == ["a", "b", "c"] for v in values(schema))
    values({"type": "array", "items": {"type": "boolean"}, "minItems": 2, "uniqueItems": True})


def test_31_prefix_items_and_contains() -> None:
    schema = {"type": "array", "prefixItems": [{"type": "integer"}, {"type": "string"}], "items": False}
    assert all(len(v) <= 2 for v in values(schema))
    values({"type": "array", "items": {"type": "integer"}, "contains": {"const": 7}})


def test_required_always_optional_mostly() -> None:
    schema = {
        "type": "object",
        "required": ["a"],
        "properties": {"a": {"type": "string"}, "b": {"type": "string"}, "c": {"type": "integer"}},
    }
    got = values(schema, seeds=range(300))
    assert all("a" in v for v in got)
    share = sum("b" in v for v in got) / len(got)
    assert 0.6 < share < 0.8


def test_required_without_a_property_schema() -> None:
    assert all("x" in v for v in values({"type": "object", "required": ["x"]}))


def test_min_max_properties() -> None:
    schema = {"type": "object", "properties": {k: {"type": "integer"} for k in "abcdef"}, "maxProperties": 2}
    assert all(len(v) <= 2 for v in values(schema))
    schema = {"type": "object", "properties": {"a": {"type": "integer"}}, "minProperties": 3}
    assert all(len(v) >= 3 for v in values(schema))


def test_additional_properties() -> None:
    closed = {"type": "object", "properties": {"a": {"type": "integer"}}, "additionalProperties": False}
    assert all(set(v) <= {"a"} for v in values({**closed, "minProperties": 1}))
    free = values({"type": "object", "properties": {"a": {"type": "integer"}}, "additionalProperties": True})
    assert all(set(v) <= {"a"} for v in free)
    mapping = values({"type": "object", "additionalProperties": {"type": "integer", "minimum": 1}})
    assert all(v and all(isinstance(x, int) for x in v.values()) for v in mapping)


def test_pattern_properties() -> None:
    schema = {"type": "object", "patternProperties": {"^x-[a-z]+$": {"type": "string"}}, "additionalProperties": False}
    got = values(schema)
    assert all(v and all(re.fullmatch("x-[a-z]+", k) for k in v) for v in got)


def test_read_only_and_write_only() -> None:
    schema = {
        "type": "object",
        "required": ["id", "password", "name"],
        "properties": {
            "id": {"type": "integer", "readOnly": True},
            "password": {"type": "string", "writeOnly": True},
            "name": {"type": "string"},
            "token": {"type": "string", "readOnly": True},
            "secret": {"type": "string", "writeOnly": True},
        },
    }
    for response in values(schema, version="3.0"):
        assert "password" not in response and "secret" not in response and "id" in response
    for request in values(schema, version="3.0", writing=True):
        assert "id" not in request and "token" not in request and "password" in request
    # 3.1 applies `required` as written, so required hidden properties stay; optional ones go.
    for response in values(schema, version="3.1"):
        assert "password" in response and "secret" not in response


def test_31_choice_settles_on_a_branch_without_a_required_hidden_property() -> None:
    # JSON Schema: a writeOnly value is never retrieved (schemathesis forbids it in a response),
    # while openapi-core's 3.1 `required` wants it: the branch that needs neither is the answer.
    schemas = {
        "Static": {
            "type": "object",
            "additionalProperties": False,
            "required": ["endpoint", "secret"],
            "properties": {"endpoint": {"type": "string"}, "secret": {"type": "string", "writeOnly": True}},
        },
        "Default": {
            "type": "object",
            "additionalProperties": False,
            "required": ["endpoint"],
            "properties": {"endpoint": {"type": "string"}},
        },
    }
    schema = {"anyOf": [{"$ref": "#/components/schemas/Static"}, {"$ref": "#/components/schemas/Default"}]}
    responses = values(schema, schemas, version="3.1")
    assert all("secret" not in v for v in responses)
    assert any("secret" in v for v in values(schema, schemas, version="3.1", writing=True))


def test_30_nullable() -> None:
    got = values({"type": "integer", "nullable": True}, version="3.0", seeds=range(200))
    nulls = sum(v is None for v in got)
    assert 0 < nulls < 50


def test_31_nullable_keyword_is_ignored() -> None:
    assert None not in values({"type": "integer", "nullable": True}, version="3.1", seeds=range(100))


def test_31_any_of_null_prefers_the_value() -> None:
    got = values({"anyOf": [{"type": "string", "format": "email"}, {"type": "null"}]}, seeds=range(200))
    assert 0 < sum(v is None for v in got) < 50


# ------------------------------------------------------------------ composition


def test_all_of_merges_properties_required_and_bounds() -> None:
    schemas = {
        "Base": {"type": "object", "required": ["id"], "properties": {"id": {"type": "integer", "minimum": 10}}},
    }
    schema = {
        "allOf": [
            {"$ref": "#/components/schemas/Base"},
            {"type": "object", "required": ["name"], "properties": {"name": {"type": "string"}}},
            {"properties": {"id": {"maximum": 12}}},
        ]
    }
    for value in values(schema, schemas):
        assert {"id", "name"} <= set(value) and 10 <= value["id"] <= 12


def test_all_of_with_closed_member_drops_foreign_properties() -> None:
    schema = {
        "allOf": [
            {"type": "object", "properties": {"a": {"type": "integer"}}, "additionalProperties": False},
            {"type": "object", "properties": {"a": {"minimum": 3}, "b": {"type": "string"}}},
        ]
    }
    assert all("b" not in v for v in values(schema))


def test_all_of_intersects_types_lengths_and_enums() -> None:
    schema = {
        "allOf": [
            {"type": ["string", "integer"], "minLength": 3},
            {"type": "string", "maxLength": 4},
            {"enum": ["ab", "abc", "abcd", 7]},
        ]
    }
    assert set(values(schema)) == {"abc", "abcd"}


def test_one_of_values_match_exactly_one_branch() -> None:
    values({"oneOf": [{"type": "integer"}, {"type": "number"}]})
    values({"oneOf": [{"type": "string", "maxLength": 3}, {"type": "string", "minLength": 2}]})
    schemas = {
        "Card": {"type": "object", "required": ["number"], "properties": {"number": {"type": "string"}}},
        "Bank": {
            "type": "object",
            "required": ["iban"],
            "properties": {"iban": {"type": "string"}, "number": {"type": "string"}},
        },
    }
    values({"oneOf": [{"$ref": "#/components/schemas/Card"}, {"$ref": "#/components/schemas/Bank"}]}, schemas)


PETS = {
    "Cat": {
        "type": "object",
        "required": ["petType", "hunts"],
        "properties": {"petType": {"type": "string"}, "hunts": {"type": "boolean"}},
    },
    "Dog": {
        "type": "object",
        "required": ["petType", "barks"],
        "properties": {"petType": {"type": "string"}, "barks": {"type": "boolean"}},
    },
}


def test_discriminator_with_mapping() -> None:
    schema = {
        "oneOf": [{"$ref": "#/components/schemas/Cat"}, {"$ref": "#/components/schemas/Dog"}],
        "discriminator": {
            "propertyName": "petType",
            "mapping": {"cat": "#/components/schemas/Cat", "dog": "#/components/schemas/Dog"},
        },
    }
    got = values(schema, PETS)
    assert {v["petType"] for v in got} == {"cat", "dog"}
    assert all(("hunts" in v) == (v["petType"] == "cat") for v in got)


def test_discriminator_without_mapping_uses_schema_names() -> None:
    schema = {
        "anyOf": [{"$ref": "#/components/schemas/Cat"}, {"$ref": "#/components/schemas/Dog"}],
        "discriminator": {"propertyName": "petType"},
    }
    got = values(schema, PETS, version="3.0")
    assert {v["petType"] for v in got} == {"Cat", "Dog"}
    assert all(("barks" in v) == (v["petType"] == "Dog") for v in got)


def test_inherited_discriminator_names_the_subtype() -> None:
    schemas = {
        "Pet": {
            "type": "object",
            "required": ["kind"],
            "properties": {"kind": {"type": "string"}},
            "discriminator": {"propertyName": "kind", "mapping": {"lizard": "#/components/schemas/Lizard"}},
        },
        "Lizard": {"allOf": [{"$ref": "#/components/schemas/Pet"}, {"properties": {"scales": {"type": "integer"}}}]},
        "Snake": {"allOf": [{"$ref": "#/components/schemas/Pet"}]},
    }
    assert {v["kind"] for v in values({"$ref": "#/components/schemas/Lizard"}, schemas)} == {"lizard"}
    assert {v["kind"] for v in values({"$ref": "#/components/schemas/Snake"}, schemas)} == {"Snake"}


def test_not() -> None:
    assert all(
        v not in ("a", "b") for v in values({"type": "string", "enum": ["a", "b", "c"], "not": {"enum": ["a", "b"]}})
    )
    assert all(not isinstance(v, str) for v in values({"not": {"type": "string"}}))
    for value in values({"type": "integer", "minimum": 0, "maximum": 3, "not": {"minimum": 1}}):
        assert value == 0


def test_empty_schema_gives_simple_json() -> None:
    for value in values({}):
        assert isinstance(value, str | int | bool)
    values(True)


# ------------------------------------------------------------------ references and recursion


TREE = {
    "Node": {
        "type": "object",
        "required": ["value", "children"],
        "properties": {
            "value": {"type": "integer"},
            "children": {"type": "array", "items": {"$ref": "#/components/schemas/Node"}},
            "parent": {"$ref": "#/components/schemas/Node"},
        },
    },
    "Chain": {
        "type": "object",
        "required": ["next"],
        "properties": {"next": {"$ref": "#/components/schemas/Link"}},
    },
    "Link": {
        "type": "object",
        "nullable": True,
        "required": ["next"],
        "properties": {"next": {"$ref": "#/components/schemas/Link"}},
    },
    "Expr": {
        "oneOf": [
            {"type": "integer"},
            {
                "type": "object",
                "required": ["left", "right"],
                "properties": {
                    "left": {"$ref": "#/components/schemas/Expr"},
                    "right": {"$ref": "#/components/schemas/Expr"},
                },
            },
        ]
    },
}


def depth_of(value: Any) -> int:
    if isinstance(value, dict):
        return 1 + max((depth_of(v) for v in value.values()), default=0)
    if isinstance(value, list):
        return 1 + max((depth_of(v) for v in value), default=0)
    return 0


@pytest.mark.parametrize("name", ["Node", "Chain", "Expr"])
@pytest.mark.parametrize("max_depth", [1, 3, 6])
def test_recursive_refs_are_bounded(name: str, max_depth: int) -> None:
    for version in ("3.0", "3.1"):
        schemas = TREE if version == "3.0" else {**TREE, "Link": {**TREE["Link"], "type": ["object", "null"]}}
        got = values({"$ref": f"#/components/schemas/{name}"}, schemas, version=version, max_depth=max_depth)
        assert max(depth_of(v) for v in got) <= 2 * max_depth + 2


def test_minimal_value_at_the_depth_limit() -> None:
    got = values({"$ref": "#/components/schemas/Node"}, TREE, max_depth=1)
    assert all(v["children"] == [] or all(c["children"] == [] for c in v["children"]) for v in got)
    link = values({"$ref": "#/components/schemas/Chain"}, TREE, version="3.0", max_depth=2)
    assert all(v["next"] is None or v["next"]["next"] is None for v in link)
    assert any(v["next"] is not None for v in link)


# ------------------------------------------------------------------ realism and determinism


def test_property_names_give_realistic_strings() -> None:
    schema = {
        "type": "object",
        "required": ["email", "created_at", "website", "country_code", "userId", "firstName"],
        "properties": {
            "email": {"type": "string"},
            "created_at": {"type": "string"},
            "website": {"type": "string"},
            "country_code": {"type": "string"},
            "userId": {"type": "string"},
            "firstName": {"type": "string"},
        },
    }
    for value in values(schema):
        assert "@" in value["email"]
        assert datetime.fromisoformat(value["created_at"].replace("Z", "+00:00"))
        assert value["website"].startswith("https://")
        assert re.fullmatch("[A-Z]{2}", value["country_code"])
        assert re.fullmatch("[a-z0-9]{12}", value["userId"])
        assert value["firstName"].istitle()
    stamps = values({"type": "object", "required": ["created_at"], "properties": {"created_at": {"type": "integer"}}})
    for stamp in stamps:
        assert NOW - timedelta(days=366) <= datetime.fromtimestamp(stamp["created_at"], UTC) <= NOW


def test_synthesis_speaks_the_engine_vocabulary() -> None:
    """Hinted strings and filler come from the pools generators use, not from a list of synthesis's own."""
    pools = vocabulary.pools()
    drawn_from = {
        "firstName": pools.first_names,
        "last_name": pools.last_names,
        "company": pools.companies,
        "city": pools.cities,
        "country": pools.country_codes,
        "currency": pools.currency_codes,
        "locale": pools.locales,
        "address": pools.street_addresses,
        "description": pools.sentences,
        "hostname": pools.hostnames,
        "domain": pools.domains,
        "file_name": pools.file_names,
        "status": vocabulary.STATUSES,
        "kind": pools.words,
    }
    schema = {
        "type": "object",
        "required": [*drawn_from, "filler"],
        "properties": {**{name: {"type": "string"} for name in drawn_from}, "filler": {"type": "string"}},
    }
    for value in values(schema):
        for name, pool in drawn_from.items():
            assert value[name] in pool, (name, value[name])
        assert all(word in pools.words for word in value["filler"].split(" "))
    for email in values({"type": "string", "format": "email"}):
        assert email.partition("@")[2] in pools.domains


def test_a_hinted_value_too_long_for_max_length_gives_way_to_filler() -> None:
    for value in values(
        {
            "type": "object",
            "required": ["description"],
            "properties": {"description": {"type": "string", "maxLength": 12}},
        }
    ):
        assert len(value["description"]) <= 12


BIG = {
    "type": "object",
    "required": ["id", "name", "tags", "owner"],
    "properties": {
        "id": {"type": "string", "format": "uuid"},
        "name": {"type": "string"},
        "score": {"type": "number", "minimum": 0, "maximum": 1},
        "tags": {"type": "array", "items": {"type": "string"}},
        "owner": {"type": "object", "properties": {"email": {"type": "string", "format": "email"}}},
    },
}


def test_same_seed_same_value_different_seeds_differ() -> None:
    synth = Synthesizer(document(), "3.1", now=NOW)
    first = [synth.value(BIG, Rng.root(seed)) for seed in range(10)]
    again = [Synthesizer(document(), "3.1", now=NOW).value(BIG, Rng.root(seed)) for seed in range(10)]
    assert first == again
    assert len({json.dumps(v, sort_keys=True) for v in first}) == 10


def test_values_do_not_depend_on_what_ran_before() -> None:
    schemas = {**TREE, **PETS}
    fresh = Synthesizer(document(schemas), "3.1", now=NOW)
    used = Synthesizer(document(schemas), "3.1", now=NOW)
    for seed in range(20):
        used.value({"$ref": "#/components/schemas/Expr"}, Rng.root(seed))
        used.value({"$ref": "#/components/schemas/Node"}, Rng.root(seed))
    target = {"$ref": "#/components/schemas/Node"}
    assert [used.value(target, Rng.root(s)) for s in range(5)] == [fresh.value(target, Rng.root(s)) for s in range(5)]


def test_now_moves_dates() -> None:
    schema = {"type": "string", "format": "date-time"}
    early = Synthesizer(document(), "3.1", now=NOW).value(schema, Rng.root(1))
    later = Synthesizer(document(), "3.1", now=NOW + timedelta(days=1)).value(schema, Rng.root(1))
    assert datetime.fromisoformat(later.replace("Z", "+00:00")) - datetime.fromisoformat(
        early.replace("Z", "+00:00")
    ) == timedelta(days=1)


# ------------------------------------------------------------------ examples


def test_example_lookup_order() -> None:
    doc = document()
    doc["components"]["examples"] = {"Shared": {"value": {"from": "components"}}}
    synth = Synthesizer(doc, "3.1")
    assert synth.example({"example": {"a": 1}, "examples": {"x": {"value": 2}}}) == (True, {"a": 1})
    media = {"examples": {"one": {"value": 1}, "two": {"$ref": "#/components/examples/Shared"}}}
    assert synth.example(media) == (True, 1)
    assert synth.example(media, "two") == (True, {"from": "components"})
    assert synth.example(media, "missing") == (True, 1)
    assert synth.example({"schema": {"type": "integer", "example": 5}}) == (True, 5)
    assert synth.example({"schema": {"type": "integer", "examples": [6, 7]}}) == (True, 6)
    assert synth.example({"schema": {"type": "integer"}}) == (False, None)
    assert synth.example({"example": None}) == (True, None)


# ------------------------------------------------------------------ bodies


PET = {
    "type": "object",
    "required": ["id", "name", "tags"],
    "xml": {"name": "pet"},
    "properties": {
        "id": {"type": "integer", "xml": {"attribute": True}},
        "name": {"type": "string"},
        "tags": {"type": "array", "items": {"type": "string", "xml": {"name": "tag"}}, "xml": {"wrapped": True}},
    },
}


def synth_for_bodies() -> Synthesizer:
    return Synthesizer(document({"Pet": PET}), "3.1", now=NOW)


@pytest.mark.parametrize(
    "media_type", ["application/json", "application/problem+json", "application/json; charset=utf-8"]
)
def test_json_body(media_type: str) -> None:
    synth = synth_for_bodies()
    body = synth.body(media_type, {"schema": PET}, Rng.root(3))
    value = synth.value(PET, Rng.root(3))
    assert body == json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()


def test_text_bodies() -> None:
    synth = synth_for_bodies()
    sentence = synth.body("text/plain", {"schema": {"type": "string"}}, Rng.root(1)).decode()
    assert sentence.endswith(".") and " " in sentence
    assert synth.body("text/plain", {"schema": {"type": "string", "enum": ["pong"]}}, Rng.root(1)) == b"pong"
    assert synth.body("text/html", {"schema": {"type": "string"}}, Rng.root(1)).startswith(b"<!DOCTYPE html>")
    assert synth.body("text/csv", {}, Rng.root(1)).count(b"\n") == 4
    assert json.loads(synth.body("text/plain", {"schema": PET}, Rng.root(1)))["name"]


def test_png_body_is_a_valid_png() -> None:
    data = synth_for_bodies().body("image/png", {"schema": {"type": "string", "format": "binary"}}, Rng.root(1))
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    pos = 8
    kinds = []
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind, payload = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        (crc,) = struct.unpack(">I", data[pos + 8 + length : pos + 12 + length])
        assert zlib.crc32(kind + payload) & 0xFFFFFFFF == crc
        kinds.append(kind)
        pos += 12 + length
    assert kinds == [b"IHDR", b"IDAT", b"IEND"]


@pytest.mark.parametrize(
    "media_type", ["application/octet-stream", "image/jpeg", "application/vnd.kubernetes.protobuf"]
)
def test_binary_bodies_are_deterministic(media_type: str) -> None:
    synth = synth_for_bodies()
    one = synth.body(media_type, {"schema": {"type": "string", "format": "binary"}}, Rng.root(1))
    assert one == synth.body(media_type, {}, Rng.root(1)) and one != synth.body(media_type, {}, Rng.root(2))
    assert isinstance(one, bytes) and len(one) >= 32


def test_xml_body() -> None:
    synth = synth_for_bodies()
    body = synth.body("application/xml", {"schema": {"$ref": "#/components/schemas/Pet"}}, Rng.root(4))
    root = ElementTree.fromstring(body)
    value = synth.value({"$ref": "#/components/schemas/Pet"}, Rng.root(4))
    assert root.tag == "pet" and root.get("id") == str(value["id"])
    assert root.findtext("name") == value["name"]
    assert [t.text for t in root.find("tags") or []] == value["tags"]
    listing = synth.body(
        "application/xml", {"schema": {"type": "array", "items": {"$ref": "#/components/schemas/Pet"}}}, Rng.root(4)
    )
    assert all(child.tag == "pet" for child in ElementTree.fromstring(listing))


def test_form_yaml_and_multipart_bodies() -> None:
    synth = synth_for_bodies()
    value = synth.value(PET, Rng.root(5))
    form = urllib.parse.parse_qs(synth.body("application/x-www-form-urlencoded", {"schema": PET}, Rng.root(5)).decode())
    assert form["name"] == [value["name"]] and form["tags"] == value["tags"]
    assert yaml.safe_load(synth.body("application/yaml", {"schema": PET}, Rng.root(5))) == value
    assert b'name="name"' in synth.body("multipart/form-data", {"schema": PET}, Rng.root(5))


def test_body_without_schema_uses_the_example() -> None:
    synth = synth_for_bodies()
    assert synth.body("application/json", {"example": {"ok": True}}, Rng.root(1)) == b'{"ok":true}'
    assert synth.body("application/json", {}, Rng.root(1)) == b"{}"


# ------------------------------------------------------------------ Hypothesis: random schemas validate


NAMES = st.sampled_from(["id", "name", "email", "count", "created_at", "tags", "url", "status", "a", "b", "value"])


@st.composite
def string_schemas(draw: st.DrawFn) -> dict[str, Any]:
    shape = draw(st.sampled_from(["plain", "lengths", "format", "pattern", "pattern-lengths"]))
    if shape == "lengths":
        low = draw(st.integers(0, 12))
        return {"type": "string", "minLength": low, "maxLength": low + draw(st.integers(0, 10))}
    if shape == "format":
        fmts = ["date-time", "date", "time", "uuid", "email", "uri", "hostname", "ipv4", "ipv6", "byte", "password"]
        return {"type": "string", "format": draw(st.sampled_from(fmts))}
    if shape == "pattern":
        return {"type": "string", "pattern": draw(st.sampled_from(PATTERNS))}
    if shape == "pattern-lengths":
        return {"type": "string", "pattern": "^[a-z0-9_]+$", "minLength": 2, "maxLength": draw(st.integers(2, 40))}
    return {"type": "string"}


@st.composite
def number_schemas(draw: st.DrawFn) -> dict[str, Any]:
    kind = draw(st.sampled_from(["integer", "number"]))
    schema: dict[str, Any] = {"type": kind}
    low = draw(st.integers(-1000, 1000))
    width = draw(st.integers(12, 500))  # room for a multiple of any step strictly inside
    if draw(st.booleans()):
        schema["exclusiveMinimum" if draw(st.booleans()) else "minimum"] = low
    if draw(st.booleans()):
        schema["exclusiveMaximum" if draw(st.booleans()) else "maximum"] = low + width
    if draw(st.booleans()):
        schema["multipleOf"] = draw(st.sampled_from([2, 5, 0.5, 0.25] if kind == "integer" else [2, 0.5, 0.1, 0.01]))
    if kind == "integer" and draw(st.booleans()):
        schema["format"] = draw(st.sampled_from(["int32", "int64"]))
    return schema


SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-5, 5), st.text("abc", max_size=3))
LEAVES = st.one_of(
    string_schemas(),
    number_schemas(),
    st.just({"type": "boolean"}),
    st.just({"type": "null"}),
    st.just({}),
    st.lists(SCALARS, min_size=1, max_size=4, unique_by=lambda v: json.dumps(v)).map(lambda e: {"enum": e}),
    SCALARS.map(lambda c: {"const": c}),
    st.sampled_from(["Leaf", "Tree", "Pet", "Cat"]).map(lambda name: {"$ref": f"#/components/schemas/{name}"}),
    st.sampled_from(
        [
            {
                "oneOf": [{"$ref": "#/components/schemas/Cat"}, {"$ref": "#/components/schemas/Dog"}],
                "discriminator": {"propertyName": "petType", "mapping": {"c": "#/components/schemas/Cat"}},
            },
            {
                "anyOf": [{"$ref": "#/components/schemas/Cat"}, {"$ref": "#/components/schemas/Dog"}],
                "discriminator": {"propertyName": "petType"},
            },
            {
                "type": "object",
                "required": ["r", "w", "n"],
                "properties": {
                    "r": {"type": "string", "readOnly": True},
                    "w": {"type": "string", "writeOnly": True},
                    "n": {"type": "integer"},
                    "ro": {"type": "integer", "readOnly": True},
                },
            },
            {"type": "object", "patternProperties": {"^x-[a-z]+$": {"type": "integer"}}, "additionalProperties": False},
            {"type": ["string", "integer", "boolean"], "minLength": 2, "minimum": 3},
        ]
    ),
)
PET_BASE = {
    "type": "object",
    "required": ["petType"],
    "properties": {"petType": {"type": "string"}, "name": {"type": "string"}},
    "discriminator": {"propertyName": "petType"},
}
COMPONENTS = {
    "Pet": PET_BASE,
    "Cat": {
        "allOf": [
            {"$ref": "#/components/schemas/Pet"},
            {"required": ["lives"], "properties": {"lives": {"type": "integer", "maximum": 9}}},
        ]
    },
    "Dog": {"allOf": [{"$ref": "#/components/schemas/Pet"}, {"properties": {"barks": {"type": "boolean"}}}]},
    "Leaf": {
        "type": "object",
        "required": ["code"],
        "properties": {"code": {"type": "string", "pattern": "^[A-Z]{3}$"}},
    },
    "Tree": {
        "type": "object",
        "properties": {
            "label": {"type": "string"},
            "kids": {"type": "array", "items": {"$ref": "#/components/schemas/Tree"}},
        },
    },
}


def nullable(schema: dict[str, Any]) -> dict[str, Any]:
    kind = schema.get("type")
    if isinstance(kind, str) and kind != "null":
        return {**schema, "type": [kind, "null"]}
    return schema


def object_schema(props: dict[str, Any], required: list[str], extra: Any, size: str) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "object", "properties": props, "required": [k for k in props if k in required]}
    if extra is not None:
        schema["additionalProperties"] = extra
    if size == "maxProperties":
        schema["maxProperties"] = max(2, len(schema["required"]))
    elif size == "minProperties" and (props or extra is not False):
        schema["minProperties"] = 1
    return schema


def extend(children: st.SearchStrategy[dict[str, Any]]) -> st.SearchStrategy[dict[str, Any]]:
    objects = st.builds(
        object_schema,
        st.dictionaries(NAMES, children, max_size=4),
        st.lists(NAMES, max_size=3),
        st.one_of(st.none(), st.booleans(), children),
        st.sampled_from(["", "maxProperties", "minProperties"]),
    )
    arrays = st.builds(
        lambda items, low, extra: {"type": "array", "items": items, "minItems": low, "maxItems": low + extra},
        children,
        st.integers(0, 2),
        st.integers(0, 3),
    )
    unique = st.sampled_from([{"type": "string", "minLength": 4}, {"type": "integer"}, {"format": "uuid"}]).map(
        lambda items: {"type": "array", "items": items, "uniqueItems": True, "maxItems": 3}
    )
    impossible_items = st.just({"type": "array", "items": {"type": "string", "minLength": 3, "maxLength": 1}})
    maps = st.builds(lambda v: {"type": "object", "additionalProperties": v}, children)
    any_of = st.lists(children, min_size=1, max_size=3).map(lambda bs: {"anyOf": bs})
    one_of = st.permutations(
        [{"type": "string"}, {"type": "integer"}, {"type": "boolean"}, {"type": "null"}, {"type": "array"}]
    ).map(lambda bs: {"oneOf": bs[:3]})
    one_of_objects = st.builds(
        lambda a, b: {
            "oneOf": [
                {"type": "object", "required": ["kind", "a"], "properties": {"kind": {"const": "A"}, "a": a}},
                {"type": "object", "required": ["kind", "b"], "properties": {"kind": {"const": "B"}, "b": b}},
            ]
        },
        children,
        children,
    )
    all_of = st.builds(
        lambda a, b, c: {
            "allOf": [
                {"type": "object", "required": ["a"], "properties": {"a": a}},
                {"type": "object", "properties": {"b": b, "a": {"description": "shared"}}},
                {"required": ["c"], "properties": {"c": c}},
            ]
        },
        children,
        children,
        children,
    )
    negated = st.sampled_from(
        [
            {"type": "string", "not": {"enum": ["", "a"]}},
            {"type": "integer", "minimum": 0, "maximum": 10, "not": {"const": 5}},
            {"not": {"type": ["string", "object", "array"]}},
        ]
    )
    return st.one_of(
        objects,
        arrays,
        unique,
        impossible_items,
        maps,
        any_of,
        one_of,
        one_of_objects,
        all_of,
        negated,
        children.map(nullable),
    )


SCHEMAS = st.recursive(LEAVES, extend, max_leaves=10)


def to_30(schema: Any) -> Any:
    """The same constraints in 3.0 spelling: nullable, boolean exclusive bounds, enum for const."""
    if isinstance(schema, list):
        return [to_30(s) for s in schema]
    if not isinstance(schema, dict):
        return schema
    out: dict[str, Any] = {}
    for key, val in schema.items():
        if key in ("properties", "patternProperties"):
            out[key] = {k: to_30(v) for k, v in val.items()}
        elif key in ("items", "additionalProperties", "not", "allOf", "anyOf", "oneOf"):
            out[key] = to_30(val)
        elif key == "type" and isinstance(val, list):
            real = [t for t in val if t != "null"]
            out["type"] = real[0]
            out["nullable"] = True
        elif key == "type" and val == "null":
            out["enum"] = [None]
        elif key == "const":
            out["enum"] = [val]
        elif key in ("exclusiveMinimum", "exclusiveMaximum"):
            bound = "minimum" if key == "exclusiveMinimum" else "maximum"
            out[bound] = val
            out[key] = True
        else:
            out[key] = val
    if out.get("type") == "array" and "items" not in out:
        out["items"] = {}
    return out


@settings(max_examples=800, derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(schema=SCHEMAS, seed=st.integers(0, 2**32), writing=st.booleans())
def test_random_schemas_give_valid_values_31(schema: dict[str, Any], seed: int, writing: bool) -> None:
    doc = document(COMPONENTS)
    synth = Synthesizer(doc, "3.1", now=NOW)
    value = synth.value(schema, Rng.root(seed), writing=writing)
    assert not errors(value, schema, doc), f"{value!r}: {errors(value, schema, doc)}"
    assert Synthesizer(doc, "3.1", now=NOW).value(schema, Rng.root(seed), writing=writing) == value


@settings(max_examples=500, derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(schema=SCHEMAS, seed=st.integers(0, 2**32), writing=st.booleans())
def test_random_schemas_give_valid_values_30(schema: dict[str, Any], seed: int, writing: bool) -> None:
    schema = to_30(schema)
    doc = document(to_30(COMPONENTS), "3.0")
    value = Synthesizer(doc, "3.0", now=NOW).value(schema, Rng.root(seed), writing=writing)
    problems = errors(value, schema, doc, "3.0", writing)
    assert not problems, f"{value!r}: {problems}"
