"""The injectable clock: real, frozen and sped-up time, and the --clock flag values."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from specmock.engine.clock import FrozenClock, RealClock, SpeedClock, parse_clock
from specmock.errors import ConfigError

START = datetime(2026, 1, 1, tzinfo=UTC)


class FakeTime:
    """A real-time source the test moves by hand."""

    def __init__(self, instant: datetime) -> None:
        self.instant = instant

    def __call__(self) -> datetime:
        return self.instant


def test_frozen_clock_never_moves() -> None:
    clock = FrozenClock(datetime(2026, 3, 1, 12, 0, tzinfo=timezone(timedelta(hours=2))))
    assert clock.now() == datetime(2026, 3, 1, 10, 0, tzinfo=UTC)
    assert clock.now().tzinfo == UTC
    assert clock.now() == clock.now()


def test_naive_instants_are_utc() -> None:
    assert FrozenClock(datetime(2026, 1, 1)).now() == START


def test_real_clock_reads_its_source() -> None:
    source = FakeTime(START)
    clock = RealClock(source)
    assert clock.now() == START
    source.instant += timedelta(seconds=5)
    assert clock.now() == START + timedelta(seconds=5)


def test_real_clock_default_source_is_aware_utc() -> None:
    now = RealClock().now()
    assert now.tzinfo == UTC


def test_speed_clock_runs_faster_from_its_start() -> None:
    source = FakeTime(datetime(2030, 6, 1, tzinfo=UTC))
    clock = SpeedClock(60, start=START, source=source)
    assert clock.now() == START
    source.instant += timedelta(seconds=10)
    assert clock.now() == START + timedelta(minutes=10)


def test_speed_clock_defaults_to_starting_at_the_real_origin() -> None:
    source = FakeTime(START)
    clock = SpeedClock(2.5, source=source)
    source.instant += timedelta(seconds=4)
    assert clock.now() == START + timedelta(seconds=10)


def test_speed_clock_with_explicit_origin() -> None:
    source = FakeTime(START + timedelta(seconds=1))
    clock = SpeedClock(0.5, start=START, origin=START, source=source)
    assert clock.now() == START + timedelta(milliseconds=500)


@pytest.mark.parametrize("factor", [0, -1, float("nan"), float("inf")])
def test_speed_clock_rejects_bad_factors(factor: float) -> None:
    with pytest.raises(ValueError, match="speed factor"):
        SpeedClock(factor)


def test_parse_now() -> None:
    source = FakeTime(START)
    clock = parse_clock("now", source)
    assert isinstance(clock, RealClock)
    assert clock.now() == START


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("frozen:2026-01-01T00:00:00Z", START),
        ("frozen:2026-01-01T02:00:00+02:00", START),
        ("frozen:2026-01-01T00:00:00", START),
        ("frozen:2026-01-01", START),
        ("FROZEN:2026-01-01T00:00:00.250Z", START + timedelta(milliseconds=250)),
    ],
)
def test_parse_frozen(text: str, expected: datetime) -> None:
    clock = parse_clock(text)
    assert isinstance(clock, FrozenClock)
    assert clock.now() == expected


def test_parse_speed() -> None:
    source = FakeTime(START)
    clock = parse_clock("speed:10", source)
    assert isinstance(clock, SpeedClock)
    source.instant += timedelta(seconds=3)
    assert clock.now() == START + timedelta(seconds=30)
    assert isinstance(parse_clock("speed:0.5"), SpeedClock)


@pytest.mark.parametrize(
    "text",
    ["", "later", "frozen", "frozen:", "frozen:yesterday", "speed:", "speed:0", "speed:-2", "speed:fast", "speed:nan"],
)
def test_bad_values_name_the_value_and_the_forms(text: str) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_clock(text)
    message = str(caught.value)
    assert repr(text) in message
    assert "frozen:<ISO 8601 time>" in message
    assert "speed:<N>" in message
