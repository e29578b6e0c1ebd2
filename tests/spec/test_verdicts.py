"""The openapi-core adapter: precise messages, server base paths, XML and 3.1 binary bodies."""

from __future__ import annotations

import json
from typing import Any

from specmock.spec.verdicts import SpecValidator


def document(version: str = "3.1.0", servers: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    pet = {
        "type": "object",
        "required": ["id", "status"],
        "properties": {"id": {"type": "integer"}, "status": {"type": "string", "enum": ["available", "sold"]}},
    }
    return {
        "openapi": version,
        "info": {"title": "t", "version": "1"},
        "servers": servers or [{"url": "/"}],
        "paths": {
            "/pets/{id}": {
                "get": {
                    "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}],
                    "responses": {
                        "200": {"description": "ok", "content": {"application/json": {"schema": pet}}},
                    },
                }
            },
            "/pets/{id}/photo": {
                "get": {
                    "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}],
                    "responses": {
                        "200": {
                            "description": "ok",
                            "content": {"image/png": {"schema": {"type": "string", "format": "binary"}}},
                        }
                    },
                }
            },
            "/pets/{id}/card": {
                "get": {
                    "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}],
                    "responses": {
                        "200": {"description": "ok", "content": {"application/xml": {"schema": pet}}},
                    },
                }
            },
        },
    }


def check(validator: SpecValidator, path: str, content_type: str, body: bytes, status: int = 200) -> list[str]:
    return [str(v) for v in validator.response_violations("GET", path, [], status, content_type, body)]


def test_a_conforming_response_has_no_violation() -> None:
    validator = SpecValidator(document())
    assert check(validator, "/pets/1", "application/json", json.dumps({"id": 1, "status": "sold"}).encode()) == []


def test_each_defect_is_named_with_its_place() -> None:
    validator = SpecValidator(document())
    wrong_enum = check(validator, "/pets/1", "application/json", b'{"id": 1, "status": "lost"}')
    assert wrong_enum == ["$.status: 'lost' is not one of ['available', 'sold'] (enum)"]
    missing = check(validator, "/pets/1", "application/json", b'{"id": 1}')
    assert missing == ["$: 'status' is a required property (required)"]
    wrong_type = check(validator, "/pets/1", "application/json", b'{"id": "one", "status": "sold"}')
    assert wrong_type == ["$.id: 'one' is not of type 'integer' (type)"]
    wrong_media = check(validator, "/pets/1", "text/html", b"<p>hi</p>")
    assert wrong_media == ["content-type: text/html is not a declared media type (declared: application/json)"]
    undeclared = check(validator, "/pets/1", "application/json", b"{}", status=500)
    assert undeclared == ["status: status 500 is not declared for this operation (declared: 200)"]
    not_json = check(validator, "/pets/1", "application/json", b"{oops")
    assert not_json == ["$: the body is not valid application/json: '{oops'"]
    assert check(validator, "/pets/1", "", b"") == ["$: no body, but the spec declares one for this status"]


def test_a_required_response_header_is_named() -> None:
    doc = document("3.0.3")
    doc["paths"]["/pets/{id}"]["get"]["responses"]["200"]["headers"] = {
        "x-rate-limit": {"required": True, "schema": {"type": "integer"}}
    }
    validator = SpecValidator(doc)
    ok = json.dumps({"id": 1, "status": "sold"}).encode()
    missing = validator.response_violations("GET", "/pets/1", [], 200, "application/json", ok, [])
    assert [str(v) for v in missing] == ["header x-rate-limit: required header is missing"]
    wrong = validator.response_violations("GET", "/pets/1", [], 200, "application/json", ok, [("x-rate-limit", "x")])
    assert len(wrong) == 1 and wrong[0].where.startswith("header x-rate-limit")


def test_requests_are_checked_too() -> None:
    validator = SpecValidator(document("3.0.3"))
    assert validator.request_violations("GET", "/pets/1", []) == []
    bad = [str(v) for v in validator.request_violations("GET", "/pets/one", [])]
    assert len(bad) == 1 and bad[0].startswith("request path parameter id")


def test_a_server_with_a_base_path_matches_the_served_paths() -> None:
    servers = [{"url": "https://{host}/v2", "variables": {"host": {"default": "api.example.com"}}}]
    validator = SpecValidator(document("3.0.3", servers))
    assert check(validator, "/pets/1", "application/json", b'{"id": 1, "status": "sold"}') == []


def test_a_31_binary_body_is_a_string_of_bytes() -> None:
    assert check(SpecValidator(document()), "/pets/1/photo", "image/png", b"\x89PNG\r\n\x1a\n\xff\x00") == []


def test_xml_is_checked_for_form_and_media_type() -> None:
    validator = SpecValidator(document())
    assert check(validator, "/pets/1/card", "application/xml", b"<Pet><id>1</id><status>sold</status></Pet>") == []
    broken = check(validator, "/pets/1/card", "application/xml", b"<Pet><id>1</id>")
    assert broken == ["$: the body is not valid application/xml: '<Pet><id>1</id>'"]
