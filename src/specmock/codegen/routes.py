"""routes.py: one FastAPI handler per operation, rendered from the Jinja templates."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from specmock.codegen.params import SourceParam, source
from specmock.spec import LoadedSpec
from specmock.spec.routes import routes_for

# FastAPI has no decorator for TRACE; such operations are registered with api_route
_DECORATED = ("get", "put", "post", "delete", "options", "head", "patch")


@dataclass(frozen=True)
class Route:
    """What the handler template needs for one operation."""

    method: str
    path: str
    operation_id: str
    function: str
    params: tuple[SourceParam, ...]


def rendered_routes(spec: LoadedSpec) -> list[Route]:
    """The route model of the spec, its parameters as Python source."""
    return [
        Route(r.method, r.path, r.operation_id, r.function, tuple(source(p) for p in r.params))
        for r in routes_for(spec)
    ]


def render_routes(spec: LoadedSpec, api: str, header: str, user_templates: Path | None = None) -> str:
    """Return the text of routes.py."""
    from specmock.codegen.templates import environment  # noqa: PLC0415 - serving reads the route model, not Jinja

    template = environment(user_templates).get_template("routes.py.jinja")
    text = template.render(api=api, header=header, routes=rendered_routes(spec), decorated=_DECORATED)
    return text.rstrip("\n") + "\n"


def render_init(api: str, header: str, user_templates: Path | None = None) -> str:
    """Return the text of the package's __init__.py."""
    from specmock.codegen.templates import environment  # noqa: PLC0415

    text = environment(user_templates).get_template("init.py.jinja").render(api=api, header=header)
    return text.rstrip("\n") + "\n"
