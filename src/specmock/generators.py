"""What a generator package uses: the one module a bundled or user API imports from specmock.

A package of handwritten generators imports this module and its own generated package, nothing
else of specmock's (a test holds the bundled packages to it). Everything here is stable surface;
the modules behind it are not.

- registering: `Generators` (operations, extra routes, collections, seeded rng, memo),
  `load_generators`, `Volume`;
- a request: `Context` in, a value or `Reply` out, `ProblemError` for a declared error;
- coupling: `exhaustive`;
- randomness and values: `Rng`, `Branch`, `pick`, `values` (realistic pools picked by hash);
- time: `as_utc`;
- data: `Collection`, `Categorical`, `Timeline`, `Query`, `Page`;
- state: `Store`, `StateError`, `Entity` (read, create, patch, update, delete by key, atomic),
  `EntityExists`, `EntityMissing`; writes merged into exact pages: `edits_of`, `merged_page`,
  `Edits`, `Merged`, `FilteredBase` (what a base must answer), `QueryBase` (a collection's).
- live data: `Live`, `LiveView`, `Slots`, `spacing_for` (items in time slots that keep them as the
  clock moves), `base36`, `slot_of`, `prime_at_least` (names that encode the slot, periods);
- lifecycles: `Lifecycle`, `Phase`, `Fork`, `Transition`, `Schedule`, `Course` (status as a pure
  function of fields and index), `Plan` (exact pages of a status filter), `PlanBase` (a plan as
  an overlay's base), `Event`, `Events` (timed transitions of a few items);
"""

from __future__ import annotations

from specmock.context import Context, ProblemError, Reply
from specmock.coverage import exhaustive
from specmock.engine import values
from specmock.engine.clock import as_utc
from specmock.engine.collections import Categorical, Collection, Page, Query, Timeline
from specmock.engine.entities import Entity, EntityExists, EntityMissing
from specmock.engine.events import Event, Events
from specmock.engine.lifecycle import Course, Fork, Lifecycle, Phase, Schedule, Transition
from specmock.engine.live import Live, LiveView, Slots, spacing_for
from specmock.engine.naming import base36, prime_at_least, slot_of
from specmock.engine.overlay import Edits, FilteredBase, Merged, QueryBase, edits_of, merged_page
from specmock.engine.plan import Plan, PlanBase
from specmock.engine.rng import Branch, Rng, pick
from specmock.engine.state import StateError, Store
from specmock.registry import Generators, Volume, load_generators

__all__ = [
    "Branch",
    "Categorical",
    "Collection",
    "Context",
    "Course",
    "Edits",
    "Entity",
    "EntityExists",
    "EntityMissing",
    "Event",
    "Events",
    "FilteredBase",
    "Fork",
    "Generators",
    "Lifecycle",
    "Live",
    "LiveView",
    "Merged",
    "Page",
    "Phase",
    "Plan",
    "PlanBase",
    "ProblemError",
    "Query",
    "QueryBase",
    "Reply",
    "Rng",
    "Schedule",
    "Slots",
    "StateError",
    "Store",
    "Timeline",
    "Transition",
    "Volume",
    "as_utc",
    "base36",
    "edits_of",
    "exhaustive",
    "load_generators",
    "merged_page",
    "pick",
    "prime_at_least",
    "slot_of",
    "spacing_for",
    "values",
]
