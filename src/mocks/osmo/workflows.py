"""OSMO workflows: an infinite, filterable collection that moves with the clock.

Workflows are submitted into absolute slots, one every `spacing`, counted from EPOCH. At a given
moment the newest slot is index 0, so as the clock runs new workflows appear at the top while
every workflow keeps its name, its data and its place in time; its status follows its lifecycle
(see lifecycle.py). A name ends in its slot in base 36, so a detail request finds it in O(1) and
an unknown name is a 404, as the real service answers.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any

from generated.osmo.models import WorkflowPriority, WorkflowStatus
from mocks.osmo import catalog, generators
from mocks.osmo.distributions import WORKFLOW_PRIORITY_WEIGHTS
from mocks.osmo.groups import groups
from mocks.osmo.lifecycle import QUEUE_FAILURES, Classes, segments
from mocks.osmo.lifecycle import fields as lifecycle_fields
from mocks.osmo.naming import base36, prime_at_least, slot_of
from mocks.osmo.records import Group, Task, Workflow
from specmock.context import Context
from specmock.engine import values
from specmock.engine.collections import Categorical, Collection, Timeline
from specmock.engine.rng import Rng

__all__ = ["Group", "Task", "Workflow", "Workflows", "workflows"]

WORKFLOWS = generators.collection("workflows", default=10_000, low=100, high=100_000)
SPACING = timedelta(minutes=7)  # between two submissions, on average
HISTORY = timedelta(days=3650)  # a huge volume is squeezed into ten years rather than reaching year 1
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)  # slot 0: nothing was submitted before it
HORIZON = datetime(9999, 1, 1, tzinfo=UTC)  # positions count down from here, so they stay >= 0
CHANGES = "workflow_changes"  # the state overlay's entity for cancels and tags
NO_TAG = "-"  # the tag field's value for a workflow without a tag
PROJECTS = ("resnet", "llama", "bert", "vit", "diffusion", "whisper", "gpt", "unet", "clip", "mamba")
STEPS = ("train", "finetune", "eval", "sweep", "pretrain", "distill", "export", "bench")


def spacing_for(total: int) -> timedelta:
    """Time between two submissions: SPACING, or less so that `total` fit in HISTORY."""
    return max(timedelta(microseconds=1), min(SPACING, HISTORY / max(1, total)))


class Layout:
    """What does not move with the clock: the collection's fields, patterns and filter tables."""

    def __init__(self, seed: int, total: int, users: tuple[str, ...], pools: tuple[str, ...], nodes: int) -> None:
        self.seed, self.total, self.users, self.pools, self.nodes = seed, total, users, pools, nodes
        self.spacing = spacing_for(total)
        self.classes = Classes.of(total, self.spacing)
        self.horizon = (HORIZON - EPOCH) // self.spacing
        others = max(1, len(users) - 1)
        fields = (
            *lifecycle_fields(),
            Categorical("priority", [(p.value, w) for p, w in WORKFLOW_PRIORITY_WEIGHTS.items()], period=20),
            # the signed-in developer owns about one workflow in eight, the others share the rest
            Categorical(
                "user",
                [(u, 0.125 if u == catalog.CURRENT_USER else 0.875 / others) for u in users],
                period=prime_at_least(8 * others),
            ),
            Categorical("pool", [(p, 1.0) for p in pools], period=prime_at_least(len(pools))),
            Categorical("tag", [(NO_TAG, 4.0), *((t, 1.0) for t in catalog.TAGS)], period=29),
        )
        self.collection: Collection[Workflow] = Collection(
            total,
            _unbound,
            fields,
            seed=seed,
            name="osmo.workflows",
            timeline=Timeline(EPOCH, self.spacing),
        )


def _matches(wf: Workflow, filters: Mapping[str, list[str]], statuses: list[str] | None) -> bool:
    """Whether a workflow's current status and tags still pass the list's filters."""
    if statuses and wf.status.value not in statuses:
        return False
    return "tag" not in filters or any(t in filters["tag"] for t in wf.tags)


def _unbound(index: int) -> Workflow:
    raise RuntimeError("workflows are built by a Workflows view, which knows the clock")


@cache
def _layout(seed: int, total: int, users: tuple[str, ...], pools: tuple[str, ...], nodes: int) -> Layout:
    return Layout(seed, total, users, pools, nodes)


class Workflows:
    """The workflows as they stand at one moment: index 0 is the newest slot at `now`."""

    def __init__(self, layout: Layout, now: datetime, changes: Mapping[str, Mapping[str, Any]] | None = None) -> None:
        self.layout, self.now = layout, now
        self.changes = changes or {}  # what users did to workflows (cancel, tags), by name
        self.seed, self.users, self.pools, self.nodes = layout.seed, layout.users, layout.pools, layout.nodes
        self.newest = (now - EPOCH) // layout.spacing  # the slot at index 0
        # a clock set before EPOCH + total slots sees only the workflows submitted since EPOCH
        self.collection: Collection[Workflow] = layout.collection.resized(min(layout.total, self.newest + 1)).at(
            layout.horizon - self.newest,
            EPOCH + layout.spacing * self.newest,
            item=self.build,
            texts={"name": lambda index: self.name_of(self.newest - index)},
        )

    @property
    def total(self) -> int:
        """How many workflows the list holds."""
        return self.collection.total

    def rng(self, slot: int) -> Rng:
        """The root of every value of the workflow in `slot`."""
        return Rng.root(self.seed, "osmo", "workflow", slot)

    def name_of(self, slot: int, rng: Rng | None = None) -> str:
        """`<project>-<step>-<slot in base 36>`, e.g. llama-finetune-f4k2."""
        rng = rng or self.rng(slot)
        return f"{rng.choice(PROJECTS, 'project')}-{rng.choice(STEPS, 'step')}-{base36(slot)}"

    def _base(self, slot: int) -> datetime:
        """When a slot opens: the moment it becomes index 0."""
        return EPOCH + self.layout.spacing * slot

    def build(self, index: int) -> Workflow:
        """The workflow at `index`, as it stands at `now`, with what users changed applied."""
        wf = self._generated(index)
        change = self.changes.get(wf.name)
        if not change:
            return wf
        tags = tuple(t for t in (*wf.tags, *change.get("add", ())) if t not in change.get("remove", ()))
        wf = replace(wf, tags=tuple(dict.fromkeys(tags)))
        canceled = change.get("canceled_at")
        if canceled is not None and wf.alive and datetime.fromisoformat(canceled) <= self.now:
            end = datetime.fromisoformat(canceled)
            wf = replace(wf, status=WorkflowStatus.FAILED_CANCELED, end_time=end, cancelled_by=change["canceled_by"])
            if wf.start_time is None:
                wf = replace(wf, queued_time=round((end - wf.submit_time).total_seconds(), 3))
        return wf

    def _generated(self, index: int) -> Workflow:
        """The workflow at `index` as generated, before any change."""
        coll, classes = self.collection, self.layout.classes
        slot = self.newest - index
        rng = self.rng(slot)
        wait, run = coll.field_value("wait", index), coll.field_value("run", index)
        fate = WorkflowStatus(coll.field_value("fate", index))
        status = classes.status(index, wait, run, coll.field_value("queue", index), fate.value)
        submit = coll.time(index)
        started = self._base(slot + classes.wait[wait])
        if fate in QUEUE_FAILURES:
            start, planned_end = None, None
            end = started if status == fate else None
        else:
            planned_end = self._base(slot + classes.wait[wait] + classes.run[run])
            start = started if status != WorkflowStatus(coll.field_value("queue", index)) else None
            end = planned_end if status == fate else None
        queued = ((start or end or self.now) - submit).total_seconds()
        tag = coll.field_value("tag", index)
        return Workflow(
            index=index,
            slot=slot,
            name=self.name_of(slot, rng),
            uuid=values.uuid(rng, "uuid"),
            user=coll.field_value("user", index),
            pool=coll.field_value("pool", index),
            status=status,
            priority=WorkflowPriority(coll.field_value("priority", index)),
            tags=() if tag == NO_TAG else (tag,),
            submit_time=submit,
            start_time=start,
            end_time=end,
            planned_end=planned_end if start is not None else None,
            queued_time=round(queued, 3),
            app_name=rng.choice(PROJECTS, "project"),
            app_version=rng.integer(1, 12, "app_version"),
            fate=fate,
        )

    def find(self, name: str) -> Workflow | None:
        """The workflow with this exact name, or None (unknown, not yet submitted, or too old)."""
        slot = slot_of(name)
        if slot is None:
            return None
        index = self.newest - slot
        if not 0 <= index < self.total or self.name_of(slot) != name:
            return None
        return self.collection.get(index)

    def page(
        self, offset: int, limit: int, filters: Mapping[str, list[str]], statuses: list[str] | None, **bounds: Any
    ) -> tuple[list[Workflow], bool]:
        """Matching workflows offset .. offset + limit - 1, newest first, and whether more match.

        `bounds` are the collection's after, before and contains. Statuses are exact: each one is
        a union of lifecycle pieces, paged window by window.
        """
        items, more = self._page(offset, limit, filters, statuses, **bounds)
        if self.changes:
            # A canceled or re-tagged workflow is still found by its generated status and tags;
            # it is left out where its new ones no longer match (the page is one shorter).
            items = [wf for wf in items if _matches(wf, filters, statuses)]
        return items, more

    def _page(
        self, offset: int, limit: int, filters: Mapping[str, list[str]], statuses: list[str] | None, **bounds: Any
    ) -> tuple[list[Workflow], bool]:
        if not statuses:
            page = self.collection.page(offset, limit, dict(filters), order="DESC", **bounds)
            return page.items, page.more
        scan = bool(bounds.get("contains"))
        items: list[Workflow] = []
        skip = offset
        for lo, hi, clauses in segments(self.layout.classes.pieces(statuses, self.total), filters):
            need = limit - len(items)
            if need == 0:
                if self._any(clauses, lo, hi, bounds):
                    return items, True
                continue
            if scan:  # a text search cannot count a window, only walk it
                part = self.collection.page(0, skip + need, clauses, order="DESC", start=lo, stop=hi, **bounds)
                found, passed = part.items[skip:], len(part.items)
            else:
                part = self.collection.page(skip, need, clauses, order="DESC", start=lo, stop=hi, **bounds)
                found, passed = part.items, part.total
            items += found
            skip = max(0, skip - passed)
            if part.more and len(items) == limit:
                return items, True
        return items, False

    def _any(self, clauses: list[dict[str, list[str]]], lo: int, hi: int, bounds: Mapping[str, Any]) -> bool:
        """Whether anything in the window [lo, hi) matches."""
        return bool(self.collection.page(0, 1, clauses, order="DESC", start=lo, stop=hi, **bounds).items)

    def groups(self, wf: Workflow) -> tuple[Group, ...]:
        """The workflow's groups (a chain DAG) with their tasks, as they stand now."""
        return groups(wf, self.seed, self.now, self.nodes)

    def find_task(self, wf: Workflow, task_name: str) -> tuple[Group, Task] | None:
        """The task with this name in the workflow, with its group."""
        for group in self.groups(wf):
            for task in group.tasks:
                if task.name == task_name:
                    return group, task
        return None


def workflows(ctx: Context) -> Workflows:
    """The workflows this request sees, at its clock (the layout is built once and cached)."""
    total = ctx.volume(WORKFLOWS, 10_000)
    layout = _layout(ctx.seed, total, catalog.users(ctx), catalog.pools(ctx), catalog.nodes_per_pool(ctx))
    return Workflows(layout, ctx.now, dict(ctx.store.items(ctx.api, CHANGES)))
