"""The operations of a loaded spec, with path-level and `$ref`'d parameters resolved."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from specmock.errors import SpecError
from specmock.spec.refs import lookup
from specmock.spec.source import pointer

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


@dataclass(frozen=True)
class Parameter:
    """One operation parameter, its `$ref` resolved."""

    name: str
    location: str  # path, query, header or cookie
    required: bool
    schema: dict[str, Any]
    style: str | None = None
    explode: bool | None = None
    description: str | None = None
    has_content: bool = False  # declared with `content` instead of `schema`


@dataclass(frozen=True)
class Operation:
    """One method on one path."""

    operation_id: str
    method: str
    path: str
    pointer: str
    parameters: tuple[Parameter, ...]
    request_body: dict[str, Any] | None
    responses: dict[str, dict[str, Any]]
    summary: str | None = None
    declared_id: bool = True  # False when the spec has no operationId and specmock made one


@dataclass
class SpecIndex:
    """Operations and `$ref` resolution over a bundled OpenAPI document."""

    document: dict[str, Any]
    file: str
    operations: list[Operation] = field(default_factory=list)

    def resolve(self, node: Any, seen: tuple[str, ...] = ()) -> Any:
        """Follow a chain of local `$ref`s to the value they point at."""
        while isinstance(node, dict) and isinstance(node.get("$ref"), str):
            ref = node["$ref"]
            if ref in seen:
                raise SpecError(self.file, ref[1:], f"$ref cycle with no content: {' -> '.join(seen)}")
            seen = (*seen, ref)
            node = lookup(self.document, ref.removeprefix("#"))
        return node

    def operation(self, operation_id: str) -> Operation:
        """The operation with this operationId."""
        for op in self.operations:
            if op.operation_id == operation_id:
                return op
        raise KeyError(operation_id)


def made_up_operation_id(method: str, path: str) -> str:
    """An operationId for an operation that has none, in FastAPI's style: get_pets__petId_."""
    return re.sub(r"\W", "_", f"{method}{path}")


def _parameter(raw: dict[str, Any]) -> Parameter:
    schema = raw.get("schema")
    content = raw.get("content")
    if schema is None and isinstance(content, dict) and content:
        schema = next(iter(content.values())).get("schema", {})
    return Parameter(
        name=str(raw["name"]),
        location=str(raw["in"]),
        required=bool(raw.get("required", raw["in"] == "path")),
        schema=schema if isinstance(schema, dict) else {},
        style=raw.get("style"),
        explode=raw.get("explode"),
        description=raw.get("description"),
        has_content=content is not None and raw.get("schema") is None,
    )


def build_index(document: dict[str, Any], file: str) -> SpecIndex:
    """Index every operation of the document, in the order the document lists them."""
    index = SpecIndex(document=document, file=file)
    seen_ids: dict[str, str] = {}
    for path, item in (document.get("paths") or {}).items():
        item = index.resolve(item)
        if not isinstance(item, dict):
            continue
        shared = {(p["name"], p["in"]): p for p in map(index.resolve, item.get("parameters") or [])}
        for method in HTTP_METHODS:
            raw = item.get(method)
            if not isinstance(raw, dict):
                continue
            where = pointer(["paths", path, method])
            params = dict(shared)
            params.update({(p["name"], p["in"]): p for p in map(index.resolve, raw.get("parameters") or [])})
            declared = isinstance(raw.get("operationId"), str)
            op_id = raw["operationId"] if declared else made_up_operation_id(method, path)
            if op_id in seen_ids:
                if declared:
                    raise SpecError(
                        file, where + "/operationId", f"operationId {op_id!r} is also used at {seen_ids[op_id]}"
                    )
                op_id = f"{op_id}_{len(seen_ids)}"
            seen_ids[op_id] = where
            body = index.resolve(raw["requestBody"]) if "requestBody" in raw else None
            responses = {str(code): index.resolve(r) for code, r in (raw.get("responses") or {}).items()}
            index.operations.append(
                Operation(
                    operation_id=op_id,
                    method=method,
                    path=path,
                    pointer=where,
                    parameters=tuple(_parameter(p) for p in params.values()),
                    request_body=body,
                    responses=responses,
                    summary=raw.get("summary"),
                    declared_id=declared,
                )
            )
    return index
