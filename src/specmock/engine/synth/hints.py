"""Naming hints: realistic strings and numbers chosen by property names, values of string formats, filler words."""

from __future__ import annotations

import base64
import ipaddress
import re
import uuid
from datetime import datetime, timedelta

from specmock.engine import values
from specmock.engine.rng import Rng

_OPTIONAL_CHANCE = 0.7
_TOKEN_RE = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+")


def _tokens(name: str) -> list[str]:
    return [t.lower() for t in _TOKEN_RE.findall(name)]


class Hints:
    """Strings that read like real data: by format, by property name, else whole words."""

    now: datetime

    # ---------------------------------------------------------------- strings

    @staticmethod
    def _filler(rng: Rng, low: int, high: int | None) -> str:
        """Whole words (one to three, more when minLength asks), cut only when maxLength must."""
        if high == 0:
            return ""
        pool = values.pools().words
        n = rng.integer(1, 3, "words")
        text = " ".join([rng.choice(pool, "word", i) for i in range(n)])  # values.words, without a call
        while len(text) < low:
            text += " " + rng.choice(pool, "word", n)
            n += 1
        if high is not None and len(text) > high:
            text = text[:high]
            if text.endswith(" "):
                text = text[:-1] + "s"
        return text

    def _format(self, fmt: str, rng: Rng) -> str | None:
        """A value for a string format; None for formats with no specific shape."""
        if fmt == "date-time":
            return self._moment(rng).strftime("%Y-%m-%dT%H:%M:%SZ")
        if fmt == "date":
            return self._moment(rng).strftime("%Y-%m-%d")
        if fmt == "time":
            return self._moment(rng).strftime("%H:%M:%S")
        if fmt == "duration":
            return f"P{rng.integer(0, 30, 'days')}DT{rng.integer(0, 23, 'hours')}H"
        if fmt in ("uuid", "guid"):
            return str(uuid.UUID(int=(rng.bits("uuid") << 64) | rng.bits("uuid", 1), version=4))
        if fmt in ("email", "idn-email"):
            return values.email(rng, "email")
        if fmt in ("uri", "url", "iri", "uri-template"):
            return values.url(rng, "url")
        if fmt in ("uri-reference", "iri-reference"):
            return f"/{values.word(rng, 'path')}/{rng.integer(1, 9999, 'n')}"
        if fmt in ("hostname", "idn-hostname"):
            return values.hostname(rng, "host")
        if fmt == "ipv4":
            return f"10.{rng.integer(0, 255, 'a')}.{rng.integer(0, 255, 'b')}.{rng.integer(1, 254, 'c')}"
        if fmt == "ipv6":
            return str(ipaddress.IPv6Address((0x20010DB8 << 96) | (rng.bits("ip") & ((1 << 64) - 1))))
        if fmt == "byte":
            return base64.b64encode(self._bytes(rng, 6, 24)).decode("ascii")
        if fmt == "binary":
            return base64.b64encode(self._bytes(rng, 6, 24)).decode("ascii")
        if fmt == "password":
            return "".join(
                rng.choice("abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789!#%", "pw", i) for i in range(14)
            )
        if fmt == "regex":
            return "^[a-z0-9_-]{3,16}$"
        if fmt == "json-pointer":
            return f"/{values.word(rng, 'ptr')}/0"
        if fmt == "relative-json-pointer":
            return "0/" + values.word(rng, "ptr")
        if fmt in ("phone", "tel"):
            return values.phone(rng, "phone")
        return None

    def _moment(self, rng: Rng) -> datetime:
        return self.now - timedelta(seconds=rng.integer(0, 365 * 24 * 3600, "moment"))

    @staticmethod
    def _bytes(rng: Rng, low: int, high: int) -> bytes:
        size = rng.integer(low, high, "size")
        return b"".join(rng.bits("byte", i).to_bytes(8, "big") for i in range(size // 8 + 1))[:size]

    def _hinted(self, hint: str, rng: Rng, owner: str = "") -> str | None:
        """A realistic string for a property name such as email, first_name or created_at."""
        tokens = _tokens(hint)
        if not tokens:
            return None
        last = tokens[-1]
        joined = "".join(tokens)
        if "email" in joined:
            return values.email(rng, "email")
        if last in ("url", "uri", "href", "link", "website", "homepage", "avatar", "image", "icon", "logo"):
            return self._format("uri", rng)
        if last in ("at", "timestamp", "datetime") or joined in ("created", "updated", "modified", "deleted"):
            return self._format("date-time", rng)
        if last in ("date", "birthday", "birthdate", "dob", "day"):
            return self._format("date", rng)
        if last in ("uuid", "guid"):
            return self._format("uuid", rng)
        if last == "id":
            return "".join(rng.choice("abcdefghijklmnopqrstuvwxyz0123456789", "id", i) for i in range(12))
        if joined in ("firstname", "givenname") or (last == "name" and tokens[0] in ("first", "given")):
            return values.first_name(rng, "first")
        if joined in ("lastname", "surname", "familyname") or (last == "name" and tokens[0] in ("last", "family")):
            return values.last_name(rng, "last")
        if joined in ("username", "login", "handle", "nickname", "screenname"):
            return values.user_name(rng, "user")
        if last == "name" and tokens[0] in ("company", "organization", "org", "business", "vendor"):
            return values.company(rng, "company")
        if joined in ("company", "organization", "organisation", "employer"):
            return values.company(rng, "company")
        if (last == "name" and tokens[0] in ("file", "filename")) or last == "filename":
            return values.file_name(rng, "file")
        people = (
            "user",
            "person",
            "customer",
            "owner",
            "contact",
            "employee",
            "member",
            "author",
            "profile",
            "account",
        )
        personal = any(t in people for t in _tokens(owner))
        if last == "name" and (tokens[0] in ("full", "display", "customer", "contact", "person") or personal):
            return values.person_name(rng, "person")
        if last in ("name", "title", "subject", "headline", "label"):
            return values.title(rng, "title")
        if last in ("phone", "mobile", "fax", "telephone") or joined.endswith("phonenumber"):
            return values.phone(rng, "phone")
        if last in ("city", "location", "venue", "place", "town"):
            return values.city(rng, "city")
        if last == "country" or joined in ("countrycode", "country_code"):
            return values.country_code(rng, "country")
        if last == "currency" or joined == "currencycode":
            return values.currency_code(rng, "currency")
        if last in ("language", "locale", "lang"):
            return values.locale(rng, "locale")
        if last in ("zip", "zipcode", "postcode") or joined in ("postalcode", "zipcode"):
            return f"{rng.integer(10000, 99999, 'zip')}"
        if last in ("address", "street", "line1", "address1"):
            return values.street_address(rng, "street")
        if last in ("description", "summary", "message", "comment", "text", "note", "notes", "bio", "content"):
            return values.sentence(rng, "sentence")
        if last in ("color", "colour"):
            return f"#{rng.integer(0, 0xFFFFFF, 'color'):06x}"
        if last in ("token", "secret", "hash", "checksum", "sha", "digest", "signature", "etag"):
            return f"{rng.bits('hex'):016x}{rng.bits('hex', 1):016x}"
        if last == "version":
            return f"{rng.integer(0, 5, 'major')}.{rng.integer(0, 20, 'minor')}.{rng.integer(0, 9, 'patch')}"
        if last == "slug":
            return values.slug(rng, "slug")
        if last in ("status", "state"):
            return values.status(rng, "status")
        if last == "password":
            return self._format("password", rng)
        if last in ("ip", "ipv4"):
            return self._format("ipv4", rng)
        if last in ("host", "hostname"):
            return values.hostname(rng, "host")
        if last == "domain":
            return values.domain(rng, "domain")
        if last == "path":
            return "/" + "/".join(values.words(rng, "path", 2))
        if joined in ("mimetype", "contenttype", "mediatype"):
            return rng.choice(values.MEDIA_TYPES, "mime")
        if last in ("type", "kind", "category", "tag", "group", "role"):
            return values.word(rng, "word")
        return None


def _optional_chance(name: str) -> float:
    """Ids are almost always there in real payloads; other optional properties about 70% of the time."""
    return 0.95 if name.lower() in ("id", "uuid", "name") else _OPTIONAL_CHANCE


def _int_hint(hint: str, now: datetime) -> tuple[int, int]:
    tokens = _tokens(hint)
    last = tokens[-1] if tokens else ""
    if last in ("at", "timestamp", "created", "updated", "expires", "time") and "seconds" not in tokens:
        end = int(now.timestamp())  # Unix seconds within the year before now
        return (end - 365 * 24 * 3600, end)
    if last == "id" or last.endswith("id"):
        return (1, 100000)
    if last == "age":
        return (18, 90)
    if last == "year":
        return (2000, 2025)
    if last == "port":
        return (1024, 65535)
    if last in ("page", "rank", "priority", "level"):
        return (1, 10)
    if last in ("limit", "size", "per"):
        return (10, 100)
    return (1, 1000)


def _float_hint(hint: str) -> tuple[float, float]:
    tokens = _tokens(hint)
    last = tokens[-1] if tokens else ""
    if last in ("lat", "latitude"):
        return (-90.0, 90.0)
    if last in ("lng", "lon", "longitude"):
        return (-180.0, 180.0)
    if last in ("percent", "percentage"):
        return (0.0, 100.0)
    if last in ("ratio", "probability", "score", "confidence", "weight"):
        return (0.0, 1.0)
    if last in ("price", "amount", "cost", "total", "balance", "fee"):
        return (1.0, 500.0)
    return (0.0, 1000.0)
