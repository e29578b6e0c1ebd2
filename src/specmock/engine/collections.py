"""Infinite, deterministic collections: pages, exact filtered pages and exact totals in O(page).

A `Collection` is a `total` and a function `item(index)`; nothing is stored per item, so a page
costs the same at offset 0 of 7 items and at offset 10**12 of 10**12 items.

Order. Index 0 is the newest item and index `total - 1` the oldest, like a real list endpoint.
`order="DESC"` (newest first, the default) lists matching indices in increasing order;
`order="ASC"` (oldest first) lists them in decreasing order, so an ASC page at offset 0 starts with
the oldest match. Offsets count matching items in the requested order.

Positions. Item `index` sits at layout position `index + shift`; everything randomised per item
(field values, timeline jitter) is keyed on the position. A collection has shift 0, so there
index and position coincide. `at(shift, anchor)` is a cheap view sharing the patterns and the
table cache, where the same index shows another item: an item keeps its field values and jitter
forever, and moves down one index when the shift drops by one (a list where a newer item
arrived). Positions are Python ints with no upper bound in the arithmetic; the per-item seed
path is exact below 2**64. `item` and `texts` receive the index; a view can be given its own
(`at(..., item=..., texts=...)`) that read `position(index)`, so ids follow the item, and
`items`, which builds a page's items in one call (from their indices, in order), for items
that share work along a page.

Enum filters. A `Categorical` field is a function of the position that can be counted and
inverted: its values, apportioned to their weights (largest remainder, so each value's share of
the pattern is within 1/period of its weight's share), are shuffled by the seed into a pattern,
and position p takes `pattern[p % period]`. A filter maps fields to accepted values: values of
one field are ORed, fields are ANDed; a single string is one value and an empty list no
constraint. A value with weight 0 is accepted and matches nothing; a value the field does not
know is an error. `filters` may also be a sequence of such mappings, a union of conjunctions: an
item matches if it matches any of them, and is counted once however many it matches (an empty
sequence matches nothing). For the requested fields the accepted positions repeat with the
joint period P = lcm(periods); a table of match counts per block of P (built once per filter
combination, then cached, whatever the view) makes "matches below n" O(1) and "the k-th match"
O(log P), so counts and pages are exact at any total and any shift. A table first factors its
union: fields whose period divides another's share one mask, and conjunctions alike but for one
period become one, so a block costs a few mask operations however many clauses the filter has.
`query(filters)` checks filters once and returns a `Query` that `count` and `page` (of the
collection and its views) accept in place of the filters: a caller that pages the same filters
window by window skips the checks and the key building. Automatic periods are
distinct primes, hence coprime: every combination of pattern positions occurs exactly once per
P, so combined filters match exactly `total * product of shares` up to the last partial period,
and no combination of values with weight is ever empty over P items.

Time filters. With a `Timeline`, item i happened at `anchor - (i * spacing + jitter(i + shift))`,
with `0 <= jitter < spacing` drawn from the seed (microsecond integers): strictly older as i
grows. A view's `anchor` replaces the timeline's; moving the anchor by one spacing together
with the shift by one keeps every item's time. `after`/`before` (inclusive, naive means UTC)
select one index interval, found in O(1), which combines exactly with enum filters and with the
index window `start`/`stop` (indices in [start, stop); offsets count from the first match in
the window in the requested order).

Substring filters (`contains`). Text cannot be inverted without storage, so a substring filter
(case-insensitive; every given field must match; an empty string is no constraint) scans the
candidates that pass the other filters in the requested order, from the first, for at most
`scan_limit` candidates, and stops early once it has seen the match after the page. `Page.total`
is then the number of matches seen: exact (`total_exact=True`) only when the scan reached the
last candidate, otherwise a lower bound. `more` is True only when a further match was actually
seen, so paging always ends.

Memory. Per collection: the patterns (sum of periods); nothing per item or per position. The
lcm of all periods is at most `MAX_JOINT_PERIOD`, checked when the collection is made: the
period of any union of conjunctions divides it, so any filter can be answered. Per cached
filter combination: at most `MAX_BLOCKS + 1` block counts plus one repeated bit mask per
distinct (field, accepted values) (block size + period bits), and, when P is at most
`STORED_BITS`, the block masks themselves (P bits); at most `TABLE_CACHE` combinations are kept
(least recently used first out), under 8 MB in all for filters of a few clauses. Building a
table costs O(P / 64) word operations per clause (about 0.2 s for P = 10**9).

API: `Categorical(name, weights, period=None)`, `Timeline(anchor, spacing, jitter=0.5)`,
`Collection(total, item, fields=(), *, seed=0, name="", timeline=None, texts=None,
scan_limit=DEFAULT_SCAN_LIMIT)` with `get`, `field_value`, `pattern`, `rows(*fields)`, `time`,
`offset`, `offsets`, `text`, `index_range`, `query(filters)`, `count(filters, *, after, before, start,
stop)`, `page(offset, limit, filters, *, order, after, before, start, stop, contains,
scan_limit)`, `resized(total)`, `at(shift, anchor, *, item, items, texts)`, `position(index)` and the
attributes `shift` and `anchor`; `Page(items, indices, total, offset, limit, more, total_exact)`.
`item` may call the collection's `field_value`, `rows`, `time` and `offset` (through a closure
or an object that owns the collection), so data and filters agree; `rows`, `offset` and `offsets` are
the cheap forms for items built by the thousand (all of an item's fields in one lookup, its time
as an integer, a page's times in one call).
"""

from __future__ import annotations

import math
import threading
from array import array
from bisect import bisect_right
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from fractions import Fraction
from typing import Generic, TypeVar

from specmock.engine.clock import as_utc
from specmock.engine.rng import Rng, label_hash, mix

T = TypeVar("T")

MAX_JOINT_PERIOD = 1 << 32
MAX_BLOCKS = 1 << 14
MIN_BLOCK = 1 << 9
STORED_BITS = 1 << 20  # a table whose joint period is at most this keeps its block masks (128 KB)
TABLE_CACHE = 32
DEFAULT_SCAN_LIMIT = 10_000
MIN_AUTO_PERIOD = 31
MAX_AUTO_PERIOD = 1 << 16
MAX_ROWS = 1 << 16
_SCAN_CHUNK = 256
_MICROSECOND = timedelta(microseconds=1)

Filters = Mapping[str, Sequence[str] | str]
AnyFilters = Filters | Sequence[Filters]
_Conjunction = tuple[tuple[str, tuple[str, ...]], ...]


@dataclass(frozen=True)
class Categorical:
    """A filterable field with weighted values; `period` None picks a coprime prime automatically."""

    name: str
    weights: Sequence[tuple[str, float]]
    period: int | None = None

    def __post_init__(self) -> None:
        pairs = tuple((str(v), float(w)) for v, w in self.weights)
        object.__setattr__(self, "weights", pairs)
        if not self.name:
            raise ValueError("a Categorical field needs a name")
        if not pairs:
            raise ValueError(f"field {self.name!r} has no values")
        values = [v for v, _ in pairs]
        if len(dict.fromkeys(values)) != len(values):
            raise ValueError(f"field {self.name!r} lists a value twice: {values}")
        if any(not math.isfinite(w) or w < 0 for _, w in pairs) or sum(w for _, w in pairs) <= 0:
            raise ValueError(f"field {self.name!r}: weights must be finite, >= 0 and not all 0")
        if self.period is not None and (isinstance(self.period, bool) or self.period < 1):
            raise ValueError(f"field {self.name!r}: period must be an integer >= 1, not {self.period!r}")

    @property
    def values(self) -> tuple[str, ...]:
        """The values, in declaration order."""
        return tuple(v for v, _ in self.weights)

    def needed_period(self) -> int:
        """The smallest automatic period: every weighted value gets about four slots or more."""
        positive = [w for _, w in self.weights if w > 0]
        share = math.ceil(4 * sum(positive) / min(positive))
        return min(MAX_AUTO_PERIOD, max(MIN_AUTO_PERIOD, 2 * len(positive), share))


@dataclass(frozen=True)
class Timeline:
    """Item i happened at anchor - (i * spacing + jitter(i)), jitter in [0, jitter * spacing)."""

    anchor: datetime
    spacing: timedelta
    jitter: float = 0.5

    def __post_init__(self) -> None:
        object.__setattr__(self, "anchor", as_utc(self.anchor))
        if self.spacing < _MICROSECOND:
            raise ValueError(f"timeline spacing must be at least one microsecond, not {self.spacing}")
        if not 0 <= self.jitter <= 1:
            raise ValueError(f"timeline jitter must be in [0, 1], not {self.jitter!r}")


@dataclass
class Page(Generic[T]):
    """One page: items with their indices, the matching total, and whether more follow."""

    items: list[T]
    indices: list[int]
    total: int
    offset: int
    limit: int
    more: bool
    total_exact: bool = True


def apportion(weights: Sequence[float], seats: int) -> list[int]:
    """Whole counts summing to seats, each within 1 of its exact share (largest remainder)."""
    exact = [Fraction(w) for w in weights]
    whole = sum(exact)
    quotas = [w * seats / whole for w in exact]
    counts = [math.floor(q) for q in quotas]
    # ties go to the value declared first, so the result never depends on anything but the input
    by_remainder = sorted(range(len(quotas)), key=lambda j: (counts[j] - quotas[j], j))
    for j in by_remainder[: seats - sum(counts)]:
        counts[j] += 1
    return counts


def _is_prime(n: int) -> bool:
    if n < 2:
        return False
    return all(n % d for d in range(2, math.isqrt(n) + 1))


def choose_periods(fields: Sequence[Categorical]) -> list[int]:
    """Each field's period: its own if given, else the smallest prime >= its need dividing no other."""
    taken = [f.period for f in fields if f.period is not None]
    periods: list[int] = []
    for f in fields:
        if f.period is not None:
            periods.append(f.period)
            continue
        p = f.needed_period()
        while not (_is_prime(p) and all(t % p for t in taken)):
            p += 1
        taken.append(p)
        periods.append(p)
    return periods


class _Field:
    """A Categorical bound to a seed: its shuffled pattern and, per value, a bit mask of positions."""

    def __init__(self, spec: Categorical, period: int, rng: Rng) -> None:
        self.name = spec.name
        self.period = period
        counts = apportion([w for _, w in spec.weights], period)
        for (value, weight), count in zip(spec.weights, counts, strict=True):
            if weight > 0 and count == 0:
                raise ValueError(
                    f"field {spec.name!r}: period {period} is too short for value {value!r} (weight {weight}); "
                    f"use a period of at least {spec.needed_period()}"
                )
        slots = [value for (value, _), count in zip(spec.weights, counts, strict=True) for _ in range(count)]
        self.pattern: tuple[str, ...] = tuple(rng.shuffled(slots, "pattern"))
        self.values = spec.values
        masks = dict.fromkeys(self.values, 0)
        for position, value in enumerate(self.pattern):
            masks[value] |= 1 << position
        self.masks = masks

    def accepted(self, values: Sequence[str]) -> int:
        """The positions holding any of the values, as bits; names an unknown value."""
        bits = 0
        for value in values:
            if value not in self.masks:
                raise ValueError(f"unknown value {value!r} for filter {self.name!r}; known values: {list(self.values)}")
            bits |= self.masks[value]
        return bits


def _repeat(bits: int, period: int, length: int) -> int:
    """The periodic bit pattern extended to at least `length` bits."""
    copies = -(-length // period)
    # a base-2**period repunit: the copies never overlap, so the product has no carries
    return bits * (((1 << (period * copies)) - 1) // ((1 << period) - 1))


def _nth_set_bit(mask: int, n: int) -> int:
    """The position of the n-th (0-based) set bit of mask, which has more than n set bits."""
    low, high = 1, mask.bit_length()
    while low < high:
        mid = (low + high) // 2
        if (mask & ((1 << mid) - 1)).bit_count() > n:
            high = mid
        else:
            low = mid + 1
    return low - 1


def _conjunction(masks: Sequence[tuple[int, int]]) -> dict[int, int] | None:
    """A conjunction as one mask per period (fields whose period divides another's joined to it),
    without the periods that constrain nothing; None when it matches nothing."""
    out: dict[int, int] = {}
    for period, bits in sorted(masks, reverse=True):  # longer periods first, so divisors find them
        into = next((p for p in out if p % period == 0), period)
        if into != period:
            bits = _repeat(bits, period, into) & ((1 << into) - 1)
        out[into] = out.get(into, (1 << into) - 1) & bits
    if not all(out.values()):
        return None
    return {p: bits for p, bits in out.items() if bits != (1 << p) - 1}


def _factored(conjunctions: Sequence[Sequence[tuple[int, int]]]) -> list[list[tuple[int, int]]]:
    """The same union with fewer masks to combine per block.

    Conjunctions alike in all periods but one become one, with that period's masks ORed:
    (a & r) | (b & r) is (a | b) & r, and r alone absorbs a & r. A status filter is often a dozen
    conjunctions sharing all but one period: its blocks then cost two mask operations, not fifty.
    """
    merged = [c for c in map(_conjunction, conjunctions) if c is not None]
    before = -1
    while len(merged) != before:  # merging on one period can make conjunctions alike in another
        before = len(merged)
        for period in sorted({p for c in merged for p in c}):
            full = (1 << period) - 1
            alike: dict[tuple[tuple[int, int], ...], int] = {}
            for c in merged:
                rest = tuple(sorted((p, bits) for p, bits in c.items() if p != period))
                alike[rest] = alike.get(rest, 0) | c.get(period, full)
            merged = [{**dict(rest), **({period: bits} if bits != full else {})} for rest, bits in alike.items()]
    return [sorted(c.items()) for c in merged]


class _Table:
    """The positions accepted by a union of filter conjunctions, counted per block of the joint period."""

    def __init__(self, conjunctions: Sequence[Sequence[tuple[int, int]]]) -> None:
        # a conjunction with an empty field matches nothing: leaving it out keeps the period short,
        # and with none left the period is 1 and the table a single empty block
        conjunctions = _factored(conjunctions)
        self.period = math.lcm(*(period for c in conjunctions for period, _ in c))
        self.block = min(self.period, max(MIN_BLOCK, -(-self.period // MAX_BLOCKS)))
        self.blocks = -(-self.period // self.block)
        shared: dict[tuple[int, int], tuple[int, int]] = {}  # one repeated mask per (period, bits)
        for c in conjunctions:
            for period, bits in c:
                if (period, bits) not in shared:
                    shared[period, bits] = (period, _repeat(bits, period, self.block + period))
        self._repeated = [[shared[period, bits] for period, bits in c] for c in conjunctions]
        self.masks: list[int] | None = None  # _mask builds them from the repeats while this is None
        # every count and page reads a block's mask: kept when they are small, else rebuilt
        keep = self.period <= STORED_BITS
        kept = []
        counts = array("q", [0])
        running = 0
        for b in range(self.blocks):
            mask = self._mask(b)
            running += mask.bit_count()
            counts.append(running)
            if keep:
                kept.append(mask)
        self.prefix = counts
        self.matches = running
        self.masks = kept if keep else None

    def _mask(self, b: int) -> int:
        if self.masks is not None:
            return self.masks[b]
        start = b * self.block
        size = min(self.block, self.period - start)
        full = (1 << size) - 1
        union = 0
        for conjunction in self._repeated:
            mask = full
            for period, repeated in conjunction:
                mask &= repeated >> (start % period)
            union |= mask
        return union

    def count_below(self, n: int) -> int:
        """How many accepted positions are < n (n >= 0, any size)."""
        cycles, rest = divmod(n, self.period)
        b, cut = divmod(rest, self.block)
        below = self.prefix[b]
        if cut:
            below += (self._mask(b) & ((1 << cut) - 1)).bit_count()
        return cycles * self.matches + below

    def positions(self, rank: int, count: int) -> list[int]:
        """The accepted positions with ranks rank .. rank + count - 1, in increasing order."""
        out: list[int] = []
        if count <= 0:
            return out
        cycle, within = divmod(rank, self.matches)
        base = cycle * self.period
        b = bisect_right(self.prefix, within) - 1
        mask = self._mask(b)
        first = within - self.prefix[b]
        if first:
            cut = _nth_set_bit(mask, first)
            mask = mask >> cut << cut  # the ranks before `rank` dropped
        # the following blocks are taken in turn (an empty one costs a lookup): a filtered page
        # of a sparse filter walks a few of them, and this loop runs once per position found
        append = out.append
        while True:
            origin = base + b * self.block - 1
            while mask:
                lowest = mask & -mask
                append(origin + lowest.bit_length())
                if len(out) == count:
                    return out
                mask ^= lowest
            b += 1
            if b == self.blocks:
                b, base = 0, base + self.period
            mask = self._mask(b)


class _Times:
    """A Timeline bound to a seed: integer microsecond offsets and their O(1) inverse.

    The step is per index, the jitter per position (index + shift), so an item keeps its jitter
    when a view moves it to another index.
    """

    def __init__(self, timeline: Timeline, rng: Rng) -> None:
        self.anchor = timeline.anchor
        self.step = timeline.spacing // _MICROSECOND
        self.spread = max(1, min(self.step, int(self.step * timeline.jitter)))
        self.rng = rng
        self.key = rng.key ^ label_hash("time")  # rng.bits("time", n) is mix(key, n)
        self.short = self.spread <= 1 << 32  # where rng.integer takes a single draw

    def offset(self, index: int, shift: int) -> int:
        """Microseconds before the anchor; strictly increasing in index because jitter < step."""
        return self.offsets((index,), shift)[0]

    def offsets(self, indices: Iterable[int], shift: int) -> list[int]:
        """`offset` of each index, in order."""
        step, spread = self.step, self.spread
        if self.short:  # rng.integer(0, spread - 1, "time", position), without its calls: once per item
            key = self.key
            return [index * step + (mix(key, index + shift) * spread >> 64) for index in indices]
        return [index * step + self.rng.integer(0, spread - 1, "time", index + shift) for index in indices]

    def first_at_least(self, micros: int, shift: int) -> int:
        """The smallest index whose offset is >= micros."""
        if micros <= 0:
            return 0
        guess = micros // self.step  # offset(guess) lies in [guess*step, guess*step + step)
        return guess if self.offset(guess, shift) >= micros else guess + 1

    def time(self, index: int, shift: int, anchor: datetime) -> datetime:
        """When item index happened."""
        try:
            return anchor - timedelta(microseconds=self.offset(index, shift))
        except OverflowError:
            raise ValueError(
                f"item {index} falls before year 1 with spacing {self.step} microseconds; use a smaller spacing"
            ) from None


@dataclass
class _Layout:
    """What several sizes of one collection share: fields, time and the cache of filter tables."""

    fields: dict[str, _Field]
    times: _Times | None
    cache: OrderedDict[str, _Table] = field(default_factory=OrderedDict)
    lock: threading.Lock = field(default_factory=threading.Lock)


@dataclass(frozen=True, eq=False)
class Query:
    """Enum filters checked against a collection's fields (`Collection.query`), ready to count and page.

    It names its table rather than holding it, so the table cache alone bounds the memory.
    """

    layout: _Layout
    key: str | None  # the sorted conjunctions of (field, accepted values), as text; None: every item matches
    masks: tuple[tuple[tuple[int, int], ...], ...]  # (period, accepted positions) per field, per conjunction


def _check_count(name: str, value: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"{name} must be an integer >= 0, not {value!r}")
    return value


def _joint_period(name: str, periods: Mapping[str, int]) -> int:
    """The period after which the fields repeat together; names them when it is over the limit."""
    joint = math.lcm(*periods.values())
    if joint > MAX_JOINT_PERIOD:
        raise ValueError(
            f"collection {name!r}: the fields' periods {dict(periods)} repeat together "
            f"only every {joint} items, over the limit {MAX_JOINT_PERIOD}; give some fields smaller periods"
        )
    return joint


def _clauses(filters: AnyFilters | None) -> list[Filters]:
    """The conjunctions of a filter: one for a mapping (or None), each element of a sequence."""
    if filters is None:
        return [{}]
    if isinstance(filters, Mapping):
        return [filters]
    if isinstance(filters, str | bytes) or not isinstance(filters, Sequence):
        raise ValueError(f"filters must be a mapping of field to values or a sequence of them, not {filters!r}")
    for k, clause in enumerate(filters):
        if not isinstance(clause, Mapping):
            raise ValueError(f"filters[{k}] must be a mapping of field to values, not {clause!r}")
    return list(filters)


def _ascending(order: str) -> bool:
    key = order.upper() if isinstance(order, str) else None
    if key not in ("ASC", "DESC"):
        raise ValueError(f"order must be 'ASC' (oldest first) or 'DESC' (newest first), not {order!r}")
    return key == "ASC"


class Collection(Generic[T]):
    """total items, item(i) each, with exact enum and time filters and pages in O(page)."""

    def __init__(
        self,
        total: int,
        item: Callable[[int], T],
        fields: Sequence[Categorical] = (),
        *,
        seed: int = 0,
        name: str = "",
        timeline: Timeline | None = None,
        texts: Mapping[str, Callable[[int], str]] | None = None,
        scan_limit: int = DEFAULT_SCAN_LIMIT,
    ) -> None:
        self.total = _check_count("total", total)
        self.item = item
        self.items: Callable[[list[int]], list[T]] | None = None
        self.seed = seed
        self.name = name
        self.texts = dict(texts or {})
        self.scan_limit = _check_count("scan_limit", scan_limit)
        self._layout = self._lay_out(fields, seed, name, timeline)
        self.shift = 0
        self.anchor = timeline.anchor if timeline is not None else None

    @staticmethod
    def _lay_out(fields: Sequence[Categorical], seed: int, name: str, timeline: Timeline | None) -> _Layout:
        names = [f.name for f in fields]
        if len(dict.fromkeys(names)) != len(names):
            raise ValueError(f"collection {name!r} declares a field twice: {names}")
        periods = choose_periods(fields)
        # every union of conjunctions over these fields repeats with a divisor of this period, so
        # checking it once here bounds every filter table the collection will ever build
        _joint_period(name, dict(zip(names, periods, strict=True)))
        root = Rng.root(seed, "collection", name)
        bound = {f.name: _Field(f, p, root.child("field", f.name)) for f, p in zip(fields, periods, strict=True)}
        times = _Times(timeline, root.child("timeline")) if timeline is not None else None
        return _Layout(bound, times)

    def _copy(self) -> Collection[T]:
        # a shallow copy of the attributes; copy.copy's generic protocol costs several times more,
        # and a list endpoint makes a view per request
        other = object.__new__(type(self))
        other.__dict__.update(self.__dict__)
        return other

    def resized(self, total: int) -> Collection[T]:
        """The same collection with another total (a list that grew): shares patterns and caches."""
        other = self._copy()
        other.total = _check_count("total", total)
        return other

    def at(
        self,
        shift: int,
        anchor: datetime | None = None,
        *,
        item: Callable[[int], T] | None = None,
        items: Callable[[list[int]], list[T]] | None = None,
        texts: Mapping[str, Callable[[int], str]] | None = None,
    ) -> Collection[T]:
        """A view where item index is the item at position index + shift; shares patterns and caches.

        `shift` is absolute (not added to this view's); `anchor` (None: keep this one) is when
        index 0 would happen without its jitter. `item`, `items` and `texts`, if given, replace
        the callables for this view, so they can read its `position`, `field_value` and `time`; a
        new `item` without `items` drops the view's `items`, which would build other items.
        """
        other = self._copy()
        other.shift = _check_count("shift", shift)
        if anchor is not None:
            self._times()  # names the collection when it has no timeline to anchor
            if not isinstance(anchor, datetime):
                raise ValueError(f"anchor must be a datetime, not {anchor!r}")
            other.anchor = as_utc(anchor)
        if item is not None:
            other.item, other.items = item, None
        if items is not None:
            other.items = items
        if texts is not None:
            other.texts = dict(texts)
        return other

    def position(self, index: int) -> int:
        """The layout position of item index: what its field values and jitter are keyed on."""
        return index + self.shift

    def get(self, index: int) -> T:
        """Item index, for 0 <= index < total."""
        if isinstance(index, bool) or not isinstance(index, int) or not 0 <= index < self.total:
            raise IndexError(f"index {index!r} is outside collection {self.name!r} of {self.total} items")
        return self.item(index)

    def _field(self, name: str) -> _Field:
        try:
            return self._layout.fields[name]
        except KeyError:
            known = list(self._layout.fields)
            raise ValueError(f"unknown filter field {name!r} for collection {self.name!r}; known: {known}") from None

    def field_value(self, field: str, index: int) -> str:
        """The value item index must show for a Categorical field, so data and filters agree."""
        bound = self._field(field)
        return bound.pattern[(index + self.shift) % bound.period]

    def pattern(self, field: str) -> tuple[str, ...]:
        """A field's pattern: the item at position p takes pattern[p % len(pattern)]."""
        return self._field(field).pattern

    def rows(self, *fields: str) -> tuple[tuple[str, ...], ...]:
        """The fields' values side by side: the item at position p takes rows[p % len(rows)].

        One lookup instead of one per field, for fields whose periods share factors (at most
        MAX_ROWS rows).
        """
        patterns = [self._field(f).pattern for f in fields]
        period = math.lcm(*map(len, patterns))
        if period > MAX_ROWS:
            raise ValueError(f"fields {list(fields)} repeat together only every {period} items, over {MAX_ROWS}")
        return tuple(tuple(p[position % len(p)] for p in patterns) for position in range(period))

    def _times(self) -> _Times:
        if self._layout.times is None:
            raise ValueError(f"collection {self.name!r} has no timeline, so it has no times or time filters")
        return self._layout.times

    def _anchor(self) -> datetime:
        return self.anchor if self.anchor is not None else self._times().anchor

    def time(self, index: int) -> datetime:
        """When item index happened: strictly earlier as the index grows."""
        return self._times().time(index, self.shift, self._anchor())

    def offset(self, index: int) -> int:
        """Whole microseconds from item index back to the anchor: `time(index)` is anchor minus this."""
        return (self._layout.times or self._times()).offset(index, self.shift)

    def offsets(self, indices: Iterable[int]) -> list[int]:
        """`offset(index)` of each index, in order: a page's times in one call."""
        return (self._layout.times or self._times()).offsets(indices, self.shift)

    def _built(self, indices: list[int]) -> list[T]:
        """The items at these indices, in order."""
        if self.items is not None:
            return self.items(indices)
        item = self.item
        return [item(i) for i in indices]

    def _text_source(self, field: str) -> Callable[[int], str]:
        try:
            return self.texts[field]
        except KeyError:
            known = list(self.texts)
            raise ValueError(f"unknown text field {field!r} for collection {self.name!r}; known: {known}") from None

    def text(self, field: str, index: int) -> str:
        """The searchable text of a field of item index."""
        return self._text_source(field)(index)

    def index_range(self, after: datetime | None = None, before: datetime | None = None) -> tuple[int, int]:
        """The indices [lo, hi) whose times are within [after, before], both inclusive."""
        lo, hi = 0, self.total
        if after is None and before is None:
            return lo, hi
        times, anchor = self._times(), self._anchor()
        if before is not None:
            lo = max(lo, times.first_at_least((anchor - as_utc(before)) // _MICROSECOND, self.shift))
        if after is not None:
            hi = min(hi, times.first_at_least((anchor - as_utc(after)) // _MICROSECOND + 1, self.shift))
        return lo, max(lo, hi)

    def _window(self, after: datetime | None, before: datetime | None, start: int, stop: int | None) -> tuple[int, int]:
        """The indices [lo, hi) within the time range and the index window [start, stop)."""
        _check_count("start", start)
        if stop is not None:
            _check_count("stop", stop)
        lo, hi = (0, self.total) if after is None and before is None else self.index_range(after, before)
        lo = max(lo, start)
        if stop is not None:
            hi = min(hi, stop)
        return lo, max(lo, hi)

    def query(self, filters: AnyFilters | Query | None) -> Query:
        """The enum filters checked once, to count and page with many times in this collection's views."""
        if isinstance(filters, Query):
            if filters.layout is not self._layout:
                raise ValueError(f"the query was made for another collection than {self.name!r}")
            return filters
        conjunctions: dict[_Conjunction, tuple[tuple[int, int], ...]] = {}
        everything = False
        for clause in _clauses(filters):
            chosen: list[tuple[str, tuple[str, ...]]] = []
            masks: list[tuple[int, int]] = []
            for name in sorted(clause):
                bound = self._field(name)
                raw = clause[name]
                values = tuple(sorted(dict.fromkeys([raw] if isinstance(raw, str) else raw)))
                bits = bound.accepted(values)
                if not values or bits == (1 << bound.period) - 1:
                    continue  # no constraint: leaving it out keeps the joint period short
                chosen.append((name, values))
                masks.append((bound.period, bits))
            # every clause is checked (unknown fields and values) before deciding anything
            everything = everything or not chosen
            conjunctions.setdefault(tuple(chosen), tuple(masks))
        if everything:
            return Query(self._layout, None, ())
        key = tuple(sorted(conjunctions))  # the same union in any order or with repeats: one table
        # tables are found by the key's text: a string keeps its hash, nested tuples are hashed
        # again at every lookup, which costs more than a count
        return Query(self._layout, repr(key), tuple(conjunctions[k] for k in key))

    def _table(self, filters: AnyFilters | Query | None) -> _Table | None:
        """The table for the enum filters, or None when they accept everything."""
        if filters is None or (not filters and isinstance(filters, Mapping)):
            return None  # no filter: nothing to check (the most common page)
        # a checked query (the common case when paging window by window) skips the checks
        query = filters if isinstance(filters, Query) and filters.layout is self._layout else self.query(filters)
        key = query.key
        if key is None:
            return None
        layout = self._layout
        with layout.lock:
            table = layout.cache.get(key)
            if table is not None:
                layout.cache.move_to_end(key)
                return table
        table = _Table(query.masks)  # built outside the lock: a duplicate build is harmless
        with layout.lock:
            layout.cache[key] = table
            while len(layout.cache) > TABLE_CACHE:
                layout.cache.popitem(last=False)
        return table

    def _ranks(self, table: _Table | None, lo: int, hi: int) -> tuple[int, int]:
        """Ranks of the first and one past the last candidate of indices [lo, hi)."""
        if table is None:
            return lo, hi
        # a table counts positions, so ranks are taken among all positions from 0, not indices
        return table.count_below(lo + self.shift), table.count_below(hi + self.shift)

    def _indices(self, table: _Table | None, rank: int, count: int) -> list[int]:
        if table is None:
            return list(range(rank, rank + count))
        shift = self.shift
        return [position - shift for position in table.positions(rank, count)]

    def count(
        self,
        filters: AnyFilters | Query | None = None,
        *,
        after: datetime | None = None,
        before: datetime | None = None,
        start: int = 0,
        stop: int | None = None,
    ) -> int:
        """The exact number of items matching the enum filters, the time range and the index window."""
        lo, hi = self._window(after, before, start, stop)
        first, last = self._ranks(self._table(filters), lo, hi)
        return last - first

    def page(
        self,
        offset: int = 0,
        limit: int = 20,
        filters: AnyFilters | Query | None = None,
        *,
        order: str = "DESC",
        after: datetime | None = None,
        before: datetime | None = None,
        start: int = 0,
        stop: int | None = None,
        contains: Mapping[str, str] | None = None,
        scan_limit: int | None = None,
    ) -> Page[T]:
        """Matching items offset .. offset + limit - 1 in the order; exact unless `contains` is used."""
        _check_count("offset", offset)
        _check_count("limit", limit)
        ascending = _ascending(order)
        table = self._table(filters)
        lo, hi = self._window(after, before, start, stop)
        first, last = self._ranks(table, lo, hi)
        needles = [
            (self._text_source(f), needle.casefold()) for f, needle in sorted((contains or {}).items()) if needle
        ]
        if needles:
            budget = self.scan_limit if scan_limit is None else _check_count("scan_limit", scan_limit)
            return self._scan(table, first, last, ascending, needles, offset, limit, budget)
        matching = last - first
        begin, end = min(offset, matching), min(offset + limit, matching)
        if ascending:
            indices = self._indices(table, last - end, end - begin)[::-1]
        else:
            indices = self._indices(table, first + begin, end - begin)
        return Page(self._built(indices), indices, matching, offset, limit, end < matching)

    def _candidates(self, table: _Table | None, first: int, last: int, ascending: bool, at: int, n: int) -> list[int]:
        """Candidates at positions at .. at + n - 1 of the ordered list of ranks first .. last - 1."""
        if ascending:
            return self._indices(table, last - at - n, n)[::-1]
        return self._indices(table, first + at, n)

    def _scan(
        self,
        table: _Table | None,
        first: int,
        last: int,
        ascending: bool,
        needles: Sequence[tuple[Callable[[int], str], str]],
        offset: int,
        limit: int,
        budget: int,
    ) -> Page[T]:
        candidates = last - first
        reach = min(budget, candidates)
        wanted = offset + limit + 1  # one past the page tells whether more follow
        found: list[int] = []
        seen = 0
        while seen < reach and len(found) < wanted:
            for index in self._candidates(table, first, last, ascending, seen, min(_SCAN_CHUNK, reach - seen)):
                seen += 1
                if all(needle in text(index).casefold() for text, needle in needles):
                    found.append(index)
                    if len(found) == wanted:
                        break
        indices = found[offset : offset + limit]
        items = self._built(indices)
        return Page(items, indices, len(found), offset, limit, len(found) > offset + limit, seen == candidates)
