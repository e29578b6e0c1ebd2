"""Datasets after writes: the base collection seen through the state overlay.

A write stores the whole record of the dataset it changes under the dataset's id (entity
`datasets`), and a removal leaves a tombstone there. Base index i is therefore shown as
stored, as generated, or not at all. Records made by writes (new collections) have no slot.
Lookups and the list read the overlay in O(writes) and the base in O(page).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from specmock.generators import Context, ProblemError
from specmock_apis.generated.osmo.models import DatasetType
from specmock_apis.osmo.data.datasets import Datasets, datasets, empty_collection, listed, sort_time

ENTITY = "datasets"
NAME_SCAN = 50_000  # datasets a name search reads per page before it settles for the matches seen


def written(ctx: Context) -> list[dict[str, Any]]:
    """Every record a write stored, in the order they were first written."""
    return [value for _, value in ctx.entity(ENTITY).items()]


def save(ctx: Context, record: dict[str, Any]) -> None:
    """Keep a changed record in the overlay."""
    ctx.entity(ENTITY).put(record["id"], record)


def remove(ctx: Context, record: dict[str, Any]) -> None:
    """Remove a dataset or collection for good."""
    ctx.entity(ENTITY).delete(record["id"])


def touched(ctx: Context, record_id: str) -> bool:
    """Whether a write changed or removed this id, so the base record no longer shows."""
    return ctx.entity(ENTITY).deleted(record_id) or ctx.entity(ENTITY).get(record_id) is not None


def current(ctx: Context, everyone: Datasets, slot: int) -> dict[str, Any] | None:
    """The base dataset in `slot` as it is now: as stored after a write, as generated, or None
    when removed (or, never written, once it has left the list's history)."""
    index = everyone.index(slot)
    if index is None:
        return next((r for r in written(ctx) if r["slot"] == slot), None)
    record_id = everyone.id_of(index)
    if ctx.entity(ENTITY).deleted(record_id):
        return None
    stored = ctx.entity(ENTITY).get(record_id)
    return stored if stored is not None else base(everyone, index)


def base(everyone: Datasets, index: int) -> dict[str, Any] | None:
    """The generated record at `index`, or None for a collection that holds nothing."""
    record = everyone.collection.get(index)
    return None if empty_collection(record) else record


def find(ctx: Context, bucket: str, name: str) -> dict[str, Any] | None:
    """The dataset or collection named `name` in `bucket`, writes included."""
    for record in written(ctx):
        if record["bucket"] == bucket and record["name"] == name:
            return record
    everyone = datasets(ctx)
    index = everyone.find(bucket, name)
    if index is None or touched(ctx, everyone.id_of(index)):
        return None  # renamed or removed: a stored copy under its new name was checked above
    return base(everyone, index)


def found(ctx: Context, bucket: str, name: str) -> dict[str, Any]:
    """The named dataset or collection, or a 404 with the real service's words."""
    record = find(ctx, bucket, name)
    if record is None:
        raise ProblemError(404, f"Could not find dataset or collection {name} in bucket {bucket}")
    return record


def version_of(record: dict[str, Any], tag: str) -> dict[str, Any] | None:
    """The version whose id or one of whose tags is `tag`."""
    return next((v for v in record["versions"] if v["version"] == tag or tag in v["tags"]), None)


def holders(ctx: Context, record: dict[str, Any], version: str) -> list[dict[str, Any]]:
    """The collections that hold this version of a dataset, sorted by name."""
    everyone = datasets(ctx)
    out = []
    index = None if record["slot"] is None else everyone.index(record["slot"])
    if index is not None and version == everyone.latest_id(index):
        for c in everyone.holders_of(index):
            collection = current(ctx, everyone, everyone.slot(c))
            if collection is not None and _holds(collection, record["id"], version):
                out.append(collection)
    for collection in written(ctx):
        # base collections were checked above, under whatever name they have now
        if collection["slot"] is None and _holds(collection, record["id"], version):
            out.append(collection)
    return sorted(out, key=lambda c: (c["name"], c["id"]))


def _holds(collection: dict[str, Any], dataset_id: str, version: str) -> bool:
    return any(m["id"] == dataset_id and m["version"] == version for m in collection["members"])


def members(ctx: Context, collection: dict[str, Any]) -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
    """(dataset, version) for each member of a collection that still exists, by dataset name."""
    everyone = datasets(ctx)
    pairs = []
    for member in collection["members"]:
        record = current(ctx, everyone, member["slot"])
        if record is None:
            continue
        version = next((v for v in record["versions"] if v["version"] == member["version"]), None)
        if version is not None:
            pairs.append((record, version))
    return iter(sorted(pairs, key=lambda pair: (pair[0]["name"], pair[0]["id"])))


@dataclass(frozen=True)
class ListQuery:
    """The list endpoint's filters, checked; `None` in a set field means no constraint."""

    kinds: frozenset[str] | None
    buckets: frozenset[str] | None
    users: frozenset[str] | None
    after: datetime | None
    before: datetime | None
    name: str | None
    count: int

    def keeps(self, record: dict[str, Any]) -> bool:
        """Brute force: whether a record matches (used for records that writes stored)."""
        if not listed(record):
            return False
        if self.kinds is not None and record["type"] not in self.kinds:
            return False
        if self.buckets is not None and record["bucket"] not in self.buckets:
            return False
        if self.users is not None and not (_makers(record) & self.users):
            return False
        moment = sort_time(record)
        if (self.after is not None and moment < self.after) or (self.before is not None and moment > self.before):
            return False
        return self.name is None or self.name in record["name"]


def _makers(record: dict[str, Any]) -> set[str]:
    """Who made it: a collection's creator, or whoever uploaded any of a dataset's versions."""
    if record["type"] == DatasetType.COLLECTION.value:
        return {record["created_by"]}
    return {v["created_by"] for v in record["versions"]}


def newest(ctx: Context, query: ListQuery) -> list[dict[str, Any]]:
    """The `count` newest matching records, newest first: exact base pages merged with the overlay."""
    everyone = datasets(ctx)
    out = [r for r in written(ctx) if query.keeps(r)]
    filters = _base_filters(everyone, query)
    # base names are lowercase, and the real LIKE is case-sensitive: no base name holds a capital
    if filters is not None and query.count and (query.name is None or query.name == query.name.lower()):
        offset, wanted = 0, query.count
        while wanted > 0:
            page = everyone.collection.page(
                offset,
                wanted,
                filters,
                order="DESC",
                after=query.after,
                before=query.before,
                contains={"name": query.name} if query.name else None,
                scan_limit=NAME_SCAN,
            )
            fresh = [r for r in page.items if not touched(ctx, r["id"]) and not empty_collection(r)]
            out += fresh
            wanted -= len(fresh)
            offset += len(page.items)
            if not page.more:
                break
    out.sort(key=lambda r: (sort_time(r), r["id"]), reverse=True)
    return out[: query.count]


def _base_filters(everyone: Datasets, query: ListQuery) -> dict[str, list[str]] | None:
    """The enum filters for the base collection, or None when no base record can match."""
    wanted: dict[str, list[str]] = {}
    for field, chosen, known in (
        ("type", query.kinds, None),
        ("bucket", query.buckets, everyone.holders),
        ("user", query.users, everyone.owners),
    ):
        if chosen is None:
            continue
        kept = sorted(v for v in chosen if known is None or v in known)
        if not kept:
            return None
        wanted[field] = kept
    return wanted
