"""specmock.toml (or [tool.specmock] in pyproject.toml): which APIs exist and where their files are."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from specmock.errors import ConfigError

CONFIG_FILE = "specmock.toml"
# specmock's own paths (admin, docs, extra routes of generator packages): no mount may enter them
EXTRA_PREFIX = "/_specmock"
_API_NAME = re.compile(r"^[a-z_][a-z0-9_]*$")
# what a path segment may hold unencoded (RFC 3986 pchar): requests are routed by their decoded path
_MOUNT_CHARS = re.compile(r"^[A-Za-z0-9._~!$&'()*+,;=:@/-]*$")


@dataclass(frozen=True)
class ApiConfig:
    """One API: its name, its spec, the module of its handwritten generators and where it is mounted."""

    name: str
    spec: Path  # relative to the project root
    generators: str | None = None
    mount: str | None = None  # None: the path of the spec's first server


@dataclass(frozen=True)
class Config:
    """The project's APIs and where generated code and templates live."""

    root: Path
    apis: tuple[ApiConfig, ...]
    output: Path = Path("generated")
    templates: Path | None = None
    source: Path | None = None  # the file the config came from
    pythonpath: tuple[str, ...] = ("src", ".")  # where generators modules import from

    @property
    def output_dir(self) -> Path:
        """Absolute directory of generated packages."""
        return self.root / self.output

    @property
    def package(self) -> str:
        """The import name of the generated packages' parent: the output folder as a dotted name
        under the first pythonpath entry that holds it (generated/ -> `generated`,
        src/specmock_apis/generated/ -> `specmock_apis.generated`)."""
        for entry in self.pythonpath:
            try:
                inside = self.output.relative_to(Path(entry))
            except ValueError:
                continue
            if inside.parts:
                return ".".join(inside.parts)
        return self.output.name

    @property
    def import_paths(self) -> list[str]:
        """Absolute folders to put first on sys.path when importing generators."""
        return [str((self.root / p).resolve()) for p in self.pythonpath]

    @property
    def templates_dir(self) -> Path | None:
        """Absolute directory of the user's template overrides, if any."""
        return None if self.templates is None else self.root / self.templates

    def api(self, name: str) -> ApiConfig:
        """The API with this name; ConfigError listing the known ones otherwise."""
        for api in self.apis:
            if api.name == name:
                return api
        known = ", ".join(a.name for a in self.apis) or "none"
        raise ConfigError(f"no API named {name!r} in {self.source or 'the configuration'} (known: {known})")

    def api_for_spec(self, spec: Path) -> ApiConfig:
        """The configured API whose spec is this file, or a new one named after the file."""
        wanted = spec.resolve()
        for api in self.apis:
            if (self.root / api.spec).resolve() == wanted:
                return api
        name = re.sub(r"\W", "_", spec.stem.lower())
        try:
            relative = wanted.relative_to(self.root.resolve())
        except ValueError:
            relative = spec
        return ApiConfig(name=name, spec=relative)


_TOP_KEYS = ("apis", "output", "templates", "pythonpath")
_API_KEYS = ("name", "spec", "generators", "mount")


def mount_problem(mount: str) -> str | None:
    """Why a path cannot be an API's mount, or None when it can (`/`, or `/a/b` with no trailing slash)."""
    if not mount.startswith("/"):
        return "must start with '/'"
    if "?" in mount or "#" in mount:
        return "must be a path alone, with no query or fragment"
    if "{" in mount or "}" in mount:
        return "must be a fixed path: {templates} are not allowed"
    if mount == "/":
        return None
    if mount.endswith("/"):
        return "must not end with '/' (the root is '/')"
    segments = mount.split("/")[1:]
    if "" in segments:
        return "must not contain an empty segment ('//')"
    if any(segment in (".", "..") for segment in segments):
        return "must not contain '.' or '..' segments"
    if not _MOUNT_CHARS.match(mount):
        return "must hold only letters, digits and -._~!$&'()*+,;=:@ between slashes (write it decoded, no '%')"
    if mount == EXTRA_PREFIX or mount.startswith(EXTRA_PREFIX + "/"):
        # the admin API and the extra routes of generator packages live there, whatever the mounts
        return f"must not be under {EXTRA_PREFIX}, which is specmock's own"
    return None


def _unknown(keys: Any, known: tuple[str, ...], where: str) -> None:
    extra = sorted(set(keys) - set(known))
    if extra:
        raise ConfigError(f"{where}: unknown key(s) {', '.join(extra)} (known: {', '.join(known)})")


def _table(data: dict[str, Any], source: Path) -> Config:
    where = str(source)
    _unknown(data, _TOP_KEYS, where)
    apis_raw = data.get("apis", [])
    if not isinstance(apis_raw, list):
        raise ConfigError(f"{where}: 'apis' must be an array of tables ([[apis]])")
    apis: list[ApiConfig] = []
    for i, raw in enumerate(apis_raw):
        if not isinstance(raw, dict):
            raise ConfigError(f"{where}: apis[{i}] must be a table")
        _unknown(raw, _API_KEYS, f"{where}: apis[{i}]")
        name, spec = raw.get("name"), raw.get("spec")
        if not isinstance(name, str) or not _API_NAME.match(name):
            raise ConfigError(f"{where}: apis[{i}].name must be a lower-case Python identifier, got {name!r}")
        if not isinstance(spec, str):
            raise ConfigError(f"{where}: apis[{i}] ({name}) needs 'spec', the path of its OpenAPI document")
        generators = raw.get("generators")
        if generators is not None and not isinstance(generators, str):
            raise ConfigError(f"{where}: apis[{i}].generators must be a module name such as 'mocks.{name}'")
        mount = raw.get("mount")
        problem = "must be a string such as '/api/v1'" if not isinstance(mount, str | None) else None
        problem = problem or (None if mount is None else mount_problem(mount))
        if problem is not None:
            raise ConfigError(f"{where}: apis[{i}] ({name}): mount {mount!r} {problem}")
        if any(a.name == name for a in apis):
            raise ConfigError(f"{where}: two APIs are named {name!r}")
        apis.append(ApiConfig(name=name, spec=Path(spec), generators=generators, mount=mount))
    pythonpath = data.get("pythonpath", ["src", "."])
    if not isinstance(pythonpath, list) or not all(isinstance(p, str) for p in pythonpath):
        raise ConfigError(f"{where}: 'pythonpath' must be a list of folders")
    output = data.get("output", "generated")
    templates = data.get("templates")
    if not isinstance(output, str) or (templates is not None and not isinstance(templates, str)):
        raise ConfigError(f"{where}: 'output' and 'templates' must be paths")
    return Config(
        root=source.parent,
        apis=tuple(apis),
        output=Path(output),
        templates=None if templates is None else Path(templates),
        source=source,
        pythonpath=tuple(pythonpath),
    )


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from None


def find_config(start: Path | None = None) -> Config | None:
    """The nearest specmock.toml, or pyproject.toml with [tool.specmock], at or above start."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        candidate = folder / CONFIG_FILE
        if candidate.is_file():
            return _table(_read_toml(candidate), candidate)
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file():
            tool = _read_toml(pyproject).get("tool", {}).get("specmock")
            if isinstance(tool, dict):
                return _table(tool, pyproject)
    return None


def bundled_config() -> Config:
    """The configuration of the APIs that ship with specmock (used when a folder has none)."""
    package = Path(__file__).resolve().parent
    for candidate in (package / "_bundled" / CONFIG_FILE, package.parents[1] / CONFIG_FILE):
        if candidate.is_file():
            return _table(_read_toml(candidate), candidate)
    raise ConfigError("this installation has no bundled APIs; write a specmock.toml")


def load_config(path: Path | None = None) -> Config:
    """The configuration at an explicit path, or the nearest one; ConfigError when there is none."""
    if path is not None:
        if not path.is_file():
            raise ConfigError(f"{path}: no such configuration file")
        data = _read_toml(path)
        if path.name == "pyproject.toml":
            data = data.get("tool", {}).get("specmock", {})
        return _table(data, path.resolve())
    found = find_config()
    if found is None:
        raise ConfigError(f"no {CONFIG_FILE} (or [tool.specmock] in pyproject.toml) here or in any parent folder")
    return found
