"""Handler arguments as Python source: the route model's parameters rendered for routes.py."""

from __future__ import annotations

from dataclasses import dataclass

from specmock.spec.routes import RouteParam

_FASTAPI_KIND = {"query": "Query", "path": "Path", "header": "Header", "cookie": "Cookie"}


@dataclass(frozen=True)
class SourceParam:
    """One handler argument as the templates write it: its annotation, declaration and default."""

    name: str  # the spec's name
    py_name: str
    annotation: str
    declaration: str  # e.g. Query(alias="x-id", ge=1)
    default: str | None  # Python source of the default, None when required


def annotation(param: RouteParam) -> str:
    """The Python annotation of a parameter, e.g. `list[Literal['A', 'B']] | None`."""
    one = f"Literal[{', '.join(repr(v) for v in param.literal)}]" if param.scalar == "literal" else param.scalar
    text = f"list[{one}]" if param.many else one
    return f"{text} | None" if param.optional else text


def declaration(param: RouteParam) -> str:
    """The FastAPI declaration of a parameter, e.g. `Header(alias='x-osmo-user', convert_underscores=False)`."""
    args = [f"{key}={bound!r}" for key, bound in param.bounds]
    if param.alias is not None:
        args.insert(0, f"alias={param.alias!r}")
    if param.location == "header":
        args.append("convert_underscores=False")
    return f"{_FASTAPI_KIND[param.location]}({', '.join(args)})"


def source(param: RouteParam) -> SourceParam:
    """A parameter as the route templates render it."""
    default = None if param.required else repr(param.default)
    return SourceParam(param.name, param.py_name, annotation(param), declaration(param), default)
