"""application/problem+json responses (RFC 9457), serialized once."""

from __future__ import annotations

import json
from typing import Any

from starlette.responses import Response

PROBLEM = "application/problem+json"


def problem(status: int, title: str, detail: str, **extra: Any) -> Response:
    """A problem+json response; `extra` members (e.g. `errors`, `parameter`) are added as they are."""
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail, **extra}
    return Response(json.dumps(body, ensure_ascii=False).encode(), status_code=status, media_type=PROBLEM)
