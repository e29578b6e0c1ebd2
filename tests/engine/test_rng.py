"""Seeded randomness: the fast helpers give exactly what the documented derivation gives."""

from __future__ import annotations

from specmock.engine import values
from specmock.engine.rng import Branch, Rng, label_hash, mix, pick, splitmix64


def test_values_stay_what_they_were() -> None:
    # pinned: users reproduce bugs by seed, so a faster implementation must not move any value
    rng = Rng.root(7, "osmo", "workflow", 10**12)
    assert rng.key == 5495966906364621280
    assert rng.bits("uuid") == 15892328453935836485
    assert rng.bits("time", 2**40) == 3948340955903951411
    assert rng.integer(0, 999, "x", 5) == 359
    assert values.uuid(rng, "uuid") == "dc8ce487-16ad-4d45-b78c-314903792000"


def test_mix_is_the_bits_of_a_label() -> None:
    for key in (0, 1, 2**63 + 5, 2**64 - 1):
        rng = Rng(key)
        for n in (0, 1, 17, 2**40, 2**64 - 1):
            expected = splitmix64(key ^ label_hash("time") ^ splitmix64(n))
            assert rng.bits("time", n) == mix(key ^ label_hash("time"), n) == expected


def test_a_branch_is_the_root_of_its_items() -> None:
    for seed in (0, 7, -3):
        branch = Branch(seed, "osmo", "workflow")
        for index in (0, 1, 35, 10**12, 2**70, -5):
            assert branch.rng(index).key == Rng.root(seed, "osmo", "workflow", index).key


def test_a_page_of_digits_is_the_digits_of_each_item() -> None:
    branch = Branch(5, "osmo", "workflow")
    indices = [0, 9, 10, 35, 10**12, 10**23, 10**24, 10**30, -5, 2**70]
    assert branch.hexes(indices) == [branch.hex(i) for i in indices]
    assert branch.hexes([]) == []


def test_branch_digits_are_per_item_and_apart_from_its_rng() -> None:
    branch = Branch(3, "things")
    digits = [branch.hex(i) for i in range(2000)]
    assert all(len(d) == 64 and int(d, 16) >= 0 and d == d.lower() for d in digits)
    assert len(set(digits)) == 2000
    assert digits == [Branch(3, "things").hex(i) for i in range(2000)]
    assert Branch(4, "things").hex(0) != digits[0]
    assert f"{branch.rng(0).key:016x}" not in digits[0]
    # every hex digit about equally often
    counts = [sum(d.count(c) for d in digits) for c in "0123456789abcdef"]
    assert max(counts) - min(counts) < 0.1 * (64 * 2000 / 16)


def test_pick_covers_the_options_evenly() -> None:
    options = tuple(range(10))
    assert pick(options, "0" * 8) == 0 and pick(options, "f" * 8) == 9
    seen = [pick(options, Branch(1, "pick").hex(i)[:8]) for i in range(5000)]
    assert all(abs(seen.count(k) - 500) < 100 for k in options)
