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
"""

from __future__ import annotations

from specmock.context import Context, ProblemError, Reply
from specmock.coverage import exhaustive
from specmock.engine import values
from specmock.engine.clock import as_utc
from specmock.engine.collections import Categorical, Collection, Page, Query, Timeline
from specmock.engine.entities import Entity, EntityExists, EntityMissing
from specmock.engine.overlay import Edits, FilteredBase, Merged, QueryBase, edits_of, merged_page
from specmock.engine.rng import Branch, Rng, pick
from specmock.engine.state import StateError, Store
from specmock.registry import Generators, Volume, load_generators

__all__ = [
    "Branch",
    "Categorical",
    "Collection",
    "Context",
    "Edits",
    "Entity",
    "EntityExists",
    "EntityMissing",
    "FilteredBase",
    "Generators",
    "Merged",
    "Page",
    "ProblemError",
    "Query",
    "QueryBase",
    "Reply",
    "Rng",
    "StateError",
    "Store",
    "Timeline",
    "Volume",
    "as_utc",
    "edits_of",
    "exhaustive",
    "load_generators",
    "merged_page",
    "pick",
    "values",
]
