"""Media encoders: the spec's examples, and bodies as bytes (JSON, XML, text, forms, multipart, YAML, binary)."""

from __future__ import annotations

import json
import re
import struct
import urllib.parse
import zlib
from typing import Any
from xml.sax.saxutils import escape, quoteattr

import yaml

from specmock.engine import values
from specmock.engine.rng import Rng
from specmock.engine.synth.check import _CHECK_DEPTH
from specmock.engine.synth.generate import Generator
from specmock.engine.synth.schema import _dict
from specmock.spec.media import bare, is_json

MULTIPART_BOUNDARY = "specmock-boundary-7MA4YWxkTrZu0gW"
_GIF = (  # a 1x1 transparent GIF
    b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00"
    b",\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"
)


class Encoders(Generator):
    """A media type object's example, and serialized bodies of every media type."""

    def example(self, media: dict[str, Any], name: str | None = None) -> tuple[bool, Any]:
        """The spec's own example for a media type object; (False, None) when it has none.

        Looks at `example`, then `examples[name]` (or the first of `examples`, following $refs to
        components/examples), then the schema's `example` and first `examples` entry.
        """
        if "example" in media:
            return True, media["example"]
        examples = media.get("examples")
        if isinstance(examples, dict) and examples:
            chosen = examples.get(name) if name is not None and name in examples else next(iter(examples.values()))
            chosen = self._deref_chain(chosen)
            if isinstance(chosen, dict) and "value" in chosen:
                return True, chosen["value"]
        schema = self._deref_chain(media.get("schema"))
        if isinstance(schema, dict):
            if "example" in schema:
                return True, schema["example"]
            listed = schema.get("examples")
            if isinstance(listed, list) and listed:
                return True, listed[0]
        return False, None

    def body(self, media_type: str, media: dict[str, Any], rng: Rng, *, writing: bool = False) -> bytes:
        """Serialized bytes for a response (or, writing=True, a request) of that media type.

        JSON for application/json and +json, UTF-8 text for text/*, a small XML rendering for xml,
        urlencoded forms, multipart with MULTIPART_BOUNDARY, YAML; deterministic bytes (a valid PNG
        for image/png) for binary types.
        """
        kind = bare(media_type)
        schema = media.get("schema")
        if kind in ("*/*", "application/*") and isinstance(schema, dict):
            flat = self._flatten(schema)
            kind = "application/octet-stream" if flat.get("format") in ("binary", "byte") else "application/json"
        structured = (
            kind.endswith(("/json", "+json", "/xml", "+xml", "/yaml", "/x-yaml"))
            or kind.startswith("text/")
            or kind in ("application/x-www-form-urlencoded", "multipart/form-data")
        )
        if not structured:
            return self._binary(kind, rng)  # octet-stream, images, protobuf and other opaque formats
        has_schema = isinstance(schema, dict | bool)
        if has_schema:
            value = self.value(schema, rng, writing=writing)
        else:
            found, value = self.example(media)
            if not found:
                value = {}
        if is_json(kind):
            return _json_bytes(value)
        if kind.endswith(("/xml", "+xml")):
            return self._xml(value, schema).encode("utf-8")
        if kind == "application/x-www-form-urlencoded":
            return _form(value).encode("utf-8")
        if kind == "multipart/form-data":
            return _multipart(value)
        if kind.endswith(("/yaml", "/x-yaml")):
            return yaml.safe_dump(value, sort_keys=False, allow_unicode=True).encode("utf-8")
        return self._text(kind, value, schema, has_schema, rng).encode("utf-8")

    # ---------------------------------------------------------------- bodies

    def _binary(self, kind: str, rng: Rng) -> bytes:
        if kind == "image/png":
            return _png(rng)
        if kind == "image/gif":
            return _GIF
        return self._bytes(rng, 32, 256)

    def _text(self, kind: str, value: Any, schema: Any, has_schema: bool, rng: Rng) -> str:
        flat = self._flatten(schema) if has_schema else {}
        plain = not has_schema or (
            isinstance(value, str)
            and flat.get("type") in (None, ["string"])
            and not any(k in flat for k in ("format", "pattern", "enum", "const", "maxLength", "minLength"))
        )
        if plain:
            if kind == "text/html":
                title, text = values.title(rng, "title", 3), values.sentence(rng, "sentence")
                return f"<!DOCTYPE html><html><head><title>{title}</title></head><body><p>{text}</p></body></html>"
            if kind == "text/csv":
                names = values.words(rng, "csv", 3)
                rows = [f"{i + 1},{name},{rng.integer(1, 999, 'csvn', i)}" for i, name in enumerate(names)]
                return "\n".join(["id,name,value", *rows]) + "\n"
            if kind == "text/event-stream":
                return "".join(f"data: {values.sentence(rng, 'event' + str(i))}\n\n" for i in range(2))
            return values.sentence(rng, "sentence")
        if isinstance(value, str):
            return value
        return json.dumps(value, ensure_ascii=False)

    def _xml(self, value: Any, schema: Any) -> str:
        name = "root"
        flat = self._flatten(schema)
        xml = _dict(flat.get("xml"))
        if isinstance(xml.get("name"), str):
            name = xml["name"]
        elif isinstance(schema, dict) and isinstance(schema.get("$ref"), str):
            name = schema["$ref"].rsplit("/", 1)[-1]
        return '<?xml version="1.0" encoding="UTF-8"?>' + self._element(name, value, schema, 0)

    def _element(self, name: str, value: Any, schema: Any, depth: int) -> str:
        tag = _xml_name(name)
        flat = self._flatten(schema) if depth < _CHECK_DEPTH else {}
        if value is None:
            return f"<{tag}/>"
        if isinstance(value, dict):
            props = flat.get("properties") or {}
            attrs: list[str] = []
            children: list[str] = []
            for key, item in value.items():
                sub = props.get(key, {})
                sub_flat = self._flatten(sub)
                xml = _dict(sub_flat.get("xml"))
                child = str(xml["name"]) if isinstance(xml.get("name"), str) else key
                if xml.get("attribute") and not isinstance(item, dict | list):
                    attrs.append(f" {_xml_name(child)}={quoteattr(_xml_text(item))}")
                elif isinstance(item, list) and not xml.get("wrapped"):
                    items = sub_flat.get("items", {})
                    named = _dict(self._flatten(items).get("xml")).get("name")
                    each = str(named) if isinstance(named, str) else child
                    children += [self._element(each, x, items, depth + 1) for x in item]
                else:
                    children.append(self._element(child, item, sub, depth + 1))
            return f"<{tag}{''.join(attrs)}>{''.join(children)}</{tag}>"
        if isinstance(value, list):
            items = flat.get("items", {})
            items_flat = self._flatten(items)
            xml = _dict(items_flat.get("xml"))
            child = str(xml["name"]) if isinstance(xml.get("name"), str) else "item"
            if isinstance(items, dict) and isinstance(items.get("$ref"), str) and "name" not in xml:
                child = items["$ref"].rsplit("/", 1)[-1]
            return f"<{tag}>{''.join(self._element(child, x, items, depth + 1) for x in value)}</{tag}>"
        return f"<{tag}>{escape(_xml_text(value))}</{tag}>"


def _json_bytes(value: Any) -> bytes:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def _scalar_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return ""
    if isinstance(value, dict | list):
        return json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    return str(value)


def _form(value: Any) -> str:
    if not isinstance(value, dict):
        return urllib.parse.urlencode({"value": _scalar_text(value)})
    pairs: list[tuple[str, str]] = []
    for key, item in value.items():
        if isinstance(item, list):
            pairs += [(str(key), _scalar_text(x)) for x in item]
        else:
            pairs.append((str(key), _scalar_text(item)))
    return urllib.parse.urlencode(pairs)


def _multipart(value: Any) -> bytes:
    fields = value if isinstance(value, dict) else {"value": value}
    parts = [
        f'--{MULTIPART_BOUNDARY}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{_scalar_text(item)}\r\n'
        for key, item in fields.items()
    ]
    return ("".join(parts) + f"--{MULTIPART_BOUNDARY}--\r\n").encode("utf-8")


def _png(rng: Rng) -> bytes:
    """A valid 2x2 RGB PNG whose colours come from the rng."""
    width = height = 2
    pixels = rng.bits("png").to_bytes(8, "big") + rng.bits("png", 1).to_bytes(8, "big")
    rows = b"".join(b"\x00" + pixels[y * 6 : y * 6 + 6] for y in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


def _xml_name(name: str) -> str:
    cleaned = re.sub(r"[^A-Za-z0-9_.:-]", "_", name) or "item"
    return cleaned if re.match(r"[A-Za-z_]", cleaned) else "_" + cleaned


def _xml_text(value: Any) -> str:
    return _scalar_text(value)
