"""Lifecycles: phases with seeded durations and seeded branches, so an item's status is a pure function.

A `Lifecycle` is a small acyclic graph of `Phase`s. A phase shows a status (fixed, or the value of
a Categorical field, e.g. the fate an item ends in) and lasts a number of index steps given by
the class of a Categorical duration field (`lasts`); a final phase lasts forever. What follows a
phase is another phase, or a `Fork`: the next phase chosen by the value of a Categorical field,
so `running -> completed | failed | stopping -> stopped` is a fork on an `outcome` field. Every
value of those fields is a function of the item's layout position (see collections.py), so the
path an item follows, its `Course`, is fixed when it is submitted.

Time is the index. In a live collection an item moves down one index per slot that opens after
its own, so "index i" is "i slots after it was submitted" and the status of the item at index i is
`course.statuses[k]` for the phase k whose window `[bounds[k-1], bounds[k])` holds i. The
durations are bound to a volume and spacing by `Lifecycle.schedule` (class -> steps), which gives
a `Schedule`: courses by field values (and a per-position table of them, for items built by the
thousand), and exact status filters: `pieces(statuses, total)` is a union of (clause, index
window) pieces, a clause being a conjunction of accepted field values, whose union is exactly the
items showing those statuses. `plan.Plan` pages such a union window by window.

Events. A `Transition` names what can happen to an item from outside its course: an item in one
of its `source` phases moves to its `target` phase, and from there follows the graph with its own
field values (a stop requested while running: `running -> stopping -> stopped`). `moved(course,
index, transition)` is the course that results when the transition happens at `index`: the same
phases up to the current one, cut short at `index`, then the target's path with its durations
counted from `index`. Timed events on a live view (`events.Events`) are built on it.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from specmock.engine.collections import Categorical, Collection


@dataclass(frozen=True)
class Fork:
    """A branch: the next phase is chosen by the value of a seeded Categorical field."""

    field: str
    routes: Mapping[str, str]  # field value -> the phase that follows


@dataclass(frozen=True)
class Phase:
    """One phase: the status it shows (fixed, or a field's value), what it lasts, what follows it."""

    name: str
    status: str | None = None  # the status shown; or
    status_of: str | None = None  # the Categorical field whose value is the status shown
    lasts: str | None = None  # the Categorical field whose class is the duration; None: final
    then: str | Fork | None = None  # the next phase, or a fork; None for a final phase


@dataclass(frozen=True)
class Transition:
    """What an event does: an item in one of the `source` phases moves to `target` from then on."""

    name: str
    source: tuple[str, ...]
    target: str


class Course(NamedTuple):
    """The path one combination of field values follows: its phases, their statuses, where each ends."""

    phases: tuple[str, ...]
    statuses: tuple[str, ...]
    bounds: tuple[int, ...]  # the index at which each phase but the last ends, non-decreasing
    values: tuple[str, ...]  # the lifecycle's field values it follows, in `Lifecycle.fields` order

    def phase(self, index: int) -> int:
        """The position in `phases` of the phase the item is in at `index`."""
        return bisect_right(self.bounds, index)

    def status(self, index: int) -> str:
        """The status the item shows at `index`."""
        return self.statuses[bisect_right(self.bounds, index)]

    def entered(self, phase: str) -> int | None:
        """The index at which the item first enters `phase` (0 for the first), None if it never does."""
        if phase not in self.phases:
            return None
        k = self.phases.index(phase)
        return 0 if k == 0 else self.bounds[k - 1]


class Piece(NamedTuple):
    """Items matching `clause` (field -> accepted values, ANDed) at indices [lo, hi)."""

    clause: dict[str, list[str]]
    lo: int
    hi: int


class Lifecycle:
    """A graph of phases from the first one given, and the transitions events can apply."""

    def __init__(self, phases: Sequence[Phase], transitions: Sequence[Transition] = ()) -> None:
        if not phases:
            raise ValueError("a lifecycle needs at least one phase")
        self.phases = {p.name: p for p in phases}
        if len(self.phases) != len(phases):
            raise ValueError(f"a lifecycle names a phase twice: {[p.name for p in phases]}")
        self.start = phases[0].name
        for p in phases:
            _check_phase(p, self.phases)
        self.transitions = {t.name: t for t in transitions}
        if len(self.transitions) != len(transitions):
            raise ValueError(f"a lifecycle names a transition twice: {[t.name for t in transitions]}")
        for t in transitions:
            unknown = [n for n in (*t.source, t.target) if n not in self.phases]
            if unknown or not t.source:
                raise ValueError(f"transition {t.name!r}: needs source phases and a target among {list(self.phases)}")
        _check_acyclic(self.phases)
        names: list[str] = []
        for p in phases:
            fork = p.then.field if isinstance(p.then, Fork) else None
            names += [n for n in (p.lasts, p.status_of, fork) if n is not None and n not in names]
        self.fields: tuple[str, ...] = tuple(names)

    def schedule(self, fields: Sequence[Categorical], durations: Mapping[str, Mapping[str, int]]) -> Schedule:
        """The lifecycle with its duration classes in index steps, over the collection's fields."""
        return Schedule(self, fields, durations)


def _check_phase(p: Phase, phases: Mapping[str, Phase]) -> None:
    if (p.status is None) == (p.status_of is None):
        raise ValueError(f"phase {p.name!r}: give exactly one of status and status_of")
    if (p.lasts is None) != (p.then is None):
        raise ValueError(f"phase {p.name!r}: a phase that lasts is followed by one (then), a final one is not")
    targets = [p.then] if isinstance(p.then, str) else list(p.then.routes.values()) if p.then else []
    unknown = [t for t in targets if t not in phases]
    if unknown:
        raise ValueError(f"phase {p.name!r} is followed by unknown phases {unknown}; known: {list(phases)}")


def _next(p: Phase) -> list[str]:
    if isinstance(p.then, Fork):
        return list(dict.fromkeys(p.then.routes.values()))
    return [] if p.then is None else [p.then]


def _check_acyclic(phases: Mapping[str, Phase]) -> None:
    done: dict[str, bool] = {}  # phase -> finished (True) or on the current path (False)

    def visit(name: str, path: tuple[str, ...]) -> None:
        if done.get(name) is False:
            raise ValueError(f"the lifecycle's phases loop: {' -> '.join((*path, name))}")
        if name in done:
            return
        done[name] = False
        for nxt in _next(phases[name]):
            visit(nxt, (*path, name))
        done[name] = True

    for name in phases:
        visit(name, ())


class Schedule:
    """A lifecycle bound to durations: courses, a per-position table of them, exact status pieces."""

    def __init__(
        self, lifecycle: Lifecycle, fields: Sequence[Categorical], durations: Mapping[str, Mapping[str, int]]
    ) -> None:
        self.lifecycle = lifecycle
        self.fields = lifecycle.fields
        known = {f.name: f.values for f in fields}
        missing = [n for n in self.fields if n not in known]
        if missing:
            raise ValueError(f"the lifecycle reads fields {missing} the collection does not declare")
        self.values: dict[str, tuple[str, ...]] = {n: known[n] for n in self.fields}
        self.durations: dict[str, dict[str, int]] = {}
        shown: list[str] = []
        for p in lifecycle.phases.values():
            if p.lasts is not None and p.lasts not in self.durations:
                steps = dict(durations.get(p.lasts, {}))
                wrong = [v for v in self.values[p.lasts] if not isinstance(steps.get(v), int) or steps[v] < 0]
                if wrong or len(steps) != len(self.values[p.lasts]):
                    raise ValueError(f"durations of {p.lasts!r}: every value {self.values[p.lasts]} needs steps >= 0")
                self.durations[p.lasts] = steps
            if isinstance(p.then, Fork) and sorted(p.then.routes) != sorted(self.values[p.then.field]):
                raise ValueError(f"phase {p.name!r}: the fork on {p.then.field!r} must route every value once")
            shown += [p.status] if p.status is not None else list(self.values[p.status_of or ""])
        self.statuses: tuple[str, ...] = tuple(dict.fromkeys(shown))
        self._courses: dict[tuple[str, ...], Course] = {}

    def course(self, values: Sequence[str]) -> Course:
        """The course of an item with these values of the lifecycle's fields (`fields` order)."""
        key = tuple(values)
        course = self._courses.get(key)
        if course is None:
            if len(key) != len(self.fields):
                raise ValueError(f"a course takes values of {list(self.fields)}, not {list(key)}")
            phases, statuses, bounds = self._path(self.lifecycle.start, 0, dict(zip(self.fields, key, strict=True)))
            course = self._courses[key] = Course(phases, statuses, bounds, key)
        return course

    def course_of(self, collection: Collection[Any], index: int) -> Course:
        """The course of item `index` of a collection (or view) that declares the lifecycle's fields."""
        return self.course([collection.field_value(f, index) for f in self.fields])

    def table(self, collection: Collection[Any], *extra: str) -> tuple[tuple[Course, tuple[str, ...]], ...]:
        """Per layout position p (mod the table's length): the course and the `extra` fields' values.

        For items built by the thousand: one lookup instead of a course per item.
        """
        width = len(self.fields)
        return tuple((self.course(row[:width]), row[width:]) for row in collection.rows(*self.fields, *extra))

    def _path(
        self, name: str, at: int, row: Mapping[str, str]
    ) -> tuple[tuple[str, ...], tuple[str, ...], tuple[int, ...]]:
        """The phases from `name` on, entered at index `at`, as the field values in `row` lead."""
        phases: list[str] = []
        statuses: list[str] = []
        bounds: list[int] = []
        while True:
            p = self.lifecycle.phases[name]
            phases.append(name)
            statuses.append(p.status if p.status is not None else row[p.status_of or ""])
            if p.lasts is None:
                return tuple(phases), tuple(statuses), tuple(bounds)
            at += self.durations[p.lasts][row[p.lasts]]
            bounds.append(at)
            name = p.then.routes[row[p.then.field]] if isinstance(p.then, Fork) else str(p.then)

    def moved(self, course: Course, index: int, transition: str) -> Course | None:
        """The course after `transition` happens at `index`; None when the item is not in a source phase then."""
        try:
            t = self.lifecycle.transitions[transition]
        except KeyError:
            known = list(self.lifecycle.transitions)
            raise ValueError(f"unknown transition {transition!r}; known: {known}") from None
        k = course.phase(index)
        if course.phases[k] not in t.source:
            return None
        phases, statuses, bounds = self._path(t.target, index, dict(zip(self.fields, course.values, strict=True)))
        return Course(
            course.phases[: k + 1] + phases,
            course.statuses[: k + 1] + statuses,
            (*course.bounds[:k], index, *bounds),
            course.values,
        )

    def pieces(self, statuses: Sequence[str], total: int) -> list[Piece]:
        """(clause, index window) pieces whose union is exactly the items of [0, total) in these statuses.

        Each path through the graph, with one class per duration field on it, holds each phase
        in one index window; the clause accepts the classes and branch values of that path.
        """
        unknown = [s for s in statuses if s not in self.statuses]
        if unknown:
            raise ValueError(f"unknown statuses {unknown}; the lifecycle shows {list(self.statuses)}")
        wanted = dict.fromkeys(statuses)
        out: list[Piece] = []

        def walk(name: str, clause: dict[str, list[str]], lo: int) -> None:
            p = self.lifecycle.phases[name]
            classes: list[tuple[str | None, int | None]] = [(None, None)]
            if p.lasts is not None:
                classes = [(c, steps) for c, steps in self.durations[p.lasts].items()]
            for cls, steps in classes:
                here = clause if p.lasts is None or cls is None else _narrowed(clause, p.lasts, [cls])
                if here is None:
                    continue
                hi = total if steps is None else min(total, lo + steps)
                if p.status is not None:
                    shown = here if p.status in wanted else None
                else:
                    field = p.status_of or ""
                    shown = _narrowed(here, field, [v for v in self.values[field] if v in wanted])
                if shown is not None and lo < hi:
                    out.append(Piece(shown, lo, hi))
                if steps is not None and lo + steps < total:
                    for nxt, narrowed in self._branches(p, here):
                        walk(nxt, narrowed, lo + steps)

        walk(self.lifecycle.start, {}, 0)
        return out

    def _branches(self, p: Phase, clause: dict[str, list[str]]) -> list[tuple[str, dict[str, list[str]]]]:
        """The phases that can follow p, each with the clause narrowed to the values that lead there."""
        if not isinstance(p.then, Fork):
            return [(str(p.then), clause)]
        by_target: dict[str, list[str]] = {}
        for value in self.values[p.then.field]:
            by_target.setdefault(p.then.routes[value], []).append(value)
        out = []
        for target, accepted in by_target.items():
            narrowed = _narrowed(clause, p.then.field, accepted)
            if narrowed is not None:
                out.append((target, narrowed))
        return out


def _narrowed(clause: dict[str, list[str]], field: str, accepted: Sequence[str]) -> dict[str, list[str]] | None:
    """The clause that also requires `field` in `accepted`; None when nothing can match it."""
    if field in clause:
        accepted = [v for v in clause[field] if v in accepted]
    if not accepted:
        return None
    return {**clause, field: list(accepted)}
