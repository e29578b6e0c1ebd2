"""`specmock.generators` is the surface generator packages build on: what it exports is held here,
so adding or dropping a name is a decision, not an accident (as httpx holds its own)."""

from __future__ import annotations

import specmock.generators as surface

EXPORTED = [
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


def test_the_surface_exports_exactly_these_names() -> None:
    assert surface.__all__ == EXPORTED


def test_every_exported_name_exists_and_nothing_public_is_unlisted() -> None:
    for name in surface.__all__:
        assert hasattr(surface, name), name
    # (pytest may add its own @-names when it rewrites asserts in the package)
    public = {n for n in vars(surface) if n.isidentifier() and not n.startswith("_") and n != "annotations"}
    assert public == set(EXPORTED)


def test_exported_functions_and_classes_say_what_they_are() -> None:
    for name in surface.__all__:
        member = getattr(surface, name)
        assert (member.__doc__ or "").strip(), f"{name} has no docstring"
