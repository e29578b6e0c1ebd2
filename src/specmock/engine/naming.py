"""Names that encode where an item sits, and the prime periods its fields repeat with.

A live collection's item keeps its absolute slot forever, so a name that ends in the slot in
base 36 (`llama-train-f4k2`) is found again in O(1): `slot_of` reads the slot back and the
caller compares the rest of the name with the one the slot makes.
"""

from __future__ import annotations

from functools import lru_cache

DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"
PAIRS = tuple(a + b for a in DIGITS for b in DIGITS)  # two digits a step: every list entry's name has one
SMALL: tuple[str, ...] = (*DIGITS, *PAIRS[36:])  # the numbers below 36 * 36, without a leading zero


def base36(number: int) -> str:
    """A non-negative integer in base 36, lowercase."""
    if number < 36 * 36:
        return SMALL[number]
    high, low = divmod(number, 36 * 36)
    return _leading(high) + PAIRS[low]


@lru_cache(maxsize=1024)
def _leading(number: int) -> str:
    # the names of a page are of neighbouring slots, which share all but their last two digits
    return base36(number)


def slot_of(name: str) -> int | None:
    """The slot a name encodes in its last dash-separated part (base 36), if any."""
    tail = name.rsplit("-", 1)[-1]
    if not tail or not tail.isascii() or not tail.isalnum() or tail != tail.lower():
        return None
    return int(tail, 36)


def prime_at_least(n: int, avoid: int = 0) -> int:
    """The smallest prime >= n other than `avoid`: co-prime periods keep field combinations spread."""
    candidate = max(2, n)
    while candidate == avoid or any(candidate % d == 0 for d in range(2, int(candidate**0.5) + 1)):
        candidate += 1
    return candidate
