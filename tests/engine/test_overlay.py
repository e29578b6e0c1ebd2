"""Writes merged over a filtered base: every page and total equals the brute-force merged list."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from specmock.engine.collections import Categorical, Collection
from specmock.engine.overlay import Edits, QueryBase, edits_of, merged_page


@dataclass(frozen=True)
class Rec:
    key: str
    colour: str


class ListBase:
    """A base that pages by windows over a list, and counts how much of it was built."""

    def __init__(self, records: Sequence[Rec], wanted: str | None) -> None:
        self.records, self.wanted = list(records), wanted
        self.built = 0

    def _ok(self, r: Rec) -> bool:
        return self.wanted is None or r.colour == self.wanted

    def count(self, start: int, stop: int) -> int:
        return sum(self._ok(r) for r in self.records[start:stop])

    def page(self, skip: int, limit: int, start: int, stop: int) -> list[Rec]:
        out = [r for r in self.records[start:stop] if self._ok(r)][skip : skip + limit]
        self.built += len(out)
        return out


COLOURS = ("red", "green", "blue")


def brute(
    records: list[Rec], wanted: str | None, changes: dict[int, Rec | None], created: list[tuple[int, Rec]]
) -> list[Rec]:
    """The merged list the slow way: apply every write, then filter."""
    shown: list[Rec] = []
    for position in range(len(records) + 1):
        shown += [r for p, r in created if p == position]
        if position < len(records):
            now = changes.get(position, records[position])
            if now is not None:
                shown.append(now)
    return [r for r in shown if wanted is None or r.colour == wanted]


writes = st.lists(
    st.tuples(st.integers(0, 59), st.one_of(st.none(), st.sampled_from(COLOURS))), max_size=12, unique_by=lambda w: w[0]
)


@settings(max_examples=1000, deadline=None)
@given(
    colours=st.lists(st.sampled_from(COLOURS), min_size=0, max_size=60),
    wanted=st.one_of(st.none(), st.sampled_from(COLOURS)),
    changed=writes,
    created=st.lists(st.tuples(st.integers(0, 60), st.sampled_from(COLOURS)), max_size=5),
    offset=st.integers(0, 70),
    limit=st.integers(0, 25),
)
def test_every_page_and_total_is_the_brute_force_one(
    colours: list[str],
    wanted: str | None,
    changed: list[tuple[int, str | None]],
    created: list[tuple[int, str]],
    offset: int,
    limit: int,
) -> None:
    records = [Rec(f"b{i}", c) for i, c in enumerate(colours)]
    n = len(records)
    changes = {p: (None if c is None else Rec(f"b{p}*", c)) for p, c in changed if p < n}
    made = [(min(p, n), Rec(f"new{k}", c)) for k, (p, c) in enumerate(created)]
    base = ListBase(records, wanted)
    edits = edits_of(
        changes.items(),
        lambda p: base._ok(records[p]),
        base._ok,
        made,
    )
    expected = brute(records, wanted, changes, made)
    page = merged_page(base, n, edits, offset, limit)
    assert page.total == len(expected)
    assert page.items == expected[offset : offset + limit]
    assert page.more(offset) == (offset + limit < len(expected))
    assert base.built <= limit  # only the page is built, never what it skips


def test_a_patched_record_moves_out_of_and_into_a_filter() -> None:
    records = [Rec(f"b{i}", "red" if i % 2 else "blue") for i in range(10)]
    base = ListBase(records, "red")
    # b1 (red) turns blue: the red list loses it; b2 (blue) turns red: it joins at its place
    changes = {1: Rec("b1*", "blue"), 2: Rec("b2*", "red")}
    edits = edits_of(changes.items(), lambda p: base._ok(records[p]), base._ok)
    page = merged_page(base, 10, edits, 0, 3)
    assert [r.key for r in page.items] == ["b2*", "b3", "b5"]
    assert page.total == 5  # no page is one short


def test_edits_with_nothing_to_do_page_the_base_directly() -> None:
    records = [Rec(f"b{i}", "red") for i in range(5)]
    assert not Edits[Rec]()
    assert [r.key for r in merged_page(ListBase(records, None), 5, Edits(), 1, 2).items] == ["b1", "b2"]


def test_negative_offsets_are_refused() -> None:
    with pytest.raises(ValueError, match="offset and limit"):
        merged_page(ListBase([], None), 0, Edits(), -1, 2)


@pytest.mark.parametrize("order", ["DESC", "ASC"])
def test_a_huge_engine_collection_merges_exactly_at_any_offset(order: str) -> None:
    """10^12 items, a filter, a few writes deep in the list: totals and pages by positions."""
    total = 10**12
    fields = [Categorical("colour", [(c, 1.0) for c in COLOURS], period=3)]
    collection: Collection[tuple[int, str]] = Collection(total, lambda i: (i, "?"), fields, seed=1, name="t")
    collection = collection.at(0, item=lambda i: (i, collection.field_value("colour", i)))
    base = QueryBase(collection, collection.query({"colour": ["red"]}), order)
    reds = base.count(0, total)
    deep = base.page(reds // 2, 4, 0, total)  # four red items in the middle
    index_of = {item: item[0] for item in deep}
    changes = [
        (base.position(index_of[deep[1]]), (deep[1][0], "blue")),  # leaves the red list
        (base.position(index_of[deep[2]]), None),  # deleted
    ]
    blue = next(i for i in range(deep[0][0], deep[0][0] + 10) if collection.field_value("colour", i) == "blue")
    changes.append((base.position(blue), (blue, "red")))  # joins the red list
    edits = edits_of(changes, lambda p: base.count(p, p + 1) == 1, lambda item: item[1] == "red")
    merged = merged_page(base, total, edits, reds // 2 - 10, 30)
    assert merged.total == reds - 1
    assert len(merged.items) == 30
    positions = [base.position(item[0]) for item in merged.items]
    assert positions == sorted(positions)  # in the list's order, the joined one at its own place
    assert all(colour == "red" for _, colour in merged.items)
    assert deep[0] in merged.items and deep[3] in merged.items and (blue, "red") in merged.items
    assert deep[1] not in merged.items and deep[2] not in merged.items
    # the items around the writes are the base's own: nothing skipped, nothing repeated
    plain = base.page(reds // 2 - 10, 32, 0, total)
    assert [i for i in merged.items if i != (blue, "red")] == [i for i in plain if i not in (deep[1], deep[2])][:29]
