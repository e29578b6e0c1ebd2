"""The one reading of path templates and the one JSON rule, shared by routing and conformance."""

from __future__ import annotations

import pytest

from specmock.spec.media import bare, is_json
from specmock.spec.paths import placeholders, template_pattern


@pytest.mark.parametrize(
    ("media", "json"),
    [
        ("application/json", True),
        ("Application/JSON; charset=utf-8", True),
        ("application/problem+json", True),
        ("application/vnd.api+json", True),
        ("application/scim+json", True),
        ("application/hal+json;profile=x", True),
        ("text/plain", False),
        ("application/jsonl", False),
        ("application/xml", False),
        ("*/*", False),
    ],
)
def test_json_is_json_and_every_structured_json_suffix(media: str, json: bool) -> None:
    assert is_json(media) is json


def test_bare_drops_parameters_and_case() -> None:
    assert bare(" Text/HTML ; charset=utf-8") == "text/html"


def test_a_placeholder_is_one_segment_part_or_more() -> None:
    pattern = template_pattern("/files/{name}.{ext}", named=True)
    found = pattern.fullmatch("/files/report.pdf")
    assert found is not None and found.groupdict() == {"name": "report", "ext": "pdf"}
    assert pattern.fullmatch("/files/a/b.pdf") is None  # never across a slash
    assert pattern.fullmatch("/files/.pdf") is None  # never empty
    assert placeholders("/a/{x}/b/{y-z}") == ["x", "y-z"]


def test_conformance_accepts_a_trailing_slash_routing_does_not() -> None:
    assert template_pattern("/pets/{id}", trailing_slash=True).fullmatch("/pets/7/") is not None
    assert template_pattern("/pets/{id}").fullmatch("/pets/7/") is None
    assert template_pattern("/a.b").fullmatch("/aXb") is None  # static text is literal
