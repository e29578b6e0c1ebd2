"""OSMO workflows: an infinite, filterable collection that moves with the clock.

Workflows are the engine's live collection (`Live`): submitted into absolute slots, one every
`spacing`, counted from EPOCH, so as the clock runs new workflows appear at the top while every
workflow keeps its name, its data and its place in time; its status follows its lifecycle (see
lifecycle.py). A name ends in its slot in base 36, so a detail request finds it in O(1) and an
unknown name is a 404, as the real service answers.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from specmock.generators import (
    Categorical,
    Collection,
    Context,
    Course,
    FilteredBase,
    Live,
    Plan,
    PlanBase,
    QueryBase,
    Slots,
    base36,
    edits_of,
    merged_page,
    pick,
    prime_at_least,
    spacing_for,
    values,
)
from specmock_apis.generated.osmo.models import WorkflowPriority, WorkflowStatus
from specmock_apis.osmo import generators
from specmock_apis.osmo.data import catalog
from specmock_apis.osmo.data.distributions import WORKFLOW_PRIORITY_WEIGHTS
from specmock_apis.osmo.data.groups import groups
from specmock_apis.osmo.data.lifecycle import RUNNING, schedule
from specmock_apis.osmo.data.lifecycle import fields as lifecycle_fields
from specmock_apis.osmo.data.records import EPOCH, MICROSECOND, Group, Task, Workflow, micros, seconds

__all__ = ["Group", "Task", "Workflow", "Workflows", "workflows"]

WORKFLOWS = generators.collection("workflows", default=10_000, low=100, high=100_000)
SPACING = timedelta(minutes=7)  # between two submissions, on average
HISTORY = timedelta(days=3650)  # a huge volume is squeezed into ten years rather than reaching year 1
HORIZON = datetime(9999, 1, 1, tzinfo=UTC)  # positions count down from here, so they stay >= 0
CHANGES = "workflow_changes"  # the state overlay's entity for cancels and tags
NO_TAG = "-"  # the tag field's value for a workflow without a tag
PROJECTS = ("resnet", "llama", "bert", "vit", "diffusion", "whisper", "gpt", "unet", "clip", "mamba")
STEPS = ("train", "finetune", "eval", "sweep", "pretrain", "distill", "export", "bench")
VERSIONS = range(1, 13)
# every (name prefix, project, app version): one pick from a workflow's hash chooses all three
IDENTITIES = tuple((f"{p}-{s}-", p, v) for p in PROJECTS for s in STEPS for v in VERSIONS)
PLANS = 64  # status plans kept, one per (statuses, filters) combination; tables are the engine's
# What a workflow's course comes to per position: its statuses (as the spec's enum), the bounds
# between them, the slots after its own when it starts (None: never) and ends, and its fate.
Lived = tuple[tuple[WorkflowStatus, ...], tuple[int, ...], int | None, int, WorkflowStatus]


class Layout:
    """What does not move with the clock: the collection's fields, patterns and filter tables."""

    def __init__(self, seed: int, total: int, users: tuple[str, ...], pools: tuple[str, ...], nodes: int) -> None:
        self.seed, self.total, self.users, self.pools, self.nodes = seed, total, users, pools, nodes
        self.spacing = spacing_for(total, SPACING, HISTORY)
        others = max(1, len(users) - 1)
        lived = lifecycle_fields()
        fields = (
            *lived,
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
        self.live = Live(total, fields, slots=Slots(EPOCH, self.spacing, HORIZON), seed=seed, name="osmo.workflows")
        self.collection = coll = self.live.collection
        self.schedule = schedule(lived, total, self.spacing)
        # Per-position tables, so a workflow is a few lookups: the lifecycle and the priority
        # repeat together every 100 positions, the others each with their own period.
        self.courses: tuple[tuple[Lived, WorkflowPriority], ...] = tuple(
            (_lived(course), WorkflowPriority(priority))
            for course, (priority,) in self.schedule.table(coll, "priority")
        )
        self.users_at, self.pools_at = coll.pattern("user"), coll.pattern("pool")
        self.tags_at = tuple(() if t == NO_TAG else (t,) for t in coll.pattern("tag"))
        self.step = self.spacing // MICROSECOND
        self.ids = generators.branch(seed, "workflow")

    def identity(self, slot: int) -> tuple[str, str, str, int]:
        """The name, uuid, project and app version of the workflow in `slot`, all from one hash.

        The name is `<project>-<step>-<slot in base 36>`, e.g. llama-finetune-f4k2.
        """
        return self.identities((slot,))[0]

    def identities(self, slots: Sequence[int]) -> list[tuple[str, str, str, int]]:
        """`identity` of each slot, in order: a page's hashes in one call."""
        uuid = values.uuid_from_hex
        out = []
        for slot, digits in zip(slots, self.ids.hexes(slots), strict=True):  # 32 digits for the uuid, 8 for the rest
            prefix, project, version = pick(IDENTITIES, digits[32:40])
            out.append((prefix + base36(slot), uuid(digits), project, version))
        return out


def _lived(course: Course) -> Lived:
    """What the list needs of a course, read once per position rather than once per workflow."""
    statuses = tuple(WorkflowStatus(s) for s in course.statuses)
    # the last phase, ENDED, begins at the last bound: the end time of every course
    return statuses, course.bounds, course.entered(RUNNING), course.bounds[-1], statuses[-1]


def _matches(wf: Workflow, filters: Mapping[str, list[str]], statuses: list[str] | None) -> bool:
    """Whether a workflow's current status and tags still pass the list's filters."""
    if statuses and wf.status.value not in statuses:
        return False
    return "tag" not in filters or any(t in filters["tag"] for t in wf.tags)


@generators.memo(maxsize=PLANS)
def _plan(
    layout: Layout, total: int, statuses: tuple[str, ...], filters: tuple[tuple[str, tuple[str, ...]], ...]
) -> Plan:
    """The index windows of a status filter, each with its checked query (kept: every page needs them)."""
    base = {name: list(accepted) for name, accepted in filters}
    return Plan.of(layout.collection, layout.schedule.pieces(statuses, total), base)


@generators.memo(maxsize=16)  # per seed and volume: each Prefer: seed=N would otherwise stay
def _layout(seed: int, total: int, users: tuple[str, ...], pools: tuple[str, ...], nodes: int) -> Layout:
    return Layout(seed, total, users, pools, nodes)


class Workflows:
    """The workflows as they stand at one moment: index 0 is the newest slot at `now`."""

    def __init__(self, layout: Layout, now: datetime, changes: Mapping[str, Mapping[str, Any]] | None = None) -> None:
        self.layout, self.now = layout, now
        self.changes = changes or {}  # what users did to workflows (cancel, tags), by name
        self.seed, self.users, self.pools, self.nodes = layout.seed, layout.users, layout.pools, layout.nodes
        self.now_micros = micros(now)
        self.view = layout.live.at(
            now, self.build, items=self._built, texts={"name": lambda index: self.name_of(self.newest - index)}
        )
        self.newest = self.view.newest  # the slot at index 0
        self.collection: Collection[Workflow] = self.view.collection

    @property
    def total(self) -> int:
        """How many workflows the list holds."""
        return self.view.total

    def name_of(self, slot: int) -> str:
        """`<project>-<step>-<slot in base 36>`, e.g. llama-finetune-f4k2."""
        return self.layout.identity(slot)[0]

    def build(self, index: int) -> Workflow:
        """The workflow at `index`, as it stands at `now`, with what users changed applied."""
        return self._built([index])[0]

    def _built(self, indices: list[int]) -> list[Workflow]:
        """`build` of each index, in order."""
        items = self._generated(indices)
        return [self._changed(wf) for wf in items] if self.changes else items

    def _changed(self, wf: Workflow) -> Workflow:
        """A generated workflow with what users changed applied."""
        change = self.changes.get(wf.name)
        if not change:
            return wf
        tags = tuple(t for t in (*wf.tags, *change.get("add", ())) if t not in change.get("remove", ()))
        wf = wf._replace(tags=tuple(dict.fromkeys(tags)))
        canceled = change.get("canceled_at")
        if canceled is not None and wf.alive and datetime.fromisoformat(canceled) <= self.now:
            end = micros(datetime.fromisoformat(canceled))
            wf = wf._replace(status=WorkflowStatus.FAILED_CANCELED, ended=end, cancelled_by=change["canceled_by"])
            if wf.started is None:
                wf = wf._replace(queued_time=seconds(end - wf.submitted))
        return wf

    def _generated(self, indices: list[int]) -> list[Workflow]:
        """The workflows at these indices as generated, before any change.

        Slots open `step` microseconds apart (times are microseconds since EPOCH): a workflow is
        submitted in its slot, the timeline's jitter before it opens, and its course (the
        lifecycle row of its position) says its status and when it starts and ends. A page is
        built in one loop over its hashes and jitters, with the tables read once.
        """
        layout, newest, shift, now = self.layout, self.newest, self.collection.shift, self.now_micros
        courses, users, pools, tags = layout.courses, layout.users_at, layout.pools_at, layout.tags_at
        step = layout.step
        opens = newest * step  # the view's anchor: slot `newest` opening
        slots = [newest - index for index in indices]
        new, bisect, out = tuple.__new__, bisect_right, []
        for index, slot, offset, (name, uuid, project, version) in zip(
            indices, slots, self.collection.offsets(indices), layout.identities(slots), strict=True
        ):
            position = index + shift
            (statuses, bounds, start, end, fate), priority = courses[position % len(courses)]
            submitted = opens - offset
            status = statuses[bisect(bounds, index)]  # the engine's Course.status, on the enum
            base = slot * step  # when its own slot opened: it leaves the queue `start` slots later
            ended = base + end * step if index >= end else None
            if start is None:  # it fails in the queue
                started = ends = None
            else:
                started = base + start * step if index >= start else None
                ends = base + end * step
            left = started if started is not None else ended if ended is not None else now  # the queue
            # tuple.__new__ skips the named tuple's own __new__, a Python call per workflow
            record = (
                index,
                slot,
                name,
                uuid,
                users[position % len(users)],
                pools[position % len(pools)],
                status,
                priority,
                tags[position % len(tags)],
                submitted,
                started,
                ended,
                ends,
                seconds(left - submitted),
                project,
                version,
                fate,
                None,  # cancelled_by: only a change cancels
            )
            out.append(new(Workflow, record))
        return out

    def find(self, name: str) -> Workflow | None:
        """The workflow with this exact name, or None (unknown, not yet submitted, or too old)."""
        index = self.view.named(name)
        if index is None or not self._named(index, name):
            return None
        return self.collection.get(index)

    def page(
        self, offset: int, limit: int, filters: Mapping[str, list[str]], statuses: list[str] | None, **bounds: Any
    ) -> tuple[list[Workflow], bool]:
        """Matching workflows offset .. offset + limit - 1, newest first, and whether more match.

        `bounds` are the collection's after, before and contains. Statuses are exact: each one is
        a union of lifecycle pieces, paged window by window. What users changed (a cancel, tags)
        is merged in exactly: a workflow whose status or tags no longer match leaves the list, one
        that matches now joins it at its place, and totals and pages stay exact.
        """
        if bounds.get("contains"):
            items, more = self._page(offset, limit, filters, statuses, **bounds)
            # A text search walks windows rather than counting them, so the writes cannot be merged
            # by counts: a changed workflow that no longer matches is left out (that page is short).
            return [wf for wf in items if _matches(wf, filters, statuses)] if self.changes else items, more
        if not self.changes:
            return self._page(offset, limit, filters, statuses, **bounds)
        after, before = bounds.get("after"), bounds.get("before")
        base = self._base(filters, statuses, after, before)
        # only status and tags change, so the other filters judge a changed workflow as generated
        kept = {k: v for k, v in filters.items() if k != "tag"}
        others = QueryBase(self.collection, self.collection.query(kept), after=after, before=before)
        changed = [(wf.index, wf) for wf in self._changed_now()]
        edits = edits_of(
            changed,
            lambda index: base.count(index, index + 1) == 1,
            lambda wf: others.matches(wf.index) and _matches(wf, filters, statuses),
        )
        merged = merged_page(base, self.total, edits, offset, limit)
        return merged.items, merged.more(offset)

    def _base(
        self,
        filters: Mapping[str, list[str]],
        statuses: list[str] | None,
        after: datetime | None,
        before: datetime | None,
    ) -> FilteredBase[Workflow]:
        """The generated list under these filters, as the overlay pages it."""
        if not statuses:
            return QueryBase(self.collection, self.collection.query(dict(filters)), after=after, before=before)
        plan = self._plan(filters, statuses)
        return PlanBase(plan, self.collection, after, before)

    def _changed_now(self) -> list[Workflow]:
        """The workflows users changed that this view holds, as they stand now, newest first."""
        indices = [self.view.named(name) for name in self.changes]
        held = [i for i, name in zip(indices, self.changes, strict=True) if i is not None and self._named(i, name)]
        return self._built(sorted(held))

    def _named(self, index: int, name: str) -> bool:
        return self.name_of(self.newest - index) == name

    def _plan(self, filters: Mapping[str, list[str]], statuses: list[str]) -> Plan:
        """The kept plan of a status filter with these other filters."""
        return _plan(self.layout, self.total, tuple(statuses), tuple(sorted((k, tuple(v)) for k, v in filters.items())))

    def _page(
        self, offset: int, limit: int, filters: Mapping[str, list[str]], statuses: list[str] | None, **bounds: Any
    ) -> tuple[list[Workflow], bool]:
        if not statuses:
            page = self.collection.page(offset, limit, dict(filters), order="DESC", **bounds)
            return page.items, page.more
        plan = self._plan(filters, statuses)
        return plan.page(self.collection, offset, limit, **bounds)

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
    total = WORKFLOWS.total(ctx)
    layout = _layout(ctx.seed, total, catalog.users(ctx), catalog.pools(ctx), catalog.nodes_per_pool(ctx))
    return Workflows(layout, ctx.now, dict(ctx.entity(CHANGES).items()))
