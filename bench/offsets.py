"""The requests of one load run: the same path every time, or a page offset that differs on every request.

Request n of a run asks for offset `base + n * step mod modulus`. With `step` coprime to
`modulus` that is a permutation of 0 .. modulus - 1, so no offset repeats until `modulus`
requests were sent; a step near modulus / golden ratio puts consecutive offsets far apart, so
nothing a server keeps from one request is near the next. wrk threads take interleaved request
numbers (thread t: t, t + threads, ...), so they never ask for the same page either.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

LIMIT = 20
LIST = "/api/workflow"
GOLDEN = (math.sqrt(5) - 1) / 2
# offsets in a window run by deep and filtered pages: more than a run sends, so each request differs
# (a response cache answers a repeated request without paging at all, hiding what depth costs)
WINDOW = 100_000


@dataclass(frozen=True)
class Plan:
    """Request n asks for `prefix` followed by its offset."""

    label: str
    prefix: str  # the path and query up to the offset's value
    base: int = 0
    modulus: int = 1  # 1: every request is the same
    step: int = 1

    @property
    def repeated(self) -> bool:
        """Whether every request asks for the same path."""
        return self.modulus == 1

    def offset(self, n: int) -> int:
        """The offset of request n (n counts from 0 across the whole run)."""
        return self.base + n * self.step % self.modulus

    def path(self, n: int) -> str:
        """The path and query of request n."""
        return f"{self.prefix}{self.offset(n)}"

    def distinct(self, requests: int) -> bool:
        """Whether the first `requests` requests all asked for different paths."""
        return requests <= self.modulus

    def ends(self) -> list[str]:
        """The paths at the lowest and the highest offset the plan can ask for."""
        return list(dict.fromkeys(f"{self.prefix}{o}" for o in (self.base, self.base + self.modulus - 1)))


def list_prefix(query: str = "") -> str:
    """`/api/workflow?...&offset=` for full pages of LIMIT entries of every user, with extra query parameters."""
    extra = f"{query}&" if query else ""
    return f"{LIST}?all_users=true&limit={LIMIT}&{extra}offset="


def spread_step(modulus: int) -> int:
    """An odd step near modulus times 0.618 that shares no factor with modulus (1 for tiny moduli)."""
    if modulus < 3:
        return 1
    step = int(modulus * GOLDEN) | 1
    while math.gcd(step, modulus) != 1:
        step += 2
    return step


def window(label: str, low: int, width: int, query: str = "") -> Plan:
    """Pages at offsets low .. low + width - 1, different on every request until `width` were sent."""
    return Plan(label, list_prefix(query), low, width, spread_step(width))


def unique(label: str, total: int, query: str = "") -> Plan:
    """Pages of a collection of `total` at offsets that differ on every request, every page full."""
    return window(label, 0, max(1, total - LIMIT + 1), query)


def fixed(label: str, offset: int, query: str = "") -> Plan:
    """The same page on every request."""
    return Plan(label, list_prefix(query), offset)


def first_pages(query: str = "", low: int = 0) -> Plan:
    """The window of pages from offset `low`, each request a different offset."""
    at = f"offsets {low:,} .. {low + WINDOW - 1:,}"
    return window(f"{at}, {query}" if query else at, low, WINDOW, query)


def last_pages(total: int) -> Plan:
    """The window of the last pages of a collection of `total`, the last full page included."""
    power = f"10^{len(str(total)) - 1}" if total == 10 ** (len(str(total)) - 1) else f"{total:,}"
    label = f"offsets {power} - {WINDOW + LIMIT - 1:,} .. {power} - {LIMIT}"
    return window(label, total - LIMIT - WINDOW + 1, WINDOW)
