"""`$ref` resolution: local references are checked, references to files beside the spec are
bundled into the one document, remote references are refused unless the caller allows them."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urldefrag, urljoin

from specmock.errors import SpecError
from specmock.spec.source import parse, pointer, read_text, split_pointer

# Keys under which a mapping holds names chosen by the author, not keywords: a property
# called "$ref" or "example" there is a name (the Kubernetes documents have both).
_NAME_MAPS = frozenset({"properties", "patternProperties", "$defs", "definitions", "schemas", "paths", "webhooks"})
# Keys whose values are literal data, never references.
_LITERALS = frozenset({"example", "default", "enum", "const", "examples_literal"})
_SCHEMA_CONTEXT = frozenset({"schema", "schemas", "properties", "items", "allOf", "anyOf", "oneOf", "not"})
_REMOTE = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*://")


def lookup(document: Any, ptr: str) -> Any:
    """The value at a JSON pointer; KeyError when a token does not exist."""
    node = document
    for token in split_pointer(ptr):
        if isinstance(node, dict) and token in node:
            node = node[token]
        elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
            node = node[int(token)]
        else:
            raise KeyError(token)
    return node


@dataclass
class _Bundler:
    root_file: str
    allow_remote: bool
    documents: dict[str, Any] = field(default_factory=dict)
    grafted: dict[tuple[str, str], str] = field(default_factory=dict)
    components: dict[str, dict[str, Any]] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)  # how errors name each file

    def name(self, file: str) -> str:
        return self.names.get(file, file)

    def document(self, location: str, site_file: str, site: str) -> Any:
        if location not in self.documents:
            if _REMOTE.match(location):
                self.documents[location] = _fetch(location, self.name(site_file), site)
            else:
                path = Path(location)
                self.documents[location] = parse(read_text(path), location)
        return self.documents[location]

    def walk(self, node: Any, base: str, path: list[str], names: bool = False) -> Any:
        if isinstance(node, list):
            return [self.walk(v, base, [*path, str(i)]) for i, v in enumerate(node)]
        if not isinstance(node, dict):
            return node
        ref = node.get("$ref")
        if not names and isinstance(ref, str):
            resolved = self.resolve(ref, base, path)
            rest = {k: self.walk(v, base, [*path, k]) for k, v in node.items() if k != "$ref"}
            if isinstance(resolved, str):
                return {"$ref": resolved, **rest}
            return {**resolved, **rest} if isinstance(resolved, dict) and rest else resolved
        out: dict[str, Any] = {}
        for key, value in node.items():
            if not names and key in _LITERALS:
                out[key] = value
            elif not names and key == "examples" and isinstance(value, dict):
                out[key] = {k: self.walk_example(v, base, [*path, key, k]) for k, v in value.items()}
            else:
                out[key] = self.walk(value, base, [*path, key], names=not names and key in _NAME_MAPS)
        return out

    def walk_example(self, node: Any, base: str, path: list[str]) -> Any:
        if isinstance(node, dict) and ("value" in node or "$ref" in node):
            return {k: (v if k == "value" else self.walk(v, base, [*path, k])) for k, v in node.items()}
        return node

    def resolve(self, ref: str, base: str, path: list[str]) -> str | Any:
        """Return a local `#/...` ref string, or the content to put in place of the reference."""
        site = pointer(path)
        location, fragment = urldefrag(ref) if not ref.startswith("#") else ("", ref[1:])
        if _REMOTE.match(location) or (not location and _REMOTE.match(base)):
            target_file = urljoin(base, location) if location else base
            if not self.allow_remote:
                raise SpecError(
                    self.name(base), site, f"remote $ref {ref!r} refused; pass --allow-remote-refs to fetch it"
                )
        elif location:
            target_file = os.path.normpath(Path(base).parent / location)
        else:
            target_file = base
        doc = self.document(target_file, base, site)
        try:
            target = lookup(doc, fragment)
        except KeyError:
            where = f"{target_file}#{fragment}" if location else f"#{fragment}"
            raise SpecError(self.name(base), site, f"$ref {ref!r} does not resolve: nothing at {where}") from None
        if target_file == self.root_file:
            return "#" + fragment
        key = (target_file, fragment)
        if key in self.grafted:
            return self.grafted[key]
        placed = _placement(fragment, target_file, path)
        if placed is None:
            return self.walk(target, target_file, split_pointer(fragment))
        section, name = placed
        name = self.free_name(section, name, target)
        local = f"#/components/{section}/{pointer([name])[1:]}"
        self.grafted[key] = local
        self.components.setdefault(section, {})[name] = self.walk(target, target_file, split_pointer(fragment))
        return local

    def free_name(self, section: str, name: str, content: Any) -> str:
        root = self.documents[self.root_file]
        taken = set((root.get("components") or {}).get(section) or {}) | set(self.components.get(section, {}))
        candidate, n = name, 1
        while candidate in taken:
            n += 1
            candidate = f"{name}{n}"
        return candidate


def _placement(fragment: str, target_file: str, site: list[str]) -> tuple[str, str] | None:
    parts = split_pointer(fragment)
    if len(parts) == 3 and parts[0] == "components":
        return parts[1], parts[2]
    if len(parts) == 2 and parts[0] in ("definitions", "$defs"):
        return "schemas", parts[1]
    if any(p in _SCHEMA_CONTEXT for p in site):
        stem = re.sub(r"[^A-Za-z0-9]+", "_", Path(target_file).stem).strip("_") or "Schema"
        tail = "".join(p[:1].upper() + p[1:] for p in parts[-1:])
        return "schemas", stem[:1].upper() + stem[1:] + tail
    return None


def _fetch(url: str, site_file: str, site: str) -> Any:
    import httpx  # noqa: PLC0415 - only needed when remote references are allowed

    try:
        response = httpx.get(url, timeout=10.0, follow_redirects=True)
        response.raise_for_status()
    except httpx.HTTPError as exc:
        raise SpecError(site_file, site, f"remote $ref {url!r} could not be fetched: {exc}") from None
    return parse(response.text, url)


def bundle(document: Any, file: str, allow_remote: bool = False, name: str | None = None) -> Any:
    """Return a copy of the document with every `$ref` checked and external ones moved inside."""
    file = os.path.normpath(file)
    bundler = _Bundler(
        root_file=file, allow_remote=allow_remote, documents={file: document}, names={file: name or file}
    )
    out = bundler.walk(document, file, [])
    if bundler.components and isinstance(out, dict):
        components = out.setdefault("components", {})
        for section, entries in bundler.components.items():
            components.setdefault(section, {}).update(entries)
    return out
