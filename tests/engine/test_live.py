"""Live collections: slots that keep their items as the clock moves, checked against brute force."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest

from specmock.engine.collections import Categorical
from specmock.engine.live import Live, LiveView, Slots, spacing_for
from specmock.engine.naming import base36, prime_at_least, slot_of

EPOCH = datetime(2026, 1, 1, tzinfo=UTC)
SPACING = timedelta(minutes=10)
SLOTS = Slots(EPOCH, SPACING, datetime(2100, 1, 1, tzinfo=UTC))
FIELDS = (Categorical("team", [("a", 1), ("b", 2), ("c", 1)], period=11),)


def jobs(total: int = 300) -> Live:
    return Live(total, FIELDS, slots=SLOTS, seed=3, name="jobs")


def view(live: Live, now: datetime) -> LiveView[tuple[int, str]]:
    """Items that say which slot they are and the name made from it."""
    out: LiveView[tuple[int, str]]

    def item(index: int) -> tuple[int, str]:
        return out.slot(index), name(out.slot(index))

    out = live.at(now, item, texts={"name": lambda index: name(out.slot(index))})
    return out


def name(slot: int) -> str:
    return f"job-{base36(slot)}"


def test_spacing_squeezes_a_huge_total_into_the_history() -> None:
    assert spacing_for(100, SPACING, timedelta(days=365)) == SPACING
    assert spacing_for(10**6, SPACING, timedelta(days=365)) == timedelta(days=365) / 10**6
    assert spacing_for(10**15, SPACING, timedelta(days=1)) == timedelta(microseconds=1)
    assert spacing_for(0, SPACING, timedelta(days=1)) == SPACING


def test_slots_open_on_the_grid_and_keep_their_position() -> None:
    for slot in (0, 1, 17, 10**6):
        assert SLOTS.newest(SLOTS.opens(slot)) == slot
        assert SLOTS.newest(SLOTS.opens(slot) - timedelta(microseconds=1)) == slot - 1
        assert SLOTS.position(slot) == SLOTS.last - slot
    assert SLOTS.newest(EPOCH - SPACING) == -1
    with pytest.raises(ValueError, match="horizon"):
        Slots(EPOCH, SPACING, EPOCH)
    with pytest.raises(ValueError, match="microsecond"):
        Slots(EPOCH, timedelta(0), SLOTS.horizon)


@pytest.mark.parametrize("minutes", [0, 3, 9])
def test_index_zero_is_the_newest_slot_and_items_keep_their_slot_as_the_clock_moves(minutes: int) -> None:
    live = jobs()
    early = view(live, EPOCH + SPACING * 1000 + timedelta(minutes=minutes))
    later = view(live, EPOCH + SPACING * 1037 + timedelta(minutes=minutes))
    assert (early.newest, later.newest) == (1000, 1037)
    assert early.total == later.total == 300
    assert early.collection.get(0) == (1000, name(1000))
    for slot in range(1037 - 299, 1001):
        a, b = early.index(slot), later.index(slot)
        assert a is not None and b is not None and b - a == 37
        assert early.collection.get(a) == later.collection.get(b) == (slot, name(slot))
        # what is keyed on the position follows the slot: field values and time
        assert early.collection.field_value("team", a) == later.collection.field_value("team", b)
        assert early.collection.time(a) == later.collection.time(b)
        assert SLOTS.opens(slot) - SPACING / 2 < early.collection.time(a) <= SLOTS.opens(slot)
    times = [later.collection.time(i) for i in range(300)]
    assert times == sorted(times, reverse=True) and len(set(times)) == 300


def test_a_clock_near_the_epoch_sees_only_the_slots_since() -> None:
    live = jobs()
    assert view(live, EPOCH + SPACING * 41).total == 42
    assert view(live, EPOCH).total == 1
    assert view(live, EPOCH - timedelta(seconds=1)).total == 0
    assert view(live, EPOCH + SPACING * 5000).total == 300


def test_lookups_by_slot_and_by_name_are_exact() -> None:
    v = view(jobs(), EPOCH + SPACING * 2000)
    for index in (0, 1, 150, 299):
        slot = v.slot(index)
        assert v.index(slot) == index and v.named(name(slot)) == index
        assert v.get(slot) == (slot, name(slot))
        assert v.index_at(slot, SLOTS.opens(slot + 4)) == 4
    for missing in (2001, 2000 - 300, -5):
        assert v.index(missing) is None and v.get(missing) is None
    for wrong in (name(2001), "job-", "job-ABC", "job-ü", name(1700)):
        assert v.named(wrong) is None


def test_filters_of_a_moment_match_brute_force() -> None:
    live = jobs()
    for now in (EPOCH + SPACING * 120, EPOCH + SPACING * 4321 + timedelta(minutes=7)):
        v = view(live, now)
        expected = [i for i in range(v.total) if v.collection.field_value("team", i) == "b"]
        assert v.collection.count({"team": "b"}) == len(expected)
        assert v.collection.page(5, 30, {"team": "b"}).indices == expected[5:35]
        found = v.collection.page(0, 5, contains={"name": "job-3"})
        assert found.indices == [i for i in range(v.total) if "job-3" in name(v.slot(i))][:5]


def test_base36_names_read_back_and_primes_avoid() -> None:
    draw = random.Random(7)
    for number in [
        *range(3000),
        *(36**k + d for k in range(1, 12) for d in (-1, 0, 1)),
        *draw.sample(range(10**15), 500),
    ]:
        assert slot_of(f"x-{base36(number)}") == number and int(base36(number), 36) == number
        assert base36(number)[0] != "0" or number == 0
    assert [prime_at_least(n) for n in (0, 2, 8, 14, 90)] == [2, 2, 11, 17, 97]
    assert prime_at_least(11, avoid=11) == 13
