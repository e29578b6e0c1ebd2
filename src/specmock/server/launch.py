"""Building the app from `specmock serve` options, in this process or in uvicorn workers."""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from specmock.config import Config, bundled_config, find_config, load_config
from specmock.engine.clock import parse_clock
from specmock.engine.state import SqliteStore, open_store
from specmock.errors import ConfigError
from specmock.server.board import Board
from specmock.server.front import Front
from specmock.server.settings import VALIDATE_MODES, Faults, Latency, Settings, parse_rate, parse_volume

ENV = "SPECMOCK_SERVE"


@dataclass
class ServeOptions:
    """The `specmock serve` flags, kept as given so that workers can rebuild the same app."""

    apis: list[str] = field(default_factory=list)
    config: str | None = None
    seed: int = 0
    volumes: list[str] = field(default_factory=list)
    latency: str | None = None
    error_rate: str | None = None
    clock: str = "now"
    state: str = "memory"
    validate: str = "off"
    admin_token: str | None = None
    cache_mb: int = 4
    workers: int = 1

    def settings(self) -> Settings:
        """Settings from the flags; ConfigError naming the flag on a bad value."""
        settings = Settings(seed=self.seed, admin_token=self.admin_token, cache_mb=self.cache_mb)
        for text in self.volumes:
            name, value = parse_volume(text)
            if name is None:
                settings.preset = str(value)
            else:
                settings.volumes[name] = int(value)
        if self.latency is not None:
            settings.latency[""] = Latency.parse(self.latency)
        if self.error_rate is not None:
            settings.faults[""] = Faults(error_rate=parse_rate(self.error_rate, "--error-rate"))
        if self.validate not in VALIDATE_MODES:
            raise ConfigError(f"--validate: {self.validate!r} is not one of {', '.join(VALIDATE_MODES)}")
        settings.validate = self.validate
        return settings

    def project(self) -> Config:
        """The configuration: --config, else the nearest specmock.toml, else the bundled APIs."""
        if self.config is not None:
            return load_config(Path(self.config))
        return find_config() or bundled_config()

    def to_env(self) -> str:
        """JSON for the worker processes."""
        return json.dumps(asdict(self))


def build(options: ServeOptions, *, first: bool = True) -> Front:
    """The app for a set of options (every flag checked before anything starts).

    With several workers, the `serve` process itself is `first`: it starts the board the
    workers share, which each worker (`first` False) then joins.
    """
    from specmock.server.app import create_app  # noqa: PLC0415 - the CLI imports this module lazily

    if options.workers > 1 and options.state == "memory":
        raise ConfigError(
            f"--workers {options.workers} needs shared state: with --state memory each worker would keep its own "
            "writes, settings and request log; use --state sqlite:<path> (e.g. --state sqlite:state.db)"
        )
    settings = options.settings()
    clock = parse_clock(options.clock)
    config = options.project()
    store = open_store(options.state)
    board = None
    if options.workers > 1 and isinstance(store, SqliteStore):
        board = Board(store.path)
        if first:
            board.start(settings.to_json())
    return create_app(config, settings, clock, store, only=options.apis or None, board=board)


def factory() -> Front:
    """uvicorn's factory for --workers and --reload: options arrive in the environment."""
    data: dict[str, Any] = json.loads(os.environ[ENV])
    return build(ServeOptions(**data), first=False)
