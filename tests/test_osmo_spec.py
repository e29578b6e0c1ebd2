"""specs/osmo.yaml is the OSMO service's API as its own exports have it."""

from __future__ import annotations

import json
from typing import Any

import yaml

from specmock.spec import load_spec
from tests.conftest import REPO, SHARED, needs_shared

BUCKET_OPERATIONS = {
    "get_bucket_info_api_bucket_get",
    "list_dataset_from_bucket_api_bucket_list_dataset_get",
    "query_dataset_api_bucket__bucket__query_get",
    "get_info_api_bucket__bucket__dataset__name__info_get",
    "delete_dataset_api_bucket__bucket__dataset__name__delete",
    "change_name_tag_label_metadata_api_bucket__bucket__dataset__name__attribute_post",
    "create_collection_api_bucket__bucket__dataset__name__collect_post",
}


def reference(name: str) -> dict[str, Any]:
    needs_shared()
    return json.loads((SHARED / "reference" / name).read_text())


def ours() -> dict[str, Any]:
    return yaml.safe_load((REPO / "specs" / "osmo.yaml").read_text())


def test_every_current_operation_is_there_unchanged() -> None:
    current, spec = reference("osmo-openapi.json"), ours()
    for path, item in current["paths"].items():
        assert spec["paths"][path] == item, path


def test_bucket_and_dataset_operations_come_from_the_older_export() -> None:
    older, spec = reference("osmo-openapi-2026-01.json"), ours()
    bucket_paths = {p for p in older["paths"] if p.startswith("/api/bucket")}
    for path in bucket_paths:
        assert spec["paths"][path] == older["paths"][path]
    ids = {op["operationId"] for p in bucket_paths for op in spec["paths"][p].values()}
    assert ids == BUCKET_OPERATIONS


def test_schemas_current_first_then_older_for_bucket_ones() -> None:
    current, older, spec = reference("osmo-openapi.json"), reference("osmo-openapi-2026-01.json"), ours()
    schemas = spec["components"]["schemas"]
    for name, schema in current["components"]["schemas"].items():
        assert schemas[name] == schema, name
    for name in ("BucketInfoResponse", "DataListResponse", "DatasetStatus", "DatasetType", "DataInfoResponse"):
        assert schemas[name] == older["components"]["schemas"][name]


def test_real_enums() -> None:
    schemas = ours()["components"]["schemas"]
    assert len(schemas["WorkflowStatus"]["enum"]) == 16
    assert schemas["WorkflowStatus"]["enum"][-1] == "FAILED_PREEMPTED"
    assert len(schemas["TaskGroupStatus"]["enum"]) == 20
    assert schemas["PoolStatus"]["enum"] == ["ONLINE", "OFFLINE", "MAINTENANCE"]
    assert schemas["WorkflowPriority"]["enum"] == ["HIGH", "NORMAL", "LOW"]
    assert schemas["ListOrder"]["enum"] == ["ASC", "DESC"]


def test_valid_openapi_31_with_our_description() -> None:
    spec = load_spec(REPO / "specs" / "osmo.yaml")
    assert spec.version == "3.1"
    assert len(spec.index.operations) == 118
    assert "OSMO workflow service" in spec.document["info"]["description"]
