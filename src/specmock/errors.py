"""Errors a user can act on: each names the place and carries the exit code the CLI uses."""

from __future__ import annotations

EXIT_OK = 0
EXIT_DRIFT = 1
EXIT_BAD_INPUT = 2


class SpecmockError(Exception):
    """An error caused by the user's input, reported without a traceback."""

    exit_code = EXIT_BAD_INPUT

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class SpecError(SpecmockError):
    """A spec that cannot be loaded: names the file, the JSON pointer and the line where known."""

    def __init__(self, file: str, pointer: str, message: str, line: int | None = None) -> None:
        self.file = file
        self.pointer = pointer
        self.line = line
        self.detail = message
        place = file if line is None else f"{file}:{line}"
        where = f" at {pointer}" if pointer else ""
        super().__init__(f"{place}{where}: {message}")


class ConfigError(SpecmockError):
    """A bad specmock.toml, flag or option value."""
