"""Media types: the one rule for what counts as JSON."""

from __future__ import annotations

__all__ = ["bare", "is_json"]


def bare(media_type: str) -> str:
    """The media type without parameters, lowercased: `Application/JSON; charset=utf-8` -> `application/json`."""
    return media_type.split(";", 1)[0].strip().lower()


def is_json(media_type: str) -> bool:
    """Whether a body of this type is JSON: `application/json` and every structured `+json` suffix
    (`application/problem+json`, `application/vnd.api+json`, ...)."""
    kind = bare(media_type)
    return kind.endswith(("/json", "+json"))
