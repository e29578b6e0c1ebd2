"""The engine's one vocabulary: realistic values, picked by a counter-based `Rng` from pools Faker filled once.

Handwritten generators and schema-driven synthesis (`synth`) both draw from here, so a name, an
email or a city looks the same whichever of them answers. Nothing here knows any API: words of
one domain (container images, cluster nodes) belong to that API's package.

Faker is slow per call and its seeded stream depends on call order, so it never runs per item:
`faker_pools()` builds every pool with one `Faker("en_US")` seeded with `FAKER_SEED`, in a fixed
order, as sorted, de-duplicated tuples, and `pools.json` beside this module holds the result.
Serving reads that file: importing Faker costs a third of a second and, compiled from source,
tens of MiB of memory that are never given back. A test holds the file equal to what the pinned
Faker builds (`uv run python -m specmock.engine.freeze_pools` writes it again). A value costs one
rng draw, or one per part (a user name: first, last, style), so the same (rng, label) gives the
same value everywhere.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from importlib import resources
from typing import overload

from specmock.engine.rng import Rng

FAKER_SEED = 20260101
FAKER_LOCALE = "en_US"

# Small fixed lists Faker has no provider for.
STATUSES = ("active", "pending", "completed", "archived")
LABEL_KEYS = ("env", "team", "region", "tier", "owner", "project", "stage", "role", "zone", "app")
MEDIA_TYPES = ("application/json", "text/plain", "image/png")


@dataclass(frozen=True)
class Pools:
    """Every value pool, each a sorted tuple without duplicates."""

    first_names: tuple[str, ...]
    last_names: tuple[str, ...]
    words: tuple[str, ...]
    companies: tuple[str, ...]
    domains: tuple[str, ...]
    hostnames: tuple[str, ...]
    sentences: tuple[str, ...]
    file_names: tuple[str, ...]
    cities: tuple[str, ...]
    street_addresses: tuple[str, ...]
    country_codes: tuple[str, ...]
    currency_codes: tuple[str, ...]
    locales: tuple[str, ...]


def _pool(values: Iterable[str]) -> tuple[str, ...]:
    # dict.fromkeys dedupes without a set; sorting makes the order independent of the draw order
    return tuple(sorted(dict.fromkeys(v for v in values if v)))


def _plain(value: str) -> bool:
    return value.isascii() and value.isalpha()


POOLS_FILE = "pools.json"


@cache
def pools() -> Pools:
    """The pools, read from pools.json on first use."""
    data = json.loads(resources.files("specmock.engine").joinpath(POOLS_FILE).read_text(encoding="utf-8"))
    return Pools(**{name: tuple(data[name]) for name in Pools.__dataclass_fields__})


def faker_pools() -> Pools:
    """The pools as the pinned Faker builds them (about half a second, mostly Faker's import)."""
    from faker import Faker  # noqa: PLC0415 - only tests and freeze_pools build them
    from faker.providers import BaseProvider  # noqa: PLC0415
    from faker.providers.address import Provider as Address  # noqa: PLC0415
    from faker.providers.currency import Provider as Currency  # noqa: PLC0415

    fake = Faker(FAKER_LOCALE)
    fake.seed_instance(FAKER_SEED)
    # each drawn pool continues one seeded stream: a new one goes last, or every pool after it changes
    first = _pool(n for n in (fake.first_name() for _ in range(3000)) if _plain(n))
    last = _pool(n for n in (fake.last_name() for _ in range(3000)) if _plain(n))
    words = _pool(w for w in fake.get_words_list() if _plain(w) and w.islower() and len(w) >= 3)
    companies = _pool(fake.company() for _ in range(400))
    domains = _pool(fake.domain_name() for _ in range(200))
    hostnames = _pool(fake.hostname() for _ in range(600))
    sentences = _pool(fake.sentence() for _ in range(600))
    file_names = _pool(fake.file_name() for _ in range(600))
    cities = _pool(fake.city() for _ in range(600))
    street_addresses = _pool(fake.street_address() for _ in range(600))
    # the tables country_code(), currency_code() and locale() draw from, read whole: every code,
    # no draw from the seeded stream; locales hyphenated as BCP 47 tags (en-US), as APIs write them
    countries = _pool(Address.alpha_2_country_codes)
    currencies = _pool(code for code, _ in Currency.currencies)
    locales = _pool(f"{lang}-{land}" for lang, lands in BaseProvider.language_locale_codes.items() for land in lands)
    return Pools(
        first_names=first,
        last_names=last,
        words=words,
        companies=companies,
        domains=domains,
        hostnames=hostnames,
        sentences=sentences,
        file_names=file_names,
        cities=cities,
        street_addresses=street_addresses,
        country_codes=countries,
        currency_codes=currencies,
        locales=locales,
    )


def first_name(rng: Rng, label: str) -> str:
    """A given name such as Alice."""
    return rng.choice(pools().first_names, label)


def last_name(rng: Rng, label: str) -> str:
    """A family name such as Chen."""
    return rng.choice(pools().last_names, label)


def person_name(rng: Rng, label: str) -> str:
    """A full name such as Alice Chen."""
    return f"{first_name(rng, label + '.first')} {last_name(rng, label + '.last')}"


def user_name(rng: Rng, label: str) -> str:
    """A lowercase login such as alice.chen, achen or alice.chen42."""
    first = first_name(rng, label + ".first").lower()
    last = last_name(rng, label + ".last").lower()
    style = rng.integer(0, 9, label + ".style")
    return _login(first, last, style, rng.integer(1, 99, label + ".digits") if style >= 8 else 0)


def _login(first: str, last: str, style: int, digits: int) -> str:
    # style 0-9: first.last six times in ten, flast two, first.last with digits two
    if style < 6:
        return f"{first}.{last}"
    if style < 8:
        return f"{first[0]}{last}"
    return f"{first}.{last}{digits}"


def _part(options: tuple[str, ...], bits: int, shift: int) -> str:
    """The option picked by the 16 bits from `shift` on (a bias under len(options) / 2**16)."""
    return options[((bits >> shift) & 0xFFFF) * len(options) >> 16]


def email(rng: Rng, label: str, domain: str | None = None) -> str:
    """An address such as alice.chen@williams.net, styled as user_name (the domain is picked unless given)."""
    # one draw cut in four, not user_name's three or four draws and a domain's: addresses are
    # the commonest realistic string in a synthesized body
    bits, p = rng.bits(label), pools()
    first, last = _part(p.first_names, bits, 0).lower(), _part(p.last_names, bits, 16).lower()
    style = (bits >> 32) & 0xFFFF
    host = domain if domain is not None else _part(p.domains, bits, 48)
    return f"{_login(first, last, style * 10 >> 16, 1 + style % 99)}@{host}"


def url(rng: Rng, label: str) -> str:
    """A web address such as https://williams.net/quality/4821."""
    bits, p = rng.bits(label), pools()
    return f"https://{_part(p.domains, bits, 0)}/{_part(p.words, bits, 16)}/{1 + ((bits >> 32) * 9999 >> 32)}"


def company(rng: Rng, label: str) -> str:
    """A company name such as Baldwin-Wilkins."""
    return rng.choice(pools().companies, label)


def domain(rng: Rng, label: str) -> str:
    """A domain name such as williams.net."""
    return rng.choice(pools().domains, label)


def hostname(rng: Rng, label: str) -> str:
    """A host name such as web-60.smith.org."""
    return rng.choice(pools().hostnames, label)


def phone(rng: Rng, label: str) -> str:
    """A North American number in the fictional 555 area, such as +1-555-274-0193."""
    # one draw for both groups: exchange 100-999, line 1000-9999
    exchange, line = divmod(rng.integer(0, 900 * 9000 - 1, label), 9000)
    return f"+1-555-{exchange + 100}-{line + 1000}"


def city(rng: Rng, label: str) -> str:
    """A city name such as Port Melanie."""
    return rng.choice(pools().cities, label)


def street_address(rng: Rng, label: str) -> str:
    """A street address such as 517 Kimberly Pike Suite 570."""
    return rng.choice(pools().street_addresses, label)


def country_code(rng: Rng, label: str) -> str:
    """An ISO 3166 alpha-2 country code such as DE."""
    return rng.choice(pools().country_codes, label)


def currency_code(rng: Rng, label: str) -> str:
    """An ISO 4217 currency code such as EUR."""
    return rng.choice(pools().currency_codes, label)


def locale(rng: Rng, label: str) -> str:
    """A language tag such as pt-BR."""
    return rng.choice(pools().locales, label)


def status(rng: Rng, label: str) -> str:
    """A generic lifecycle status such as active."""
    return rng.choice(STATUSES, label)


def word(rng: Rng, label: str) -> str:
    """One lowercase English word."""
    return rng.choice(pools().words, label)


def words(rng: Rng, label: str, k: int) -> list[str]:
    """k words, drawn independently (repeats are possible, as in real text)."""
    pool = pools().words
    return [rng.choice(pool, label, n) for n in range(k)]


def slug(rng: Rng, label: str, k: int = 2) -> str:
    """Words joined by hyphens, such as quiet-river: good for resource names."""
    return "-".join(words(rng, label, k))


def title(rng: Rng, label: str, k: int = 2) -> str:
    """Capitalized words joined by spaces, such as Quiet River: good for labels and headings."""
    return " ".join(w.capitalize() for w in words(rng, label, k))


def sentence(rng: Rng, label: str) -> str:
    """One short English sentence ending with a full stop."""
    return rng.choice(pools().sentences, label)


def file_name(rng: Rng, label: str) -> str:
    """A file name with an extension, such as report.pdf."""
    return rng.choice(pools().file_names, label)


def uuid(rng: Rng, label: str) -> str:
    """An RFC 4122 version 4 UUID made from 128 rng bits."""
    return uuid_from_hex(f"{rng.bits(label, 0):016x}{rng.bits(label, 1):016x}")


_VARIANT = {digit: "89ab"[int(digit, 16) & 3] for digit in "0123456789abcdef"}


def uuid_from_hex(digits: str) -> str:
    """The version 4 UUID of 32 random lowercase hex digits, as `str(uuid.UUID(int=..., version=4))`."""
    # slicing writes what uuid.UUID would (version 4, variant bits 10) without its int arithmetic
    d = digits
    return f"{d[:8]}-{d[8:12]}-4{d[13:16]}-{_VARIANT[d[16]]}{d[17:20]}-{d[20:32]}"


def hex_digest(rng: Rng, label: str, length: int = 12) -> str:
    """Lowercase hex digits, like a short commit or image digest."""
    digits = "".join(f"{rng.bits(label, n):016x}" for n in range((length + 15) // 16))
    return digits[:length]


@overload
def number(rng: Rng, low: int, high: int, label: str, skew: float = 1.0) -> int: ...
@overload
def number(rng: Rng, low: float, high: float, label: str, skew: float = 1.0) -> float: ...
def number(rng: Rng, low: float, high: float, label: str, skew: float = 1.0) -> int | float:
    """A number in [low, high] (ints when both bounds are ints); skew > 1 favours values near low."""
    if high < low:
        raise ValueError(f"empty range [{low}, {high}] ({label})")
    if skew <= 0:
        raise ValueError(f"skew must be > 0, not {skew!r} ({label})")
    fraction = math.pow(rng.random(label), skew)
    if isinstance(low, int) and isinstance(high, int):
        if skew == 1.0:
            return rng.integer(low, high, label)
        return min(high, low + int(fraction * (high - low + 1)))
    return low + (high - low) * fraction


def timestamp_before(anchor: datetime, rng: Rng, label: str, max_seconds: float) -> datetime:
    """An instant up to max_seconds (whole seconds) before the anchor."""
    if max_seconds < 0:
        raise ValueError(f"max_seconds must be >= 0, not {max_seconds!r} ({label})")
    return anchor - timedelta(seconds=rng.integer(0, int(max_seconds), label))


def timestamp_after(anchor: datetime, rng: Rng, label: str, max_seconds: float) -> datetime:
    """An instant up to max_seconds (whole seconds) after the anchor."""
    if max_seconds < 0:
        raise ValueError(f"max_seconds must be >= 0, not {max_seconds!r} ({label})")
    return anchor + timedelta(seconds=rng.integer(0, int(max_seconds), label))
