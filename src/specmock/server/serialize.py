"""Turning what a generator returns into response bytes, once per response."""

from __future__ import annotations

import json
from datetime import date, datetime
from enum import Enum
from typing import Any
from uuid import UUID

import orjson

from specmock.spec.media import is_json

# datetimes go through _default, so UTC is written with Z as everywhere else in specmock
_ORJSON = orjson.OPT_PASSTHROUGH_DATETIME


def _model(value: Any) -> bool:
    """Whether value is a pydantic model (duck-typed: serving never imports pydantic for this)."""
    return hasattr(type(value), "model_dump_json") and hasattr(type(value), "model_fields")


def _default(value: Any) -> Any:
    if _model(value):
        return value.model_dump(mode="json", by_alias=True, exclude_unset=True)
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime):
        return value.isoformat().replace("+00:00", "Z")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, UUID):
        return str(value)
    raise TypeError(f"cannot serialize {type(value).__name__} as JSON")


def to_json(value: Any) -> bytes:
    """Compact JSON; pydantic models by alias, only the fields that were set (optional ones stay absent)."""
    if _model(value):
        return bytes(value.model_dump_json(by_alias=True, exclude_unset=True).encode())
    try:
        return orjson.dumps(value, default=_default, option=_ORJSON)
    except (TypeError, orjson.JSONEncodeError):
        # orjson refuses integers beyond 64 bits and non-string keys, which JSON schemas allow
        return json.dumps(value, separators=(",", ":"), ensure_ascii=False, default=_default).encode()


def to_bytes(value: Any, media_type: str) -> bytes:
    """Bytes for a media type: JSON for json types, UTF-8 text for str, bytes as they are."""
    if isinstance(value, bytes):
        return value
    if isinstance(value, str) and not is_json(media_type):
        return value.encode()
    return to_json(value)
