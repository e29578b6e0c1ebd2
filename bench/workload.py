"""A workflow list shaped like OSMO's: enum fields, a timeline and a ~15-field item per index."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from specmock.engine import values
from specmock.engine.collections import Categorical, Collection, Timeline
from specmock.engine.rng import Rng

ANCHOR = datetime(2026, 6, 1, 12, tzinfo=UTC)
HISTORY = timedelta(days=730)

# the seed mix of mocks/osmo/distributions.py, spelled out so the bench needs no generated models
STATUS_WEIGHTS = (
    ("PENDING", 7),
    ("RUNNING", 20),
    ("WAITING", 5),
    ("COMPLETED", 35),
    ("FAILED", 6),
    ("FAILED_SUBMISSION", 2),
    ("FAILED_SERVER_ERROR", 2),
    ("FAILED_EXEC_TIMEOUT", 3),
    ("FAILED_QUEUE_TIMEOUT", 2),
    ("FAILED_CANCELED", 4),
    ("FAILED_BACKEND_ERROR", 2),
    ("FAILED_IMAGE_PULL", 3),
    ("FAILED_EVICTED", 2),
    ("FAILED_START_ERROR", 2),
    ("FAILED_START_TIMEOUT", 2),
    ("FAILED_PREEMPTED", 3),
)
ALIVE = frozenset({"PENDING", "RUNNING", "WAITING"})
# a few big pools and a long tail, as on a real cluster
_SITES = ("sjc", "ams", "tyo", "iad", "fra")
POOL_NAMES = tuple(f"{site}-{gpu}-{n:02d}" for n in range(5) for site in _SITES for gpu in ("h100", "a100"))
POOLS = tuple((name, 50.0 / (k + 1)) for k, name in enumerate(POOL_NAMES))
PRIORITY_WEIGHTS = (("HIGH", 15), ("NORMAL", 70), ("LOW", 15))

FIELDS = (
    Categorical("status", STATUS_WEIGHTS),
    Categorical("pool", POOLS),
    Categorical("priority", PRIORITY_WEIGHTS),
)

# the filter of the benchmark: a rare status in a mid-sized pool
RARE_FILTER = {"status": "FAILED_EVICTED", "pool": POOL_NAMES[7]}


class Workflows:
    """`total` workflows; `collection.page(...)` lists them, `item(i)` builds one."""

    def __init__(self, total: int, seed: int = 0) -> None:
        # two years of history at any total, so 10**12 items still fall after year 1
        timeline = Timeline(ANCHOR, max(timedelta(microseconds=1), HISTORY / total))
        self.collection: Collection[dict[str, Any]] = Collection(
            total, self.item, FIELDS, seed=seed, name="workflows", timeline=timeline
        )
        self.rng = Rng.root(seed, "bench", "workflows")

    def item(self, i: int) -> dict[str, Any]:
        """Workflow i: every value a pure function of (seed, i); enum fields agree with the filters."""
        rng = self.rng.child(i)
        fields = self.collection
        status = fields.field_value("status", i)
        submitted = fields.time(i)
        queued = values.number(rng, 2, 3600, "queued", skew=3.0)
        started = submitted + timedelta(seconds=queued) if status != "PENDING" else None
        ran = values.number(rng, 30, 86_400, "duration", skew=2.0)
        ended = started + timedelta(seconds=ran) if started is not None and status not in ALIVE else None
        user = values.user_name(rng, "user")
        return {
            "name": f"{values.slug(rng, 'name')}-{i}",
            "uuid": values.uuid(rng, "uuid"),
            "user": user,
            "email": values.email(rng, "user", "nvidia.com"),
            "status": status,
            "pool": fields.field_value("pool", i),
            "priority": fields.field_value("priority", i),
            "submit_time": submitted.isoformat(),
            "start_time": started.isoformat() if started else None,
            "end_time": ended.isoformat() if ended else None,
            "queued_time": queued,
            "duration": ran if ended else None,
            "image": values.image(rng, "image"),
            "node": values.node_name(rng, "node"),
            "gpus": values.number(rng, 0, 8, "gpus", skew=1.5),
            "tags": values.words(rng, "tags", rng.integer(0, 3, "tag_count")),
            "description": values.sentence(rng, "description"),
        }
