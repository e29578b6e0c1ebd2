"""Path templates: the one reading of `{placeholder}` that routing, collisions and conformance share.

A placeholder may stand anywhere in a segment (`/files/{name}.{ext}`) and matches one or more
characters other than `/`, as Starlette and the direct router match it.
"""

from __future__ import annotations

import re
from functools import cache

__all__ = ["PLACEHOLDER", "placeholders", "template_pattern"]

PLACEHOLDER = re.compile(r"\{([^}]+)\}")  # a path parameter, anywhere in a segment


def placeholders(template: str) -> list[str]:
    """The parameter names of a template, in order."""
    return PLACEHOLDER.findall(template)


@cache
def template_pattern(template: str, *, named: bool = False, trailing_slash: bool = False) -> re.Pattern[str]:
    """The regex a concrete path of the template fully matches.

    `named` captures each placeholder under its name (names must then be identifiers, as the
    route model's are); `trailing_slash` also accepts one `/` at the end, as clients send it.
    """
    parts = PLACEHOLDER.split(template)
    body = "".join(
        re.escape(part) if i % 2 == 0 else (f"(?P<{part}>[^/]+)" if named else "[^/]+") for i, part in enumerate(parts)
    )
    return re.compile(body + ("/?" if trailing_slash else ""))
