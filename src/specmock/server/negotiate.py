"""Choosing what to answer: the response status and the media type."""

from __future__ import annotations

from typing import Any

from specmock.spec import Operation
from specmock.spec.media import is_json


def default_status(op: Operation) -> str | None:
    """The response a client gets when it asks for nothing special: 200, else the lowest 2xx, else default."""
    codes = list(op.responses)
    if "200" in codes:
        return "200"
    success = sorted(c for c in codes if c.startswith("2") and c.isdigit())
    if success:
        return success[0]
    for code in ("2XX", "default"):
        if code in codes:
            return code
    return codes[0] if codes else None


def status_number(code: str) -> int:
    """The HTTP status for a response key ('default' and '2XX' ranges map to their first code)."""
    if code.isdigit():
        return int(code)
    if code.upper().endswith("XX") and code[0].isdigit():
        return int(code[0]) * 100
    return 200


def _matches(pattern: str, media_type: str) -> bool:
    kind, _, sub = pattern.partition("/")
    m_kind, _, m_sub = media_type.partition("/")
    return (kind in ("*", m_kind)) and (sub in ("*", m_sub, ""))


def _accepted(accept: str) -> list[str]:
    ranked = []
    for position, part in enumerate(accept.split(",")):
        media, *params = (p.strip() for p in part.split(";"))
        quality = 1.0
        for param in params:
            if param.startswith("q="):
                try:
                    quality = float(param[2:])
                except ValueError:
                    quality = 0.0
        if media and quality > 0:
            ranked.append((-quality, position, media.lower()))
    return [media for _, _, media in sorted(ranked)]


def choose_media(content: dict[str, Any], accept: str | None) -> str | None:
    """The declared media type that best fits the Accept header; None when none is acceptable."""
    declared = list(content)
    if not declared:
        return None
    if not accept:
        json_like = [m for m in declared if is_json(m)]
        return (json_like or declared)[0]
    for wanted in _accepted(accept):
        if wanted == "*/*":  # what fetch and HTTP libraries send by default: JSON, as with no Accept
            return choose_media(content, None)
        for media in declared:
            if _matches(wanted, media.split(";")[0].strip().lower()) or _matches(media.split(";")[0], wanted):
                return media
    return None


def parse_prefer(header: str | None) -> dict[str, str]:
    """`Prefer: code=404, example=ok, dynamic=false, seed=7` as a dict."""
    out: dict[str, str] = {}
    if not header:
        return out
    for part in header.replace(";", ",").split(","):
        key, sep, value = part.strip().partition("=")
        if key:
            out[key.strip().lower()] = value.strip().strip('"') if sep else "true"
    return out
