"""Realistic values: deterministic across processes, shaped like the real thing."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import urllib.parse
import uuid as uuid_module
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from specmock.engine import values
from specmock.engine.rng import Rng

SAMPLE = """
import json
from datetime import datetime, timezone
from specmock.engine import values as v
from specmock.engine.rng import Rng

out = []
for i in range(25):
    r = Rng.root(7, "values", i)
    out.append([
        v.person_name(r, "name"), v.user_name(r, "user"), v.email(r, "email"), v.hostname(r, "host"),
        v.domain(r, "domain"), v.url(r, "url"), v.word(r, "word"), v.words(r, "words", 3), v.slug(r, "slug"),
        v.title(r, "title"),
        v.sentence(r, "sentence"), v.company(r, "company"), v.file_name(r, "file"), v.uuid(r, "id"),
        v.phone(r, "phone"), v.city(r, "city"), v.street_address(r, "street"), v.country_code(r, "country"),
        v.currency_code(r, "currency"), v.locale(r, "locale"), v.status(r, "status"),
        v.number(r, 1, 100, "n"), v.number(r, 0.5, 2.5, "x", skew=2.0),
        v.hex_digest(r, "digest", 20),
        v.timestamp_before(datetime(2026, 1, 1, tzinfo=timezone.utc), r, "t", 86400).isoformat(),
    ])
pools = v.pools()
out.append([len(pools.first_names), len(pools.words), pools.hostnames[:3]])
print(json.dumps(out))
"""


def sample_in_subprocess(hash_seed: str) -> object:
    env = {**os.environ, "PYTHONHASHSEED": hash_seed}
    done = subprocess.run([sys.executable, "-c", SAMPLE], capture_output=True, text=True, env=env, check=True)
    return json.loads(done.stdout)


@pytest.mark.slow
def test_same_values_in_processes_with_different_hash_seeds() -> None:
    first = sample_in_subprocess("1")
    second = sample_in_subprocess("98765")
    assert first == second


def test_pools_are_sorted_without_duplicates_and_not_empty() -> None:
    pools = values.pools()
    for name in pools.__dataclass_fields__:
        pool = getattr(pools, name)
        assert pool, name
        assert list(pool) == sorted(dict.fromkeys(pool)), name


def test_the_frozen_pools_are_what_the_pinned_faker_builds() -> None:
    """pools.json must follow Faker: after an upgrade, `python -m specmock.engine.freeze_pools` rewrites it."""
    assert values.pools() == values.faker_pools()


def test_serving_values_never_imports_faker() -> None:
    script = (
        "import sys; from specmock.engine import values; from specmock.engine.rng import Rng;"
        "from specmock.engine.synth import Synthesizer; values.pools();"
        "schema = {'type': 'object', 'required': ['email', 'city'], 'properties': {"
        "'email': {'type': 'string'}, 'city': {'type': 'string'}}};"
        "Synthesizer({'openapi': '3.1.0'}, '3.1.0').body('application/json', {'schema': schema}, Rng.root(1));"
        "assert 'faker' not in sys.modules"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr


def test_same_rng_and_label_same_value_and_labels_are_independent() -> None:
    rng = Rng.root(1, "users", 5)
    assert values.user_name(rng, "owner") == values.user_name(Rng.root(1, "users", 5), "owner")
    names = {values.user_name(Rng.root(1, "users", i), "owner") for i in range(200)}
    assert len(names) > 150
    assert values.uuid(rng, "a") != values.uuid(rng, "b")


def test_user_names_and_emails_look_real() -> None:
    for i in range(300):
        rng = Rng.root(3, i)
        user = values.user_name(rng, "user")
        assert re.fullmatch(r"[a-z]+(\.[a-z]+\d*|[a-z]*)", user), user
        address = values.email(rng, "email")
        local, _, domain = address.partition("@")
        assert local and "." in domain, address
        assert values.email(rng, "email", domain="example.com").endswith("@example.com")
        assert re.fullmatch(r"[a-z]+(\.[a-z]+\d*|[a-z]*)", local), address
        first, last = values.person_name(rng, "name").split(" ")
        assert first[0].isupper() and last[0].isupper()


def test_emails_take_every_login_style_and_urls_their_parts_from_the_pools() -> None:
    pools = values.pools()
    locals_ = [values.email(Rng.root(11, i), "email").partition("@")[0] for i in range(400)]
    assert 180 < sum(re.fullmatch(r"[a-z]+\.[a-z]+", x) is not None for x in locals_) < 300
    assert 40 < sum("." not in x for x in locals_) < 120
    assert 40 < sum(x[-1].isdigit() for x in locals_) < 120
    for i in range(200):
        parts = urllib.parse.urlsplit(values.url(Rng.root(12, i), "url"))
        word, number = parts.path.strip("/").split("/")
        assert parts.scheme == "https" and parts.netloc in pools.domains and word in pools.words
        assert 1 <= int(number) <= 9999


def test_uuids_are_version_4() -> None:
    seen = set()
    for i in range(500):
        text = values.uuid(Rng.root(9, i), "id")
        parsed = uuid_module.UUID(text)
        assert parsed.version == 4
        assert parsed.variant == uuid_module.RFC_4122
        assert str(parsed) == text
        seen.add(text)
    assert len(seen) == 500


def test_text_values() -> None:
    rng = Rng.root(5)
    assert values.sentence(rng, "s").endswith(".")
    assert "." in values.file_name(rng, "f")
    assert "." in values.hostname(rng, "h")
    assert re.fullmatch(r"[a-z0-9-]+(\.[a-z0-9-]+)+", values.hostname(rng, "h"))
    assert re.fullmatch(r"[a-z0-9-]+\.[a-z]+", values.domain(rng, "d"))
    assert len(values.words(rng, "w", 5)) == 5
    assert all(w.isalpha() and w.islower() for w in values.words(rng, "w", 50))
    assert values.slug(rng, "slug", 3).count("-") == 2
    assert re.fullmatch(r"[A-Z][a-z]+ [A-Z][a-z]+", values.title(rng, "title"))
    assert re.fullmatch(r"[0-9a-f]{40}", values.hex_digest(rng, "d", 40))
    assert values.company(rng, "c")


def test_places_codes_and_phones() -> None:
    for i in range(300):
        rng = Rng.root(10, i)
        assert re.fullmatch(r"\+1-555-[1-9]\d\d-[1-9]\d{3}", values.phone(rng, "phone"))
        assert re.fullmatch(r"[A-Z]{2}", values.country_code(rng, "country"))
        assert re.fullmatch(r"[A-Z]{3}", values.currency_code(rng, "currency"))
        assert re.fullmatch(r"[a-z]{2,3}-[A-Z]{2}", values.locale(rng, "locale"))
        assert values.city(rng, "city")[0].isupper()
        assert re.match(r"\d+ [A-Z]", values.street_address(rng, "street"))
        assert values.status(rng, "status") in values.STATUSES
    pools = values.pools()
    assert {"US", "DE", "JP"} <= set(pools.country_codes)
    assert {"USD", "EUR", "JPY"} <= set(pools.currency_codes)
    assert {"en-US", "de-DE", "pt-BR"} <= set(pools.locales)


def test_the_engine_speaks_no_one_api() -> None:
    """Words of one API's world (container registries, cluster nodes) live in that API's package."""
    engine = Path(values.__file__).parent
    for path in [*sorted(engine.glob("*.py")), engine / values.POOLS_FILE]:
        found = re.search(r"nvcr|nvidia|dgx|osmo", path.read_text(encoding="utf-8"), re.IGNORECASE)
        assert found is None, f"{path.name}: {found and found.group()}"


def test_numbers_stay_in_range() -> None:
    ints = [values.number(Rng.root(6, i), 3, 9, "n") for i in range(400)]
    assert all(isinstance(n, int) and 3 <= n <= 9 for n in ints)
    assert set(ints) == set(range(3, 10))
    skewed = [values.number(Rng.root(6, i), 0, 999, "n", skew=3.0) for i in range(400)]
    assert all(0 <= n <= 999 for n in skewed)
    assert sum(n < 500 for n in skewed) > 300
    floats = [values.number(Rng.root(6, i), 1.5, 2.5, "x") for i in range(400)]
    assert all(isinstance(x, float) and 1.5 <= x <= 2.5 for x in floats)
    with pytest.raises(ValueError, match="empty range"):
        values.number(Rng.root(1), 5, 1, "n")
    with pytest.raises(ValueError, match="skew"):
        values.number(Rng.root(1), 1, 5, "n", skew=0)


def test_timestamps_before_and_after_the_anchor() -> None:
    anchor = datetime(2026, 1, 1, tzinfo=UTC)
    for i in range(200):
        rng = Rng.root(8, i)
        before = values.timestamp_before(anchor, rng, "t", 3600)
        assert anchor - timedelta(hours=1) <= before <= anchor
        after = values.timestamp_after(anchor, rng, "t", 60)
        assert anchor <= after <= anchor + timedelta(minutes=1)
    assert values.timestamp_before(anchor, Rng.root(1), "t", 0) == anchor
    with pytest.raises(ValueError, match="max_seconds"):
        values.timestamp_before(anchor, Rng.root(1), "t", -1)


def test_uuid_from_hex_writes_what_the_uuid_module_does() -> None:
    for i in range(2000):
        digits = f"{Rng.root(2, i).bits('a'):016x}{Rng.root(2, i).bits('b'):016x}"
        assert values.uuid_from_hex(digits) == str(uuid_module.UUID(int=int(digits, 16), version=4))
