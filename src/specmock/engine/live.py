"""Live collections: items submitted into absolute time slots, which keep them as the clock moves.

Slot s opens at `epoch + s * spacing`; at a moment `now` the newest slot is
`(now - epoch) // spacing`, listed at index 0, and slot s is listed at `index = newest - s`. So as
the clock runs a new item appears at the top every `spacing` and every older one moves down one
index, keeping its slot and with it everything keyed on the slot: its name, its random values and
its time. A slot before the epoch holds nothing, so a list whose clock is less than `total` slots
past the epoch holds only the slots since.

The items are an engine `Collection` laid out on positions counted down from a fixed `horizon`
slot: slot s sits at position `horizon - s` whatever the moment, and a moment's view is that
collection's `at(shift=horizon - newest, anchor=opening of the newest slot)`, sharing the fields,
patterns and filter tables of every other moment. The timeline's jitter puts an item's time in
the spacing before its slot opens; Categorical fields are keyed on the position, so they follow
the slot too. Lookups by slot (and by a name ending in the slot, see `naming.slot_of`) are O(1).

`spacing_for` squeezes a huge total into a history span: with a fixed spacing, 10**12 items
would reach back before year 1.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cached_property
from typing import Any, Generic, TypeVar

from specmock.engine.clock import as_utc
from specmock.engine.collections import Categorical, Collection, Timeline
from specmock.engine.naming import slot_of

T = TypeVar("T")

_MICROSECOND = timedelta(microseconds=1)


def spacing_for(total: int, spacing: timedelta, history: timedelta) -> timedelta:
    """`spacing`, or less so that `total` slots fit in `history` (never under a microsecond)."""
    return max(_MICROSECOND, min(spacing, history / max(1, total)))


@dataclass(frozen=True)
class Slots:
    """An absolute slot grid: slot s opens at epoch + s * spacing; positions count down from horizon."""

    epoch: datetime
    spacing: timedelta
    horizon: datetime
    last: int = field(init=False)  # the horizon's slot: slot s sits at layout position last - s

    def __post_init__(self) -> None:
        object.__setattr__(self, "epoch", as_utc(self.epoch))
        object.__setattr__(self, "horizon", as_utc(self.horizon))
        if self.spacing < _MICROSECOND:
            raise ValueError(f"slot spacing must be at least one microsecond, not {self.spacing}")
        if self.horizon <= self.epoch:
            raise ValueError(f"the horizon {self.horizon} must come after the epoch {self.epoch}")
        object.__setattr__(self, "last", (self.horizon - self.epoch) // self.spacing)

    def newest(self, now: datetime) -> int:
        """The slot listed at index 0 at `now`: the last one opened (negative before the epoch)."""
        return (as_utc(now) - self.epoch) // self.spacing

    def opens(self, slot: int) -> datetime:
        """When a slot opens."""
        return self.epoch + self.spacing * slot

    def position(self, slot: int) -> int:
        """The layout position of a slot, the same at every moment."""
        return self.last - slot


class Live:
    """A live collection: `total` items in slots, with Categorical fields keyed on the slot."""

    def __init__(
        self,
        total: int,
        fields: Sequence[Categorical] = (),
        *,
        slots: Slots,
        seed: int = 0,
        name: str = "",
        jitter: float = 0.5,
    ) -> None:
        self.total, self.slots = total, slots
        # its items are indices: each moment's view builds items of its own
        self.collection: Collection[Any] = Collection(
            total, _index, fields, seed=seed, name=name, timeline=Timeline(slots.epoch, slots.spacing, jitter)
        )

    def at(
        self,
        now: datetime,
        item: Callable[[int], T],
        *,
        items: Callable[[list[int]], list[T]] | None = None,
        texts: Mapping[str, Callable[[int], str]] | None = None,
    ) -> LiveView[T]:
        """The items as they stand at `now`, built by `item(index)` (or `items(indices)` a page at once)."""
        return LiveView(self, now, item, items, texts)


class LiveView(Generic[T]):
    """A live collection at one moment: index 0 is the newest slot at `now`."""

    def __init__(
        self,
        live: Live,
        now: datetime,
        item: Callable[[int], T],
        items: Callable[[list[int]], list[T]] | None,
        texts: Mapping[str, Callable[[int], str]] | None,
    ) -> None:
        self.live, self.now = live, as_utc(now)
        slots = live.slots
        self.newest = slots.newest(self.now)
        total = max(0, min(live.total, self.newest + 1))  # no slot before the epoch
        whole = live.collection if total == live.total else live.collection.resized(total)
        self.shift = slots.last - self.newest
        self.anchor = slots.opens(self.newest)
        self._whole = whole
        self.collection: Collection[T] = whole.at(self.shift, self.anchor, item=item, items=items, texts=texts)
        self.total = total

    @cached_property
    def indices(self) -> Collection[int]:
        """The same view answering indices: for relations and counts that need no items."""
        return self._whole.at(self.shift, self.anchor)

    def slot(self, index: int) -> int:
        """The slot of the item listed at `index` now."""
        return self.newest - index

    def index(self, slot: int) -> int | None:
        """Where a slot is listed now, or None when it is not (not yet, or no longer) in the list."""
        index = self.newest - slot
        return index if 0 <= index < self.total else None

    def index_at(self, slot: int, moment: datetime) -> int:
        """The index a slot had (or will have) at another moment: negative before it opened."""
        return self.live.slots.newest(moment) - slot

    def named(self, name: str) -> int | None:
        """The index of the slot a name ends in (base 36), if listed now; the caller checks the rest."""
        slot = slot_of(name)
        return None if slot is None else self.index(slot)

    def get(self, slot: int) -> T | None:
        """The item in a slot, or None when the slot is not listed now: O(1)."""
        index = self.index(slot)
        return None if index is None else self.collection.get(index)


def _index(index: int) -> int:
    return index
