"""Bucket and dataset endpoints of specs/osmo.yaml, answered as the real service answers them.

Errors. The real service answers every refusal with a 400 (its OSMOUserError) that the spec does
not declare; the mock keeps the real messages and answers with what the spec declares instead:
an unknown bucket or dataset in the path is a 404 (problem+json), as every OSMO mock endpoint
answers an unknown name, and a parameter or body value the service refuses (a tag no version
has, a query that does not parse, a name already in use) is the spec's 422 HTTPValidationError
whose `loc` names it. Fields the real service sends as null but the spec declares non-nullable
are left out.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from specmock.generators import Context, ProblemError, as_utc
from specmock_apis.generated.osmo.models import DatasetStatus, DatasetType, ListOrder
from specmock_apis.osmo import generators
from specmock_apis.osmo.data import buckets, catalog, dataset_query
from specmock_apis.osmo.data.datasets import LATEST, datasets, empty_collection, latest_version, new_id, shown, when
from specmock_apis.osmo.state.datasets import (
    ListQuery,
    find,
    found,
    holders,
    members,
    newest,
    remove,
    save,
    touched,
    version_of,
    written,
)

MAX_COUNT = 1000  # the real list caps count here
QUERY_SCAN = 2000  # the newest datasets of a bucket that a query reads
INACTIVE = (DatasetStatus.PENDING_DELETE.value, DatasetStatus.DELETED.value)


def refused(loc: Sequence[str | int], message: str) -> ProblemError:
    """The spec's 422 HTTPValidationError for a value the service refuses, `loc` naming it."""
    detail = [{"loc": list(loc), "msg": message, "type": "value_error"}]
    return ProblemError(422, f"{'.'.join(map(str, loc))}: {message}", body={"detail": detail})


def requester(ctx: Context) -> str:
    """Who sends the request: the x-osmo-user header, else the signed-in developer."""
    return ctx.params.get("x-osmo-user") or catalog.CURRENT_USER


@generators.operation("get_bucket_info_api_bucket_get")
def get_bucket_info(ctx: Context) -> dict[str, Any]:
    """GET /api/bucket: the default bucket and, unless default_only, every bucket."""
    listed = {}
    if not ctx.params.get("default_only"):
        for index in range(buckets.total(ctx)):
            bucket = buckets.build(ctx.seed, index)
            listed[bucket.name] = {
                "path": bucket.path,
                "description": bucket.description,
                "mode": bucket.mode,
                "default_cred": bucket.default_cred,
            }
    return {"default": buckets.default(ctx).name, "buckets": listed}


def _second_after(value: datetime | None) -> datetime | None:
    """A lower bound on shown (whole-second) times: the first instant that shows as >= value."""
    if value is None:
        return None
    value = as_utc(value)
    floor = value.replace(microsecond=0)
    return floor if floor == value else floor + timedelta(seconds=1)


def _second_before(value: datetime | None) -> datetime | None:
    """An upper bound on shown times: the last instant that shows as <= value."""
    if value is None:
        return None
    return as_utc(value).replace(microsecond=0) + timedelta(microseconds=999_999)


def list_entry(record: dict[str, Any]) -> dict[str, Any]:
    """A dataset or collection as the list shows it (DataListEntry)."""
    entry: dict[str, Any] = {
        "name": record["name"],
        "id": record["id"],
        "bucket": record["bucket"],
        "create_time": shown(record["created_date"]),
    }
    latest = latest_version(record)
    if latest is not None:
        entry["last_created"] = shown(latest["created_date"])
    if record["hash_location"] is not None:
        entry["hash_location"] = record["hash_location"]
        entry["hash_location_size"] = record["hash_location_size"]
    if latest is not None:
        entry["version_id"] = latest["version"]
    entry["type"] = record["type"]
    return entry


@generators.operation("list_dataset_from_bucket_api_bucket_list_dataset_get")
def list_datasets(ctx: Context) -> dict[str, Any]:
    """GET /api/bucket/list_dataset: the newest `count` matches, then sorted by `order`."""
    p = ctx.params
    count = p.get("count")
    count = 20 if count is None else count
    if count < 0:
        raise refused(["query", "count"], "must be 0 or more")
    users = None if p.get("all_users") else frozenset(p.get("user") or [requester(ctx)])
    kind = p.get("dataset_type")
    query = ListQuery(
        kinds=None if kind is None else frozenset([kind]),
        buckets=frozenset(p["buckets"]) if p.get("buckets") else None,
        users=users,
        after=_second_after(p.get("latest_after")),
        before=_second_before(p.get("latest_before")),
        name=p.get("name") or None,
        count=min(count, MAX_COUNT),
    )
    records = newest(ctx, query)
    if p.get("order") != ListOrder.DESC.value:
        records.reverse()
    return {"datasets": [list_entry(r) for r in records]}


def _retention(record: dict[str, Any], seed: int) -> float:
    return float(buckets.named(seed, record["bucket"]).retention_days * 86400)


def version_entry(ctx: Context, record: dict[str, Any], version: dict[str, Any]) -> dict[str, Any]:
    """One version of a dataset (DataInfoDatasetEntry), with the collections holding it."""
    bucket = buckets.named(ctx.seed, record["bucket"])
    return {
        "name": record["name"],
        "version": version["version"],
        "status": version["status"],
        "created_by": version["created_by"],
        "created_date": shown(version["created_date"]),
        "last_used": shown(version["last_used"]),
        "retention_policy": _retention(record, ctx.seed),
        "size": version["size"],
        "checksum": version["checksum"],
        "location": bucket.link(version["uri"]),
        "uri": version["uri"],
        "metadata": version["metadata"],
        "tags": list(version["tags"]),
        "collections": [c["name"] for c in holders(ctx, record, version["version"])],
    }


def member_entry(ctx: Context, record: dict[str, Any], version: dict[str, Any]) -> dict[str, Any]:
    """One dataset version inside a collection (DataInfoCollectionEntry)."""
    return {
        "name": record["name"],
        "version": version["version"],
        "location": buckets.named(ctx.seed, record["bucket"]).link(version["uri"]),
        "uri": version["uri"],
        "hash_location": record["hash_location"],
        "size": version["size"],
    }


def selected_versions(record: dict[str, Any], tag: str, all_flag: bool, count: int | None) -> list[dict[str, Any]]:
    """The versions info shows: READY ones unless all_flag or a tag; newest `count`; newest first."""
    rows = record["versions"]
    if tag:
        rows = [v for v in rows if v["version"] == tag or tag in v["tags"]]
    elif not all_flag:
        rows = [v for v in rows if v["status"] == DatasetStatus.READY.value]
    rows = sorted(rows, key=lambda v: when(v["created_date"]), reverse=True)
    return rows[:count] if count else rows


def no_entry(record: dict[str, Any], tag: str) -> ProblemError:
    """No version fits: a tag no version has is a bad `tag`; no READY version left is a 404."""
    message = (
        f"Dataset/Collection {record['name']} does not have any entry fitting the parameters "
        f"in bucket {record['bucket']}."
    )
    return refused(["query", "tag"], message) if tag else ProblemError(404, message)


@generators.operation("get_info_api_bucket__bucket__dataset__name__info_get")
def get_info(ctx: Context) -> dict[str, Any]:
    """GET /api/bucket/{bucket}/dataset/{name}/info: a dataset with its versions, or a collection's members."""
    p = ctx.params
    record = found(ctx, p["bucket"], p["name"])
    count = p.get("count")
    count = 100 if count is None else count
    if count < 0:
        raise refused(["query", "count"], "must be 0 or more")
    if record["type"] == DatasetType.COLLECTION.value:
        versions = [member_entry(ctx, r, v) for r, v in members(ctx, record)]
    else:
        tag = p.get("tag") or ""
        rows = selected_versions(record, tag, bool(p.get("all_flag")), count)
        if not rows:
            raise no_entry(record, tag)
        if p.get("order") != ListOrder.DESC.value:
            rows.reverse()
        versions = [version_entry(ctx, record, v) for v in rows]
    info: dict[str, Any] = {
        "name": record["name"],
        "id": record["id"],
        "bucket": record["bucket"],
        "created_by": record["created_by"],
        "created_date": shown(record["created_date"]),
    }
    if record["hash_location"] is not None:
        info["hash_location"] = record["hash_location"]
        info["hash_location_size"] = record["hash_location_size"]
    info.update(labels=record["labels"], type=record["type"], versions=versions)
    return info


@generators.operation("query_dataset_api_bucket__bucket__query_get")
def query_datasets(ctx: Context) -> dict[str, Any]:
    """GET /api/bucket/{bucket}/query: datasets (or, with metadata, versions) a query selects."""
    name = ctx.params["bucket"]
    command = ctx.params.get("command") or ""
    if not command.strip():
        raise refused(["query", "command"], "No query was given")
    bucket = buckets.find(ctx, name)
    if bucket is None:
        raise ProblemError(404, f"Bucket {name} does not exist")
    # comments after '#' are dropped line by line, as the real service's shlex pass does
    lines = [line.split("#", 1)[0].strip() for line in command.split("\n")]
    try:
        query = dataset_query.parse(" ".join(line for line in lines if line))
    except dataset_query.QueryError as exc:
        raise refused(["query", "command"], f"Parsing error: {exc}") from None
    records = [r for r in written(ctx) if r["bucket"] == name]
    everyone = datasets(ctx)
    if bucket.name in everyone.holders:
        page = everyone.collection.page(0, QUERY_SCAN, {"bucket": bucket.name})
        records += [r for r in page.items if not touched(ctx, r["id"]) and not empty_collection(r)]
    selected = dataset_query.rows(query, records)
    if not selected:
        raise refused(["query", "command"], f"No Datasets Fit the Query in bucket {name}")
    if query.versions:
        out = []
        for record, version in selected:
            assert version is not None
            entry = version_entry(ctx, record, version)
            out.append({**entry, "tags": [], "collections": []})
        return {"type": "VERSION", "datasets": out}
    return {
        "type": "DATASET",
        "datasets": [
            {
                "name": r["name"],
                "id": r["id"],
                "bucket": name,
                "created_by": None,
                "created_date": shown(r["created_date"]),
                "hash_location": None,
                "hash_location_size": None,
                "labels": r["labels"],
                "type": r["type"],
                "versions": [],
            }
            for r, _ in selected
        ],
    }


@generators.operation("delete_dataset_api_bucket__bucket__dataset__name__delete")
def delete_dataset(ctx: Context) -> dict[str, Any]:
    """DELETE /api/bucket/{bucket}/dataset/{name}: mark versions PENDING_DELETE; `finish` cleans them up."""
    p = ctx.params
    record = found(ctx, p["bucket"], p["name"])
    hashes = [record["hash_location"]] if record["hash_location"] else []
    everything = {"delete_locations": hashes, "cleaned_size": record["hash_location_size"] or 0}
    if p.get("finish"):
        kept = [v for v in record["versions"] if v["status"] != DatasetStatus.PENDING_DELETE.value]
        if not kept:
            remove(ctx, record)
        elif len(kept) < len(record["versions"]):
            save(ctx, {**record, "versions": kept})
        return {"versions": [], **everything}
    if record["type"] == DatasetType.COLLECTION.value:
        remove(ctx, record)
        return {"versions": [], "delete_locations": [], "cleaned_size": 0}
    all_flag = bool(p.get("all_flag"))
    tag = "" if all_flag else p.get("tag") or LATEST
    chosen = selected_versions(record, tag, all_flag, None)
    if not chosen:
        if all_flag:
            return {"versions": [], **everything}
        raise no_entry(record, tag)
    ids = [v["version"] for v in chosen]
    for version in ids:
        for collection in holders(ctx, record, version):
            remove(ctx, collection)
    versions = [
        {**v, "status": DatasetStatus.PENDING_DELETE.value} if v["version"] in ids else dict(v)
        for v in record["versions"]
    ]
    _move_latest(versions)
    save(ctx, {**record, "versions": versions})
    if any(v["status"] not in INACTIVE for v in versions):
        return {"versions": ids, "delete_locations": [], "cleaned_size": 0}
    newest_first = sorted(versions, key=lambda v: when(v["created_date"]), reverse=True)
    return {
        "versions": ids,
        "delete_locations": hashes + [v["uri"] for v in newest_first],
        "cleaned_size": record["hash_location_size"],
    }


def _move_latest(versions: list[dict[str, Any]]) -> None:
    """Point `latest` at the newest READY version, or drop it when none is left."""
    for v in versions:
        v["tags"] = [t for t in v["tags"] if t != LATEST]
    ready = [v for v in versions if v["status"] == DatasetStatus.READY.value]
    if ready:
        max(ready, key=lambda v: when(v["created_date"]))["tags"].append(LATEST)


def _merge(base: dict[str, Any], update: dict[str, Any]) -> dict[str, Any]:
    """jsonb_recursive_merge: objects merge key by key, anything else is replaced."""
    out = dict(base)
    for key, value in update.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def _without(base: dict[str, Any], dotted: str) -> dict[str, Any]:
    """The object without the key at a dotted path (`a.b` removes b inside a), as `#-` does."""
    head, _, rest = dotted.partition(".")
    if head not in base:
        return base
    out = dict(base)
    if not rest:
        del out[head]
    elif isinstance(out[head], dict):
        out[head] = _without(out[head], rest)
    return out


@generators.operation("change_name_tag_label_metadata_api_bucket__bucket__dataset__name__attribute_post")
def change_attributes(ctx: Context) -> dict[str, Any]:
    """POST .../attribute: rename; set or delete tags (of the version `tag` names), labels and metadata."""
    p = ctx.params
    body = ctx.body or {}
    set_label, set_metadata = body.get("set_label") or {}, body.get("set_metadata") or {}
    set_tag, delete_tag = p.get("set_tag") or [], p.get("delete_tag") or []
    delete_label, delete_metadata = p.get("delete_label") or [], p.get("delete_metadata") or []
    tag = p.get("tag") or LATEST
    bucket = p["bucket"]
    record = found(ctx, bucket, p["name"])
    if record["type"] == DatasetType.COLLECTION.value:
        for loc, given in (
            (["query", "set_tag"], set_tag),
            (["query", "delete_tag"], delete_tag),
            (["body", "set_metadata"], set_metadata),
            (["query", "delete_metadata"], delete_metadata),
        ):
            if given:
                raise refused(loc, "Collections do not support tag or metadata")
    for loc, tags in ((["query", "set_tag"], set_tag), (["query", "delete_tag"], delete_tag)):
        if LATEST in tags:
            raise refused(loc, 'Cannot add or delete "latest" tag')
    for new_tag in set_tag:
        if new_tag.isnumeric():
            raise refused(["query", "set_tag"], f"Cannot set a number as a tag {new_tag}.")
    record = {**record, "versions": [dict(v) for v in record["versions"]]}
    new_name = p.get("new_name")
    if new_name:
        taken = find(ctx, bucket, new_name)
        if taken is not None and taken["id"] != record["id"]:
            raise refused(["query", "new_name"], f"Name {new_name} is already being used by bucket {bucket}")
        record["name"] = new_name
    answer: dict[str, Any] = {}
    if set_tag or delete_tag:
        version = version_of(record, tag)
        if version is None:
            raise refused(["query", "tag"], f"Dataset {record['name']} tag {tag} does not exist in bucket {bucket}")
        for other in record["versions"]:
            other["tags"] = [t for t in other["tags"] if t not in set_tag]
        version["tags"] = [t for t in version["tags"] if t not in delete_tag] + list(dict.fromkeys(set_tag))
        version["last_used"] = ctx.now.isoformat()
        answer["tag_response"] = {"version_id": version["version"], "tags": version["tags"]}
    if set_label or delete_label:
        labels = record["labels"]
        for dotted in delete_label:
            labels = _without(labels, dotted)
        record["labels"] = _merge(labels, set_label)
        answer["label_response"] = {"metadata": record["labels"]}
    if set_metadata or delete_metadata:
        version = version_of(record, tag)
        if version is None:
            raise refused(["query", "tag"], f"{record['name']} is not a Dataset in bucket {bucket}")
        metadata = version["metadata"]
        for dotted in delete_metadata:
            metadata = _without(metadata, dotted)
        version["metadata"] = _merge(metadata, set_metadata)
        answer["metadata_response"] = {"metadata": version["metadata"]}
    save(ctx, record)
    return answer


@generators.operation("create_collection_api_bucket__bucket__dataset__name__collect_post")
def create_collection(ctx: Context) -> None:
    """POST .../collect: a collection of dataset versions (a collection given expands to its members)."""
    bucket, name = ctx.params["bucket"], ctx.params["name"]
    wanted = (ctx.body or {}).get("datasets") or []
    if not wanted:
        raise refused(["body", "datasets"], "list at least one dataset")
    chosen: dict[str, dict[str, Any]] = {}
    for k, element in enumerate(wanted):
        record = find(ctx, bucket, element["name"])
        if record is None:
            message = f"Could not find dataset or collection {element['name']} in bucket {bucket}"
            raise refused(["body", "datasets", k, "name"], message)
        if record["type"] == DatasetType.COLLECTION.value:
            picks = list(members(ctx, record))
        else:
            tag = element["tag"] or LATEST
            version = version_of(record, tag)
            if version is None:
                message = f"Dataset {element['name']} tag {tag} does not exist in bucket {bucket}"
                raise refused(["body", "datasets", k, "tag"], message)
            picks = [(record, version)]
        for member, version in picks:
            held = chosen.get(member["id"])
            if held is not None and held["version"] != version["version"]:
                message = (
                    f"Dataset {member['name']} versions appears more than once. "
                    "Only 1 version of a dataset can be in the Collection"
                )
                raise refused(["body", "datasets", k], message)
            chosen[member["id"]] = {"slot": member["slot"], "id": member["id"], "version": version["version"]}
    if find(ctx, bucket, name) is not None:
        raise refused(["path", "name"], f"Name {name} is already being used.")
    # a new id per (bucket, name, instant): a collection made again after a removal is a new one
    made = generators.rng(ctx.seed, "collection", bucket, name, ctx.now.isoformat())
    save(
        ctx,
        {
            "id": new_id(made),
            "slot": None,
            "name": name,
            "bucket": bucket,
            "type": DatasetType.COLLECTION.value,
            "created_by": requester(ctx),
            "created_date": ctx.now.isoformat(),
            "labels": {},
            "hash_location": None,
            "hash_location_size": None,
            "versions": [],
            "members": list(chosen.values()),
        },
    )
    return None
