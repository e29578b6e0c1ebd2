"""Which operation of a spec a request is for: its method and path against the path templates."""

from __future__ import annotations

from specmock.spec import LoadedSpec, Operation
from specmock.spec.paths import template_pattern


def operation_for(spec: LoadedSpec, method: str, path: str) -> Operation | None:
    """The operation serving `method path`; a static segment wins over a parameter, as in routing."""
    found = [
        op
        for op in spec.index.operations
        if op.method == method.lower() and template_pattern(op.path, trailing_slash=True).fullmatch(path) is not None
    ]
    # /pets/mine before /pets/{id}: fewer parameters first, then the spec's order
    found.sort(key=lambda op: op.path.count("{"))
    return found[0] if found else None
