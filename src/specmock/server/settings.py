"""Run-time settings of a mock server: seed, volumes, latency, faults, validation, admin token.

They come from `specmock serve` flags and can be changed while serving through the admin API.
Latency and fault settings apply to every API, or to one API (`osmo`) or one operation
(`osmo.list_workflow_api_workflow_get`): the most specific one wins.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field, replace
from typing import Any, TypeVar

from specmock.errors import ConfigError

PRESETS = ("low", "default", "high")
VALIDATE_MODES = ("off", "sample", "strict")
_DURATION = re.compile(r"^(\d+(?:\.\d+)?)(ms|s)?$")


def _ms(text: str, flag: str) -> float:
    match = _DURATION.match(text.strip())
    if not match:
        raise ConfigError(f"{flag}: {text!r} is not a duration (examples: 50ms, 0.2s, 20)")
    value = float(match.group(1))
    return value * 1000 if match.group(2) == "s" else value


@dataclass(frozen=True)
class Latency:
    """Added delay: fixed (low == high) or uniform between low and high milliseconds."""

    low_ms: float = 0.0
    high_ms: float = 0.0

    @classmethod
    def parse(cls, text: str) -> Latency:
        """`50ms`, `0.2s`, `20-80ms` (uniform) or `0`."""
        flag = "--latency"
        low, sep, high = text.partition("-")
        if sep:
            unit = "s" if high.strip().endswith("s") and not high.strip().endswith("ms") else "ms"
            low_ms = _ms(low if low.strip().endswith(("s", "ms")) else low + unit, flag)
            high_ms = _ms(high, flag)
        else:
            low_ms = high_ms = _ms(text, flag)
        if high_ms < low_ms:
            raise ConfigError(f"{flag}: {text!r} has its larger bound first")
        if high_ms > 600_000:
            raise ConfigError(f"{flag}: {text!r} is over the 10 minute limit")
        return cls(low_ms, high_ms)


@dataclass(frozen=True)
class Faults:
    """Injected failures: a share of requests answered with an error status, dropped or slowed."""

    error_rate: float = 0.0
    statuses: tuple[int, ...] = (500, 502, 503)
    drop_rate: float = 0.0
    slow_rate: float = 0.0
    slow_ms: float = 2000.0

    def __post_init__(self) -> None:
        for name in ("error_rate", "drop_rate", "slow_rate"):
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                raise ConfigError(f"faults: {name} must be between 0 and 1, got {value}")
        if self.error_rate + self.drop_rate + self.slow_rate > 1.0:
            raise ConfigError("faults: error_rate + drop_rate + slow_rate must not exceed 1")
        if not self.statuses or any(not 400 <= s <= 599 for s in self.statuses):
            raise ConfigError(f"faults: statuses must be HTTP error codes (400-599), got {list(self.statuses)}")


def parse_rate(text: str, flag: str) -> float:
    """A share given as 0.05 or 5%."""
    try:
        value = float(text[:-1]) / 100 if text.endswith("%") else float(text)
    except ValueError:
        raise ConfigError(f"{flag}: {text!r} is not a rate (examples: 0.05, 5%)") from None
    if not 0.0 <= value <= 1.0:
        raise ConfigError(f"{flag}: {text!r} must be between 0 and 1 (0% and 100%)")
    return value


NO_LATENCY = Latency()  # made once: an operation without settings is asked about on every request
NO_FAULTS = Faults()


@dataclass
class Settings:
    """Everything a running server can be told; mutable through the admin API."""

    seed: int = 0
    preset: str = "default"
    volumes: dict[str, int] = field(default_factory=dict)  # "api.collection" -> total
    latency: dict[str, Latency] = field(default_factory=lambda: {"": Latency()})  # "" = every API
    faults: dict[str, Faults] = field(default_factory=lambda: {"": Faults()})
    validate: str = "off"
    sample_rate: float = 0.1
    admin_token: str | None = None
    cache_mb: int = 4  # answers to repeated GET requests kept, in MiB; 0 keeps none

    def latency_for(self, api: str, operation_id: str) -> Latency:
        """The most specific latency setting for an operation."""
        return _most_specific(self.latency, api, operation_id, NO_LATENCY)

    def faults_for(self, api: str, operation_id: str) -> Faults:
        """The most specific fault setting for an operation."""
        return _most_specific(self.faults, api, operation_id, NO_FAULTS)

    def to_json(self) -> dict[str, Any]:
        """The settings as the admin API shows them (no token)."""
        return {
            "seed": self.seed,
            "preset": self.preset,
            "volumes": dict(sorted(self.volumes.items())),
            "latency": {k: asdict(v) for k, v in sorted(self.latency.items())},
            "faults": {k: {**asdict(v), "statuses": list(v.statuses)} for k, v in sorted(self.faults.items())},
            "validate": self.validate,
            "sample_rate": self.sample_rate,
        }

    def with_shown(self, shown: dict[str, Any]) -> Settings:
        """A copy taking everything `to_json` shows from `shown` (another worker's settings); token and cache kept."""
        return replace(
            self,
            seed=shown["seed"],
            preset=shown["preset"],
            volumes=dict(shown["volumes"]),
            latency={scope: Latency(**value) for scope, value in shown["latency"].items()},
            faults={
                scope: Faults(**{**value, "statuses": tuple(value["statuses"])})
                for scope, value in shown["faults"].items()
            },
            validate=shown["validate"],
            sample_rate=shown["sample_rate"],
        )

    def update(self, changes: dict[str, Any]) -> None:
        """Apply a partial update from the admin API; ConfigError (nothing changed) when one is bad."""
        draft = replace(self, volumes=dict(self.volumes), latency=dict(self.latency), faults=dict(self.faults))
        for key, value in changes.items():
            if key == "seed":
                draft.seed = _int(value, "seed")
            elif key == "preset":
                if value not in PRESETS:
                    raise ConfigError(f"preset must be one of {', '.join(PRESETS)}, got {value!r}")
                draft.preset = value
            elif key == "volumes":
                for name, total in _mapping(value, "volumes").items():
                    draft.volumes[name] = volume_total(name, total)
            elif key == "latency":
                for scope, spec in _mapping(value, "latency").items():
                    draft.latency[scope] = _latency_from(spec)
            elif key == "faults":
                for scope, spec in _mapping(value, "faults").items():
                    draft.faults[scope] = _faults_from(spec)
            elif key == "validate":
                if value not in VALIDATE_MODES:
                    raise ConfigError(f"validate must be one of {', '.join(VALIDATE_MODES)}, got {value!r}")
                draft.validate = value
            else:
                raise ConfigError(f"unknown setting {key!r} (known: seed, preset, volumes, latency, faults, validate)")
        self.__dict__.update(draft.__dict__)


MAX_TOTAL = 10**15


def volume_total(name: str, value: Any) -> int:
    """A collection total: a whole number from 0 to 10^15."""
    total = _int(value, f"volume {name}")
    if not 0 <= total <= MAX_TOTAL:
        raise ConfigError(f"volume {name}: {total} is outside 0..10^15")
    return total


def parse_volume(text: str) -> tuple[str | None, str | int]:
    """`--volume low|default|high` -> (None, preset); `--volume api.collection=N` -> (name, N)."""
    if text in PRESETS:
        return None, text
    name, sep, value = text.partition("=")
    if not sep or "." not in name or not re.fullmatch(r"[a-z_][a-z0-9_]*\.[A-Za-z_][A-Za-z0-9_]*", name):
        raise ConfigError(f"--volume: {text!r} is neither a preset (low, default, high) nor <api>.<collection>=N")
    try:
        number = int(value.replace("_", ""))
    except ValueError:
        raise ConfigError(f"--volume: {value!r} in {text!r} is not a whole number") from None
    return name, volume_total(name, number)


S = TypeVar("S")


def _most_specific(table: dict[str, S], api: str, operation_id: str, fallback: S) -> S:
    for key in (f"{api}.{operation_id}", api, ""):
        if key in table:
            return table[key]
    return fallback


def _int(value: Any, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ConfigError(f"{what} must be a whole number, got {value!r}")
    return value


def _mapping(value: Any, what: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ConfigError(f"{what} must be an object keyed by scope ('' for all, 'api' or 'api.operationId')")
    return value


def _latency_from(spec: Any) -> Latency:
    if isinstance(spec, str):
        return Latency.parse(spec)
    fields = _mapping(spec, "latency value")
    low, high = fields.get("low_ms", 0.0), fields.get("high_ms", fields.get("low_ms", 0.0))
    if not all(isinstance(v, int | float) and not isinstance(v, bool) and v >= 0 for v in (low, high)) or high < low:
        raise ConfigError(f"latency {spec!r}: low_ms and high_ms must be numbers with 0 <= low_ms <= high_ms")
    return Latency(float(low), float(high))


def _faults_from(spec: Any) -> Faults:
    fields = dict(_mapping(spec, "faults value"))
    unknown = sorted(set(fields) - {"error_rate", "statuses", "drop_rate", "slow_rate", "slow_ms"})
    if unknown:
        raise ConfigError(f"faults: unknown field(s) {', '.join(unknown)}")
    if "statuses" in fields:
        fields["statuses"] = tuple(_int(s, "faults status") for s in fields["statuses"])
    try:
        return Faults(**fields)
    except TypeError as exc:
        raise ConfigError(f"faults: {exc}") from None
