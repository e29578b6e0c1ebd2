"""Counter-based seeded randomness: every value is a pure function of (seed, path, label).

Seed derivation, documented because users rely on it for reproducible bugs:

- `Rng.root(seed, *path)` hashes the seed and the path parts (api, entity, index, ...) with
  BLAKE2b into a 64-bit key. Parts are tagged with their type and length, so ("a", "bc") and
  ("ab", "c") differ, and 1 differs from "1".
- `rng.child(*path)` hashes the key with more parts: one hash per item, O(1) for any index.
- `rng.bits(label)` mixes the key with the label's own hash through SplitMix64: no hashing per
  field, no state, no call order. Adding a field never reshuffles the others. `mix(key, n)` is
  the same mixing for a key already combined with a label's hash, for loops that draw one label
  of many counters (a timeline's jitter).
- `Branch(seed, *path)` encodes the path once for the many items under it: `branch.rng(i)` is
  exactly `Rng.root(seed, *path, i)`, at a fraction of the cost. `branch.hex(i)` gives 64
  random hex digits of item i from one BLAKE2s hash of the same bytes (a sibling function, so
  they are independent of `branch.rng(i)`): for items that need many random bits at once (an
  id, a name), one hash instead of a draw per value; `branch.hexes(indices)` is the same for a
  page of items. `pick(options, digits)` chooses among
  options with some of those digits (8 digits: a bias under len(options) / 2**32).

Nothing here uses `hash()`, set order, the wall clock or a global random stream, so the same
seed gives the same values in any process, thread, worker or PYTHONHASHSEED.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import TypeVar

T = TypeVar("T")

MASK = (1 << 64) - 1
_TWO_53 = float(1 << 53)


def _encode(parts: tuple[object, ...]) -> bytes:
    out = bytearray()
    for part in parts:
        if isinstance(part, bool):
            text, tag = str(int(part)), b"b"
        elif isinstance(part, int):
            text, tag = str(part), b"i"  # Branch._item writes the same bytes for its int
        elif isinstance(part, str):
            text, tag = part, b"s"
        elif isinstance(part, float):
            text, tag = repr(part), b"f"
        else:
            raise TypeError(f"seed path parts are str, int, float or bool, not {type(part).__name__}")
        data = text.encode("utf-8")
        out += tag + len(data).to_bytes(4, "big") + data
    return bytes(out)


def digest64(*parts: object) -> int:
    """A 64-bit BLAKE2b hash of the tagged parts."""
    return int.from_bytes(hashlib.blake2b(_encode(parts), digest_size=8).digest(), "big")


@lru_cache(maxsize=65536)
def label_hash(label: str) -> int:
    """The 64-bit hash of a field label (cached: labels are few and reused for every item)."""
    return digest64("label", label)


def splitmix64(x: int) -> int:
    """One SplitMix64 step: a fast, well-mixed 64-bit function of a 64-bit input."""
    x = (x + 0x9E3779B97F4A7C15) & MASK
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & MASK
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & MASK
    return x ^ (x >> 31)


def mix(key: int, n: int) -> int:
    """splitmix64(key ^ splitmix64(n)): `Rng(k).bits(label, n)` is `mix(k ^ label_hash(label), n)`."""
    # both steps written out: this runs once per drawn value, and a call costs as much as a step
    x = (n + 0x9E3779B97F4A7C15) & MASK
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & MASK
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & MASK
    x = ((key ^ x ^ (x >> 31)) + 0x9E3779B97F4A7C15) & MASK
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & MASK
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & MASK
    return x ^ (x >> 31)


class Rng:
    """A key from which values are read by label; children are derived by path."""

    __slots__ = ("key",)

    def __init__(self, key: int) -> None:
        self.key = key & MASK

    @classmethod
    def root(cls, seed: int, *path: object) -> Rng:
        """The generator for a seed and a path such as (api, entity)."""
        return cls(digest64(seed, *path))

    def child(self, *path: object) -> Rng:
        """A generator for a sub-path, e.g. one item: `entity_rng.child(index)`."""
        return Rng(digest64(self.key, *path))

    def bits(self, label: str, n: int = 0) -> int:
        """64 random bits for a label (and an optional counter n, for lists of values)."""
        return mix(self.key ^ label_hash(label), n)

    def random(self, label: str, n: int = 0) -> float:
        """A float in [0, 1)."""
        return (self.bits(label, n) >> 11) / _TWO_53

    def integer(self, low: int, high: int, label: str, n: int = 0) -> int:
        """An integer in [low, high], inclusive; exact for ranges of any size."""
        if high < low:
            raise ValueError(f"empty range [{low}, {high}]")
        span = high - low + 1
        if span <= 1 << 32:
            return low + (self.bits(label, n) * span >> 64)
        value, width = 0, 0
        while width < span.bit_length() + 64:  # enough bits that the modulo bias is negligible
            value = (value << 64) | self.bits(label, n + (width // 64) * 7919)
            width += 64
        return low + value % span

    def uniform(self, low: float, high: float, label: str, n: int = 0) -> float:
        """A float in [low, high)."""
        return low + (high - low) * self.random(label, n)

    def choice(self, options: Sequence[T], label: str, n: int = 0) -> T:
        """One element, each equally likely."""
        if not options:
            raise ValueError(f"choice from an empty sequence ({label})")
        return options[self.bits(label, n) * len(options) >> 64]

    def weighted(self, options: Sequence[tuple[T, float]], label: str, n: int = 0) -> T:
        """One element, chosen in proportion to its weight."""
        total = sum(w for _, w in options)
        if total <= 0:
            raise ValueError(f"weights must add up to more than 0 ({label})")
        point = self.random(label, n) * total
        for value, weight in options:
            point -= weight
            if point < 0:
                return value
        return options[-1][0]

    def chance(self, probability: float, label: str, n: int = 0) -> bool:
        """True with the given probability."""
        return self.random(label, n) < probability

    def shuffled(self, items: Sequence[T], label: str) -> list[T]:
        """A permutation of items (Fisher-Yates driven by counter-based draws)."""
        out = list(items)
        for i in range(len(out) - 1, 0, -1):
            j = self.integer(0, i, label, i)
            out[i], out[j] = out[j], out[i]
        return out


class Branch:
    """The items under one path: `rng(i)` is `Rng.root(seed, *path, i)`, without encoding the path again."""

    __slots__ = ("_heads", "_prefix")

    def __init__(self, seed: int, *path: object) -> None:
        self._prefix = _encode((seed, *path))
        # the encoded path and int tag for each length of the index's digits (an index below 10**24
        # is a lookup, not an encoding)
        self._heads = tuple(self._prefix + b"i" + n.to_bytes(4, "big") for n in range(25))

    def _item(self, index: int) -> bytes:
        text = b"%d" % index
        if len(text) < len(self._heads):
            return self._heads[len(text)] + text
        return self._prefix + b"i" + len(text).to_bytes(4, "big") + text

    def rng(self, index: int) -> Rng:
        """The generator of item `index`, the same as `Rng.root(seed, *path, index)`."""
        return Rng(int.from_bytes(hashlib.blake2b(self._item(index), digest_size=8).digest(), "big"))

    def hex(self, index: int) -> str:
        """64 random lowercase hex digits of item `index`, from one hash."""
        return hashlib.blake2s(self._item(index)).hexdigest()

    def hexes(self, indices: Iterable[int]) -> list[str]:
        """`hex(i)` of each index, in order: a page of items in one call."""
        item, blake2s = self._item, hashlib.blake2s
        return [blake2s(item(index)).hexdigest() for index in indices]


def pick(options: Sequence[T], digits: str) -> T:
    """One element, each about equally likely, chosen by random hex digits (e.g. from Branch.hex)."""
    if not options or not digits:
        raise ValueError("pick needs options and digits")
    return options[int(digits, 16) * len(options) >> 4 * len(digits)]
