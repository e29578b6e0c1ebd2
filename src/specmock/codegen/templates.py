"""Finding the Jinja templates: a user's directory first, one file at a time, then the bundled ones."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import jinja2


def builtin_dir() -> Path:
    """The bundled templates: inside the wheel, or the checkout's templates/ in development."""
    packaged = Path(str(resources.files("specmock"))) / "_templates"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[3] / "templates"


def environment(user_dir: Path | None = None) -> jinja2.Environment:
    """A Jinja environment whose templates a user's directory may override file by file."""
    loaders: list[jinja2.BaseLoader] = []
    if user_dir is not None:
        loaders.append(jinja2.FileSystemLoader(str(user_dir)))
    loaders.append(jinja2.FileSystemLoader(str(builtin_dir())))
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        autoescape=False,  # noqa: S701 - renders Python source, not HTML
    )
    env.filters["py"] = repr
    return env
