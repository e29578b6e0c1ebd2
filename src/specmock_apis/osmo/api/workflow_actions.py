"""What users do to a workflow: cancel it, tag it. Kept in the state overlay, seen everywhere."""

from __future__ import annotations

from typing import Any

from specmock.generators import Context
from specmock_apis.osmo import generators
from specmock_apis.osmo.api.workflow import found, invalid, when
from specmock_apis.osmo.data import catalog
from specmock_apis.osmo.data.workflows import CHANGES


@generators.operation("cancel_workflow_api_workflow__name__cancel_post")
def cancel(ctx: Context) -> dict[str, Any]:
    """POST /api/workflow/{name}/cancel: an alive workflow ends FAILED_CANCELED now; a finished one is refused."""
    wf = found(ctx, ctx.params["name"])
    if not wf.alive:
        # the real service refuses too; the spec's only error answer is the 422 shape
        raise invalid("name", f"Workflow {wf.name} is already {wf.status.value} and cannot be canceled")
    cancel = {"canceled_at": when(ctx.now), "canceled_by": ctx.params.get("x-osmo-user") or catalog.CURRENT_USER}
    if ctx.params.get("message"):
        cancel["message"] = ctx.params["message"]
    ctx.entity(CHANGES).update(wf.name, lambda change: {**(change or {}), **cancel})
    return {"name": wf.name}


@generators.operation("tag_workflow_api_workflow__name__tag_post")
def tag(ctx: Context) -> dict[str, Any]:
    """POST /api/workflow/{name}/tag: add and remove tags; only the tags /api/tag offers are accepted."""
    wf = found(ctx, ctx.params["name"])
    add, remove = list(ctx.params.get("add") or []), list(ctx.params.get("remove") or [])
    unknown = [t for t in add if t not in catalog.TAGS]
    if unknown:
        raise invalid("add", f"unknown tags {unknown}; the available tags are {list(catalog.TAGS)}")

    def tagged(change: dict[str, Any] | None) -> dict[str, Any]:
        change = dict(change or {})
        added = [t for t in change.get("add", []) if t not in remove] + add
        removed = [t for t in change.get("remove", []) if t not in add] + remove
        return {**change, "add": list(dict.fromkeys(added)), "remove": list(dict.fromkeys(removed))}

    ctx.entity(CHANGES).update(wf.name, tagged)  # atomic: two taggings at once both count
    return {"name": wf.name, "tags": [t for t in dict.fromkeys([*wf.tags, *add]) if t not in remove]}
