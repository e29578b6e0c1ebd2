"""OSMO datasets and collections: an infinite, filterable base, one JSON record per dataset.

Datasets are the engine's live collection (`Live`): each has an absolute slot on a timeline that
moves with the clock (see `Datasets`); index 0 is the one whose latest version is newest, as the
list endpoint orders them. A dataset is a
pure function of (seed, slot) and its name ends in its slot in base 36, so a lookup by name is
O(1). Type, bucket and owner are Categorical fields and the latest version's time is the
timeline, so list filters are exact at any volume.

A record is a plain JSON-able dict, the same shape the state overlay stores after a write:
`id, slot, name, bucket, type, created_by, created_date, labels, hash_location,
hash_location_size, versions, members`. Times are ISO strings at full precision; endpoints show
them to the second, as the real service does.

A collection holds the latest version of the first 2..5 datasets of its bucket that are older
than it (the next indices of that bucket), so membership can be found from either side in O(1).
"""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta
from typing import Any

from specmock.generators import (
    Categorical,
    Collection,
    Context,
    Live,
    Rng,
    Slots,
    base36,
    exhaustive,
    prime_at_least,
    spacing_for,
    values,
)
from specmock_apis.generated.osmo.models import DatasetStatus, DatasetType
from specmock_apis.osmo import generators
from specmock_apis.osmo.data import buckets, catalog
from specmock_apis.osmo.data.workflows import PROJECTS

DATASETS = generators.collection("datasets", default=100, low=20, high=10_000)
SPACING = timedelta(hours=9)  # between two datasets' latest versions, on average
HISTORY = timedelta(days=5 * 365)  # a huge volume is squeezed into five years
MAX_MEMBERS = 5
MAX_OWNERS = 1000  # users that own datasets: keeps the fields' joint period under the engine's limit
MAX_HOLDING_BUCKETS = 16  # as in real deployments, a few buckets hold the datasets and the rest are spare
LATEST = "latest"
EPOCH = datetime(2020, 1, 1, tzinfo=UTC)  # slot 0
HORIZON = datetime(2200, 1, 1, tzinfo=UTC)  # layout positions count down from here, so they stay >= 0

TYPE_WEIGHTS = exhaustive(DatasetType, {DatasetType.DATASET: 85, DatasetType.COLLECTION: 15})
# Older versions are sometimes deleted; the newest may still be uploading.
OLD_VERSION_STATUS_WEIGHTS = exhaustive(
    DatasetStatus,
    {DatasetStatus.READY: 93, DatasetStatus.PENDING_DELETE: 3, DatasetStatus.DELETED: 4, DatasetStatus.PENDING: 0},
)

SUBJECTS = (
    "imagenet",
    "coco",
    "kitti",
    "nuscenes",
    "waymo",
    "laion",
    "openimages",
    "librispeech",
    "commonvoice",
    "warehouse-sim",
    "humanoid-teleop",
    "driving-logs",
    "robot-grasps",
    "synthetic-faces",
    "ct-scans",
    "satellite-tiles",
    "code-corpus",
    "wikitext",
    "isaac-sim",
    "lidar-sweeps",
    "dexterous-hands",
    "factory-cams",
    "street-scenes",
)
VARIANTS = ("train", "val", "test", "raw", "curated", "labels", "embeddings", "shards", "tokens", "subset", "filtered")
COLLECTION_WORDS = ("mix", "bundle", "suite", "release", "blend")
FORMATS = ("parquet", "webdataset", "tfrecord", "jsonl", "mp4", "png", "zarr", "mcap")
MODALITIES = ("image", "video", "lidar", "text", "audio", "multimodal", "trajectory")
VERSION_TAGS = (
    "stable",
    "baseline",
    "golden",
    "release",
    "qa-approved",
    "train-ready",
    "experimental",
    "snapshot",
    "v1",
    "v2",
    "2024q4",
    "2025q1",
)
DESCRIPTIONS = (
    "{subject} {variant} split",
    "{subject} {variant}, deduplicated",
    "{variant} data for {subject} experiments",
    "Re-export of {subject} {variant} with fixed labels",
    "",
)
MB = 1 << 20
TB = 1 << 40


def when(text: str) -> datetime:
    """A stored time back as a datetime."""
    return datetime.fromisoformat(text)


def shown(text: str) -> str:
    """A stored time as the service shows it: to the second, in UTC."""
    return when(text).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def new_id(rng: Rng) -> str:
    """A dataset id: 16 random bytes in URL-safe base64 without padding, as the service makes them."""
    raw = rng.bits("id", 0).to_bytes(8, "big") + rng.bits("id", 1).to_bytes(8, "big")
    return base64.urlsafe_b64encode(raw).decode()[:-2]


def latest_version(record: dict[str, Any]) -> dict[str, Any] | None:
    """The version tagged `latest` (the newest READY one), if any."""
    return next((v for v in record["versions"] if LATEST in v["tags"]), None)


def sort_time(record: dict[str, Any]) -> datetime:
    """What the list orders and `latest_before/after` filter by: the latest version's time, or
    the creation time of a collection (or of a dataset without a latest version)."""
    latest = latest_version(record)
    return when(latest["created_date"] if latest else record["created_date"])


def empty_collection(record: dict[str, Any]) -> bool:
    """A base collection at the end of the history, whose datasets would be older than the list
    reaches: it holds nothing, and since the real service never keeps an empty collection, it
    does not exist."""
    return record["type"] == DatasetType.COLLECTION.value and not record["members"]


def listed(record: dict[str, Any]) -> bool:
    """Whether the list shows it: every collection, and datasets with a READY version."""
    return record["type"] == DatasetType.COLLECTION.value or any(
        v["status"] == DatasetStatus.READY.value for v in record["versions"]
    )


class Layout:
    """What does not move with the clock: the fields, their patterns and filter tables."""

    def __init__(self, seed: int, total: int, holders: tuple[str, ...], users: tuple[str, ...]) -> None:
        self.seed = seed
        self.holders = holders
        self.owners = users[:MAX_OWNERS]
        self.spacing = spacing_for(total, SPACING, HISTORY)
        # the default bucket and the next four hold more data than the rest, as in real deployments
        bucket_weights = [(b, 6.0 if k == 0 else 3.0 if k < 5 else 1.0) for k, b in enumerate(self.holders)]
        bucket_period = prime_at_least(max(7, 2 * int(sum(w for _, w in bucket_weights))))
        others = max(1, len(self.owners) - 1)
        user_weights = [(u, 0.125 if u == catalog.CURRENT_USER else 0.875 / others) for u in self.owners]
        fields = (
            Categorical("type", [(t.value, w) for t, w in TYPE_WEIGHTS.items()], period=20),
            Categorical("bucket", bucket_weights, period=bucket_period),
            Categorical("user", user_weights, period=prime_at_least(max(7, 8 * others), avoid=bucket_period)),
        )
        self.live = Live(total, fields, slots=Slots(EPOCH, self.spacing, HORIZON), seed=seed, name="osmo.datasets")


@generators.memo(maxsize=32)
def _layout(seed: int, total: int, holders: tuple[str, ...], users: tuple[str, ...]) -> Layout:
    return Layout(seed, total, holders, users)


class Datasets:
    """The base datasets as they stand at one moment: index 0 is the newest slot at `now`.

    Datasets take absolute slots, one every `spacing` from EPOCH, so as the clock runs new ones
    appear at the top while each keeps its slot, name, id and times; `index = newest - slot`.
    """

    def __init__(self, layout: Layout, now: datetime) -> None:
        self.layout, self.seed, self.now = layout, layout.seed, now
        self.holders, self.owners = layout.holders, layout.owners
        self.view = layout.live.at(now, self.record, texts={"name": self.name_of})
        self.newest = self.view.newest  # the slot at index 0
        self.collection: Collection[dict[str, Any]] = self.view.collection
        # the same view answering indices only: membership queries need no records
        self.indices: Collection[int] = self.view.indices

    def slot(self, index: int) -> int:
        """The absolute slot of the dataset at `index` now."""
        return self.view.slot(index)

    def index(self, slot: int) -> int | None:
        """Where a slot is listed now, or None when it is not (yet, or any more) in the list."""
        return self.view.index(slot)

    def rng(self, index: int) -> Rng:
        """The root of every value of the dataset at `index` (keyed by its slot, so it never changes)."""
        return generators.rng(self.seed, "dataset", self.slot(index))

    def kind(self, index: int) -> str:
        """DATASET or COLLECTION."""
        return self.collection.field_value("type", index)

    def bucket_of(self, index: int) -> buckets.Bucket:
        """The bucket dataset `index` lives in."""
        return buckets.named(self.seed, self.collection.field_value("bucket", index))

    def name_of(self, index: int) -> str:
        """`<subject>-<variant>-<slot in base 36>`, e.g. kitti-curated-3f9k; collections say mix, suite..."""
        rng = self.rng(index)
        words = COLLECTION_WORDS if self.kind(index) == DatasetType.COLLECTION.value else VARIANTS
        return f"{rng.choice(SUBJECTS, 'subject')}-{rng.choice(words, 'variant')}-{base36(self.slot(index))}"

    def id_of(self, index: int) -> str:
        """The id of dataset `index`."""
        return new_id(self.rng(index))

    def find(self, bucket: str, name: str) -> int | None:
        """The index of the base dataset with this bucket and name, or None."""
        index = self.view.named(name)
        if index is None or self.name_of(index) != name:
            return None
        return index if self.collection.field_value("bucket", index) == bucket else None

    def plan(self, index: int) -> tuple[int, bool]:
        """How many versions dataset `index` has, and whether the newest is still uploading."""
        rng = self.rng(index)
        count = values.number(rng, 1, 12, "versions", skew=2.0)
        return count, count >= 2 and rng.chance(0.06, "pending")

    def latest_id(self, index: int) -> str:
        """The id of the base dataset's latest (newest READY) version."""
        count, pending = self.plan(index)
        return str(count - 1 if pending else count)

    def record(self, index: int) -> dict[str, Any]:
        """Base dataset or collection `index`, consistent with the collection's fields and timeline."""
        rng = self.rng(index)
        bucket = self.bucket_of(index)
        kind = self.kind(index)
        did = self.id_of(index)
        created = self.collection.time(index)
        out: dict[str, Any] = {
            "id": did,
            "slot": self.slot(index),
            "name": self.name_of(index),
            "bucket": bucket.name,
            "type": kind,
            "created_by": self.collection.field_value("user", index),
            "labels": {},
            "hash_location": None,
            "hash_location_size": None,
            "versions": [],
            "members": [],
        }
        if kind == DatasetType.COLLECTION.value:
            if rng.chance(0.4, "labelled"):
                out["labels"] = {"purpose": rng.choice(("training", "evaluation", "ablation"), "purpose")}
            out["created_date"] = created.isoformat()
            out["members"] = [
                {"slot": self.slot(m), "id": self.id_of(m), "version": self.latest_id(m)}
                for m in self.member_indices(index)
            ]
            return out
        versions = self._versions(index, rng, bucket, did, created)
        if rng.chance(0.75, "labelled"):
            out["labels"] = {
                "project": rng.choice(PROJECTS, "project"),
                "modality": rng.choice(MODALITIES, "modality"),
            }
        out["created_date"] = versions[0]["created_date"]
        out["hash_location"] = f"{bucket.path}/{did}/hashes"
        out["hash_location_size"] = int(max(v["size"] for v in versions) * (1 + 0.15 * (len(versions) - 1)))
        out["versions"] = versions
        return out

    def _versions(
        self, index: int, rng: Rng, bucket: buckets.Bucket, did: str, latest_time: datetime
    ) -> list[dict[str, Any]]:
        count, pending = self.plan(index)
        latest = count - 1 if pending else count
        times = {latest: latest_time}
        for k in range(latest - 1, 0, -1):
            gap = values.number(rng.child("version", k), 3600.0, 30 * 86400.0, "gap", skew=2.5)
            times[k] = times[k + 1] - timedelta(seconds=gap)
        if pending:
            later = min(timedelta(seconds=values.number(rng, 60.0, 6 * 3600.0, "upload")), (self.now - latest_time) / 2)
            times[count] = latest_time + later
        owner = self.collection.field_value("user", index)
        subject, variant = rng.choice(SUBJECTS, "subject"), rng.choice(VARIANTS, "variant")
        full = values.number(rng, 50 * MB, 4 * TB, "size", skew=4.0)
        spare_tags = rng.shuffled(VERSION_TAGS, "tags")
        out = []
        for k in range(1, count + 1):
            vrng = rng.child("version", k)
            status = DatasetStatus.READY
            if k == count and pending:
                status = DatasetStatus.PENDING
            elif k <= latest - 3:
                status = vrng.weighted(list(OLD_VERSION_STATUS_WEIGHTS.items()), "status")
            tags = [LATEST] if k == latest else []
            if status != DatasetStatus.PENDING and spare_tags and vrng.chance(0.25, "tagged"):
                tags.append(spare_tags.pop())
            made = times[k]
            used = made + (self.now - made) * vrng.random("used")
            metadata: dict[str, Any] = {
                "description": vrng.choice(DESCRIPTIONS, "description").format(subject=subject, variant=variant),
                "format": rng.choice(FORMATS, "format"),
                "num_samples": values.number(vrng, 1_000, 50_000_000, "samples", skew=3.0),
            }
            out.append(
                {
                    "version": str(k),
                    "status": status.value,
                    "created_by": owner,
                    "created_date": made.isoformat(),
                    "last_used": used.isoformat(),
                    "size": int(full * (0.6 + 0.4 * k / count) * vrng.uniform(0.95, 1.05, "size")),
                    "checksum": values.hex_digest(vrng, "checksum", 32),
                    "uri": f"{bucket.path}/{did}/manifests/{k}.json",
                    "metadata": metadata,
                    "tags": tags,
                }
            )
        return out

    def member_indices(self, index: int) -> list[int]:
        """The datasets collection `index` holds: the next 2..5 datasets of its bucket."""
        wanted = self.rng(index).integer(2, MAX_MEMBERS, "members")
        bucket = self.collection.field_value("bucket", index)
        page = self.indices.page(0, wanted, {"bucket": bucket, "type": DatasetType.DATASET.value}, start=index + 1)
        return page.items

    def holders_of(self, index: int) -> list[int]:
        """The base collections that hold base dataset `index` (its latest version), nearest first."""
        bucket = self.collection.field_value("bucket", index)
        datasets = {"bucket": bucket, "type": DatasetType.DATASET.value}
        out: list[int] = []
        offset = 0
        while True:
            # ASC lists the matches before `index` from the nearest one back
            page = self.indices.page(
                offset, 8, {"bucket": bucket, "type": DatasetType.COLLECTION.value}, order="ASC", stop=index
            )
            for c in page.items:
                between = self.indices.count(datasets, start=c + 1, stop=index)
                if between >= MAX_MEMBERS:
                    return out
                if between < self.rng(c).integer(2, MAX_MEMBERS, "members"):
                    out.append(c)
            if not page.more:
                return out
            offset += len(page.items)


def datasets(ctx: Context) -> Datasets:
    """The base datasets as this request sees them (the layout is built once per seed and volumes)."""
    holders = buckets.names(ctx, MAX_HOLDING_BUCKETS)
    layout = _layout(ctx.seed, DATASETS.total(ctx), holders, catalog.users(ctx))
    return Datasets(layout, ctx.now)
