"""Which operation of a spec a request is for: its method and path against the path templates."""

from __future__ import annotations

import re
from functools import cache

from specmock.spec import LoadedSpec, Operation


@cache
def _pattern(template: str) -> re.Pattern[str]:
    parts = re.split(r"(\{[^}]+\})", template)
    return re.compile("".join("[^/]+" if p.startswith("{") else re.escape(p) for p in parts) + "/?")


def operation_for(spec: LoadedSpec, method: str, path: str) -> Operation | None:
    """The operation serving `method path`; a static segment wins over a parameter, as in routing."""
    found = [
        op
        for op in spec.index.operations
        if op.method == method.lower() and _pattern(op.path).fullmatch(path) is not None
    ]
    # /pets/mine before /pets/{id}: fewer parameters first, then the spec's order
    found.sort(key=lambda op: op.path.count("{"))
    return found[0] if found else None
