"""routes.py: one FastAPI handler per operation, rendered from the Jinja templates."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from specmock.codegen.params import RouteParam, identifier, route_param
from specmock.spec import LoadedSpec, Operation

# FastAPI has no decorator for TRACE; such operations are registered with api_route
_DECORATED = ("get", "put", "post", "delete", "options", "head", "patch")


@dataclass(frozen=True)
class Route:
    """What the handler template needs for one operation."""

    method: str
    path: str
    operation_id: str
    function: str
    params: tuple[RouteParam, ...]


def _specificity(op: Operation) -> tuple[tuple[int, str], ...]:
    # Starlette matches routes in order: /bucket/list_dataset must come before /bucket/{bucket}
    return tuple((1 if seg.startswith("{") else 0, seg) for seg in op.path.strip("/").split("/"))


def routes_for(spec: LoadedSpec) -> list[Route]:
    """The routes of every operation, static path segments before parameters."""
    functions: set[str] = {"router", "dispatch"}
    out = []
    index = spec.index
    for op in sorted(index.operations, key=_specificity):
        taken: set[str] = set()
        params = tuple(route_param(p, index, taken) for p in op.parameters)
        path = op.path
        for param in params:
            path = path.replace("{" + param.name + "}", "{" + param.py_name + "}")
        out.append(Route(op.method, path, op.operation_id, identifier(op.operation_id, functions), params))
    return out


def render_routes(spec: LoadedSpec, api: str, header: str, user_templates: Path | None = None) -> str:
    """Return the text of routes.py."""
    from specmock.codegen.templates import environment  # noqa: PLC0415 - serving reads routes_for, not Jinja

    template = environment(user_templates).get_template("routes.py.jinja")
    text = template.render(api=api, header=header, routes=routes_for(spec), decorated=_DECORATED)
    return text.rstrip("\n") + "\n"


def render_init(api: str, header: str, user_templates: Path | None = None) -> str:
    """Return the text of the package's __init__.py."""
    from specmock.codegen.templates import environment  # noqa: PLC0415

    text = environment(user_templates).get_template("init.py.jinja").render(api=api, header=header)
    return text.rstrip("\n") + "\n"
