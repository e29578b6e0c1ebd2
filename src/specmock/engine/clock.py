"""An injectable clock: the only place in the engine that reads real time.

Generators take `now` from a `Clock`, so the same seed and the same clock give the same bytes.
The CLI flag values are `now` (real time), `frozen:<ISO 8601>` (one instant forever) and
`speed:<N>` (time runs N times faster than real time, starting from the moment it was made).
Every clock returns aware UTC datetimes; an ISO time without a zone is taken as UTC.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Protocol

from specmock.errors import ConfigError

TimeSource = Callable[[], datetime]

CLOCK_FORMS = "'now', 'frozen:<ISO 8601 time>' (e.g. frozen:2026-01-01T00:00:00Z) or 'speed:<N>' with N > 0"


def utc_now() -> datetime:
    """The real current time, aware UTC."""
    return datetime.now(UTC)


def as_utc(instant: datetime) -> datetime:
    """The same instant in UTC; a naive datetime is taken to be UTC already."""
    if instant.tzinfo is None:
        return instant.replace(tzinfo=UTC)
    return instant if instant.tzinfo is UTC else instant.astimezone(UTC)


class Clock(Protocol):
    """Anything that tells the engine what time it is."""

    def now(self) -> datetime:
        """The current instant, aware UTC."""
        ...


class RealClock:
    """Real time, read from an injectable source (tests pass their own)."""

    def __init__(self, source: TimeSource = utc_now) -> None:
        self._source = source

    def now(self) -> datetime:
        """The source's current instant, in UTC."""
        return as_utc(self._source())

    def __repr__(self) -> str:
        return "RealClock()"


class FrozenClock:
    """Always the same instant."""

    def __init__(self, instant: datetime) -> None:
        self.instant = as_utc(instant)

    def now(self) -> datetime:
        """The frozen instant."""
        return self.instant

    def __repr__(self) -> str:
        return f"FrozenClock({self.instant.isoformat()})"


class SpeedClock:
    """Time that runs `factor` times faster than real time, from `start` at the real instant `origin`."""

    def __init__(
        self,
        factor: float,
        start: datetime | None = None,
        origin: datetime | None = None,
        source: TimeSource = utc_now,
    ) -> None:
        if not (math.isfinite(factor) and factor > 0):
            raise ValueError(f"speed factor must be a finite number > 0, not {factor!r}")
        self.factor = factor
        self._source = source
        self.origin = as_utc(origin) if origin is not None else as_utc(source())
        self.start = as_utc(start) if start is not None else self.origin

    def now(self) -> datetime:
        """The start plus the real time elapsed since the origin, scaled by the factor."""
        return self.start + (as_utc(self._source()) - self.origin) * self.factor

    def __repr__(self) -> str:
        return f"SpeedClock({self.factor!r}, start={self.start.isoformat()})"


def parse_instant(text: str) -> datetime:
    """An ISO 8601 time such as 2026-01-01T00:00:00Z, as aware UTC (naive means UTC)."""
    return as_utc(datetime.fromisoformat(text.strip()))


def parse_clock(text: str, source: TimeSource = utc_now) -> Clock:
    """The clock a `--clock` flag value names: `now`, `frozen:<ISO 8601>` or `speed:<N>`."""
    value = text.strip()
    kind, sep, arg = value.partition(":")
    kind = kind.lower()
    if value.lower() == "now":
        return RealClock(source)
    if kind == "frozen" and sep:
        try:
            return FrozenClock(parse_instant(arg))
        except ValueError:
            raise ConfigError(f"clock {text!r}: {arg!r} is not an ISO 8601 time; expected {CLOCK_FORMS}") from None
    if kind == "speed" and sep:
        try:
            factor = float(arg)
        except ValueError:
            factor = math.nan
        if not (math.isfinite(factor) and factor > 0):
            raise ConfigError(f"clock {text!r}: the speed must be a number > 0; expected {CLOCK_FORMS}")
        return SpeedClock(factor, source=source)
    raise ConfigError(f"clock {text!r} is not understood; expected {CLOCK_FORMS}")
