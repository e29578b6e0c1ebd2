"""OSMO buckets and datasets: answers conform to specs/osmo.yaml; list filters are exact; list,
info and collections agree; writes are read back; errors are the real service's."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from specmock.spec.verdicts import SpecValidator
from specmock_apis.osmo.data import catalog
from tests.osmo.conftest import client_for, conforms

LIST = "/api/bucket/list_dataset"
SMALL = 200  # datasets: small enough to filter by brute force in one list call (count <= 1000)


def validator_of(client: TestClient) -> SpecValidator:
    return SpecValidator(client.app.state.specmock.apis["osmo"].spec.document)  # type: ignore[attr-defined]


def info_path(entry: dict[str, Any], name: str | None = None) -> str:
    return f"/api/bucket/{entry['bucket']}/dataset/{name or entry['name']}/info"


def everything(client: TestClient, **params: Any) -> list[dict[str, Any]]:
    """Every dataset and collection (of every user, unless `user` names some), newest first."""
    everyone = {} if "user" in params else {"all_users": "true"}
    body = client.get(LIST, params={**everyone, "count": 1000, "order": "DESC", **params}).json()
    return list(body["datasets"])


def not_found(response: httpx.Response, message: str) -> None:
    """A 404 problem+json carrying the real service's message."""
    assert response.status_code == 404, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["detail"] == message


def refused(response: httpx.Response, loc: list[str | int], message: str) -> None:
    """The spec's 422 naming the refused parameter, with the real service's message."""
    assert response.status_code == 422, response.text
    assert response.json() == {"detail": [{"loc": loc, "msg": message, "type": "value_error"}]}


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with client_for(5, datasets=SMALL, buckets=30) as c:
        yield c


@pytest.fixture(scope="module")
def every(client: TestClient) -> list[dict[str, Any]]:
    return everything(client)


@pytest.fixture(scope="module")
def infos(client: TestClient, every: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """The info (all versions) of every listed dataset, by id."""
    out = {}
    for entry in every:
        response = client.get(info_path(entry), params={"all_flag": "true"})
        assert response.status_code == 200, response.text
        out[entry["id"]] = response.json()
    return out


@pytest.mark.parametrize(("seed", "datasets", "buckets"), [(0, 20, 10), (1, 100, 50), (2, 3000, 200)])
def test_every_answer_conforms(seed: int, datasets: int, buckets: int) -> None:
    with client_for(seed, datasets=datasets, buckets=buckets) as c:
        check = validator_of(c)
        for params in ({}, {"default_only": "true"}):
            response = c.get("/api/bucket", params=params)
            assert response.status_code == 200 and conforms(check, response) == []
        assert len(c.get("/api/bucket").json()["buckets"]) == buckets
        assert c.get("/api/bucket", params={"default_only": "true"}).json()["buckets"] == {}
        every = everything(c)
        for params in (
            {"all_users": "true"},
            {"all_users": "true", "dataset_type": "COLLECTION", "order": "DESC"},
            {"all_users": "true", "dataset_type": "DATASET", "buckets": [every[0]["bucket"]], "count": 7},
            {
                "name": "-",
                "latest_after": every[len(every) // 2].get("last_created", every[len(every) // 2]["create_time"]),
            },
            {},
        ):
            response = c.get(LIST, params=params)
            assert response.status_code == 200 and conforms(check, response) == [], params
        for entry in every[:: max(1, len(every) // 12)]:
            for params in ({}, {"all_flag": "true", "order": "DESC"}, {"tag": "latest"}, {"count": 1}):
                response = c.get(info_path(entry), params=params)
                assert response.status_code == 200, (entry, params, response.text)
                assert conforms(check, response) == [], (entry, params)
        bucket = every[0]["bucket"]
        for command in ('name CONTAINS "-"', "metadata.num_samples >= 0 LIMIT 5"):
            response = c.get(f"/api/bucket/{bucket}/query", params={"command": command})
            assert response.status_code == 200 and conforms(check, response) == []


def test_bucket_paths_and_links_look_like_real_storage(client: TestClient, infos: dict[str, dict[str, Any]]) -> None:
    buckets = client.get("/api/bucket").json()
    assert buckets["default"] in buckets["buckets"]
    schemes = {b["path"].split("://")[0] for b in buckets["buckets"].values()}
    assert schemes <= {"s3", "gs", "swift", "azure"} and len(schemes) >= 3
    for bucket in buckets["buckets"].values():
        assert bucket["mode"] in ("read-write", "read-only")
        if bucket["path"].startswith("swift://"):
            assert bucket["path"].split("/")[3].startswith("AUTH_")
    for info in infos.values():
        path = buckets["buckets"][info["bucket"]]["path"]
        for version in info["versions"]:
            assert version["uri"].startswith(f"{path}/")
            assert version["location"].startswith("https://")
            assert version["uri"].rsplit("/", 1)[-1] in version["location"]
            if info["type"] == "DATASET":
                assert version["uri"] == f"{path}/{info['id']}/manifests/{version['version']}.json"
                assert len(version["checksum"]) == 32 and int(version["checksum"], 16) >= 0
                assert version["size"] > 0 and version["created_by"] in catalog.user_names(5, 40)
        if info["type"] == "DATASET":
            assert info["hash_location"] == f"{path}/{info['id']}/hashes"
            assert info["hash_location_size"] >= max(v["size"] for v in info["versions"])


def test_list_filters_match_brute_force(
    client: TestClient, every: list[dict[str, Any]], infos: dict[str, dict[str, Any]]
) -> None:
    assert len(every) <= SMALL and len(every) > SMALL * 0.9  # a few empty tail collections are not shown
    assert len({(e["bucket"], e["name"]) for e in every}) == len(every)
    times = [e.get("last_created", e["create_time"]) for e in every]
    assert times == sorted(times, reverse=True)
    owner = {i: info["created_by"] for i, info in infos.items()}
    buckets = sorted({e["bucket"] for e in every})
    users = sorted(set(owner.values()))
    moment = {e["id"]: e.get("last_created", e["create_time"]) for e in every}
    cases: list[dict[str, Any]] = [
        {"dataset_type": "COLLECTION"},
        {"dataset_type": "DATASET", "buckets": [buckets[0], buckets[2]]},
        {"user": [users[1], users[3]]},
        {"user": [users[0]], "dataset_type": "DATASET", "buckets": buckets[:3]},
        {"name": "curated"},
        {"name": "-mix-"},
        {"name": "KITTI"},  # the real LIKE is case-sensitive
        {"latest_after": times[150], "latest_before": times[40]},
        {"latest_before": times[100], "dataset_type": "DATASET", "count": 9},
        {"buckets": ["no-such-bucket"]},
        {"user": ["nobody-at-all"]},
        {"count": 0},
    ]
    for case in cases:
        got = everything(client, **case)

        def keep(e: dict[str, Any], case: dict[str, Any] = case) -> bool:
            return (
                e["type"] == case.get("dataset_type", e["type"])
                and e["bucket"] in case.get("buckets", [e["bucket"]])
                and owner[e["id"]] in case.get("user", [owner[e["id"]]])
                and case.get("name", "") in e["name"]
                and case.get("latest_after", "") <= moment[e["id"]] <= case.get("latest_before", "9999")
            )

        assert got == [e for e in every if keep(e)][: case.get("count", 1000)], case
    assert any(everything(client, **case) for case in cases[:9])  # the cases select something


def test_count_takes_the_newest_and_order_sorts_them(client: TestClient, every: list[dict[str, Any]]) -> None:
    newest = client.get(LIST, params={"all_users": "true", "count": 12}).json()["datasets"]
    assert newest == every[:12][::-1]  # ASC, the default: the newest twelve, oldest first
    desc = client.get(LIST, params={"all_users": "true", "count": 12, "order": "DESC"}).json()["datasets"]
    assert desc == every[:12]
    assert len(client.get(LIST, params={"all_users": "true", "count": 5000}).json()["datasets"]) == len(every)
    bad = client.get(LIST, params={"count": -1})
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"] == ["query", "count"]


def test_without_all_users_a_developer_sees_their_own(client: TestClient, infos: dict[str, dict[str, Any]]) -> None:
    mine = client.get(LIST, params={"count": 1000}).json()["datasets"]
    assert mine and {infos[e["id"]]["created_by"] for e in mine} == {catalog.CURRENT_USER}
    someone = next(i["created_by"] for i in infos.values() if i["created_by"] != catalog.CURRENT_USER)
    theirs = client.get(LIST, params={"count": 1000}, headers={"x-osmo-user": someone}).json()["datasets"]
    assert theirs and {infos[e["id"]]["created_by"] for e in theirs} == {someone}


def test_info_agrees_with_the_list(
    client: TestClient, every: list[dict[str, Any]], infos: dict[str, dict[str, Any]]
) -> None:
    for entry in every:
        info = infos[entry["id"]]
        assert (info["name"], info["bucket"], info["type"], info["created_date"]) == (
            entry["name"],
            entry["bucket"],
            entry["type"],
            entry["create_time"],
        )
        if entry["type"] == "COLLECTION":
            assert "version_id" not in entry and "hash_location" not in info
            assert 1 <= len(info["versions"]) <= 5
            continue
        latest = [v for v in info["versions"] if "latest" in v["tags"]]
        assert len(latest) == 1 and latest[0]["status"] == "READY"
        assert (latest[0]["version"], latest[0]["created_date"]) == (entry["version_id"], entry["last_created"])
        assert info["hash_location"] == entry["hash_location"]
        assert info["created_date"] == min(v["created_date"] for v in info["versions"])
    for entry in [e for e in every if e["type"] == "DATASET"][::5]:
        ready = client.get(info_path(entry)).json()["versions"]
        assert ready and {v["status"] for v in ready} == {"READY"}
        assert [v["created_date"] for v in ready] == sorted(v["created_date"] for v in ready)  # ASC
        newest = client.get(info_path(entry), params={"count": 1, "order": "DESC"}).json()["versions"]
        assert [v["version"] for v in newest] == [max(ready, key=lambda v: v["created_date"])["version"]]


def test_collections_and_their_datasets_point_at_each_other(
    client: TestClient, every: list[dict[str, Any]], infos: dict[str, dict[str, Any]]
) -> None:
    by_name = {(i["bucket"], i["name"]): i for i in infos.values()}
    held = 0
    for info in infos.values():
        if info["type"] == "COLLECTION":
            for member in info["versions"]:
                dataset = by_name[info["bucket"], member["name"]]
                version = next(v for v in dataset["versions"] if v["version"] == member["version"])
                assert info["name"] in version["collections"]
                assert (member["uri"], member["size"]) == (version["uri"], version["size"])
                assert dataset["created_date"] <= info["created_date"]
        else:
            for version in info["versions"]:
                for name in version["collections"]:
                    held += 1
                    collection = by_name[info["bucket"], name]
                    assert (info["name"], version["version"]) in {
                        (m["name"], m["version"]) for m in collection["versions"]
                    }
    assert held > 10


def test_unknown_names_are_404_and_refused_values_422(client: TestClient, every: list[dict[str, Any]]) -> None:
    entry = every[0]
    not_found(
        client.get(info_path(entry, "no-such-dataset")),
        f"Could not find dataset or collection no-such-dataset in bucket {entry['bucket']}",
    )
    not_found(
        client.get(f"/api/bucket/no-such-bucket/dataset/{entry['name']}/info"),
        f"Could not find dataset or collection {entry['name']} in bucket no-such-bucket",
    )
    other = next(e["bucket"] for e in every if e["bucket"] != entry["bucket"])
    assert client.get(f"/api/bucket/{other}/dataset/{entry['name']}/info").status_code == 404
    assert client.delete(f"/api/bucket/{entry['bucket']}/dataset/no-such-dataset").status_code == 404
    dataset = next(e for e in every if e["type"] == "DATASET")
    refused(
        client.get(info_path(dataset), params={"tag": "no-such-tag"}),
        ["query", "tag"],
        f"Dataset/Collection {dataset['name']} does not have any entry fitting the parameters "
        f"in bucket {dataset['bucket']}.",
    )
    not_found(
        client.get("/api/bucket/no-such-bucket/query", params={"command": 'name = "x"'}),
        "Bucket no-such-bucket does not exist",
    )
    refused(client.get(f"/api/bucket/{entry['bucket']}/query"), ["query", "command"], "No query was given")
    refused(client.get(info_path(entry), params={"count": -2}), ["query", "count"], "must be 0 or more")


def test_queries_select_what_they_say(client: TestClient, infos: dict[str, dict[str, Any]]) -> None:
    bucket = max({i["bucket"] for i in infos.values()}, key=lambda b: sum(i["bucket"] == b for i in infos.values()))
    mine = [i for i in infos.values() if i["bucket"] == bucket]
    project = next(i["labels"]["project"] for i in mine if "project" in i["labels"])

    def query(command: str) -> httpx.Response:
        return client.get(f"/api/bucket/{bucket}/query", params={"command": command})

    got = query(f'label.project = "{project}"').json()
    assert got["type"] == "DATASET"
    assert {d["name"] for d in got["datasets"]} == {i["name"] for i in mine if i["labels"].get("project") == project}
    got = query(f'is_collection = true OR label.project != "{project}" ORDER BY name ASC').json()
    expected = sorted(
        i["name"] for i in mine if i["type"] == "COLLECTION" or i["labels"].get("project") not in (project, None)
    )
    assert [d["name"] for d in got["datasets"]] == expected
    big = query("metadata.num_samples > 1000000 ORDER BY created_date DESC LIMIT 4").json()
    assert big["type"] == "VERSION" and 0 < len(big["datasets"]) <= 4
    assert all(v["metadata"]["num_samples"] > 1_000_000 for v in big["datasets"])
    assert [v["created_date"] for v in big["datasets"]] == sorted(
        (v["created_date"] for v in big["datasets"]), reverse=True
    )
    refused(
        query('name = "nothing-has-this-name"'), ["query", "command"], f"No Datasets Fit the Query in bucket {bucket}"
    )
    refused(query('name = "x" AND'), ["query", "command"], "Parsing error: expected a condition, but the query ends")
    refused(query("size > 3"), ["query", "command"], "Parsing error: unknown field 'size' at position 0")
    assert query('# only a comment\nname CONTAINS "-" LIMIT 1').json()["datasets"]


@pytest.fixture(scope="module")
def server() -> Iterator[TestClient]:
    with client_for(6, datasets=SMALL, buckets=30) as c:
        yield c


@pytest.fixture
def c(server: TestClient) -> TestClient:
    """The writable server, with every earlier test's writes forgotten (the admin API's reset)."""
    assert server.post("/_specmock/reset").status_code in (200, 204)
    return server


def a_dataset(c: TestClient, ready: int = 2, held: bool = False) -> tuple[dict[str, Any], dict[str, Any]]:
    """A listed dataset with at least `ready` READY versions (and held by a collection), with its info."""
    for entry in everything(c, dataset_type="DATASET"):
        info = c.get(info_path(entry)).json()
        latest = next(v for v in info["versions"] if "latest" in v["tags"])
        if len(info["versions"]) >= ready and (latest["collections"] or not held):
            return entry, info
    raise AssertionError("no such dataset")


def test_deleting_the_latest_version_moves_latest_and_removes_its_collections(c: TestClient) -> None:
    check = validator_of(c)
    entry, info = a_dataset(c, ready=2, held=True)
    latest = next(v for v in info["versions"] if "latest" in v["tags"])
    holder = latest["collections"][0]
    response = c.delete(f"/api/bucket/{entry['bucket']}/dataset/{entry['name']}")
    assert response.status_code == 200 and conforms(check, response) == []
    assert response.json() == {"versions": [latest["version"]], "delete_locations": [], "cleaned_size": 0}
    after = c.get(info_path(entry)).json()
    assert latest["version"] not in [v["version"] for v in after["versions"]]
    now_latest = next(v for v in after["versions"] if "latest" in v["tags"])
    listed = next(e for e in everything(c) if e["id"] == entry["id"])
    assert (listed["version_id"], listed["last_created"]) == (now_latest["version"], now_latest["created_date"])
    every = c.get(info_path(entry), params={"all_flag": "true"}).json()["versions"]
    assert next(v for v in every if v["version"] == latest["version"])["status"] == "PENDING_DELETE"
    assert c.get(info_path(entry, holder)).status_code == 404
    assert holder not in [e["name"] for e in everything(c)]


def test_deleting_every_version_then_finishing_removes_the_dataset(c: TestClient) -> None:
    entry, _ = a_dataset(c, ready=1)
    path = f"/api/bucket/{entry['bucket']}/dataset/{entry['name']}"
    marked = c.delete(path, params={"all_flag": "true"}).json()
    assert sorted(marked["versions"]) == sorted(
        v["version"] for v in c.get(info_path(entry), params={"all_flag": "true"}).json()["versions"]
    )
    assert marked["delete_locations"][0] == entry["hash_location"]
    assert entry["id"] not in [e["id"] for e in everything(c)]  # no READY version left
    not_found(
        c.get(info_path(entry)),
        f"Dataset/Collection {entry['name']} does not have any entry fitting the parameters "
        f"in bucket {entry['bucket']}.",
    )
    finished = c.delete(path, params={"finish": "true"}).json()
    assert finished["cleaned_size"] == entry["hash_location_size"]
    not_found(
        c.get(info_path(entry)), f"Could not find dataset or collection {entry['name']} in bucket {entry['bucket']}"
    )
    collection = next(e for e in everything(c) if e["type"] == "COLLECTION")
    assert c.delete(f"/api/bucket/{collection['bucket']}/dataset/{collection['name']}").status_code == 200
    assert collection["id"] not in [e["id"] for e in everything(c)]


def test_attributes_are_changed_and_read_back(c: TestClient) -> None:
    check = validator_of(c)
    entry, _ = a_dataset(c, ready=2)
    base = f"/api/bucket/{entry['bucket']}/dataset/{entry['name']}/attribute"
    response = c.post(
        base,
        params={"set_tag": ["reviewed", "gold"], "new_name": "renamed-dataset"},
        json={"set_label": {"team": {"lead": "ana"}}, "set_metadata": {"split": "train"}},
    )
    assert response.status_code == 200 and conforms(check, response) == []
    answer = response.json()
    assert answer["tag_response"]["version_id"] == entry["version_id"]
    assert {"latest", "reviewed", "gold"} <= set(answer["tag_response"]["tags"])
    assert answer["label_response"]["metadata"]["team"] == {"lead": "ana"}
    assert answer["metadata_response"]["metadata"]["split"] == "train"
    assert c.get(info_path(entry)).status_code == 404  # the old name is gone
    renamed = c.get(info_path(entry, "renamed-dataset")).json()
    assert renamed["id"] == entry["id"] and renamed["labels"]["team"] == {"lead": "ana"}
    tagged = c.get(info_path(entry, "renamed-dataset"), params={"tag": "gold"}).json()["versions"]
    assert [v["version"] for v in tagged] == [entry["version_id"]] and tagged[0]["metadata"]["split"] == "train"
    listed = [e for e in everything(c) if e["id"] == entry["id"]]
    assert [e["name"] for e in listed] == ["renamed-dataset"]
    assert everything(c, name="renamed") == listed
    new = f"/api/bucket/{entry['bucket']}/dataset/renamed-dataset/attribute"
    c.post(new, params={"delete_tag": ["gold"], "delete_label": ["team.lead"]})
    again = c.get(info_path(entry, "renamed-dataset")).json()
    assert (
        again["labels"]["team"] == {}
        and "gold" not in next(v for v in again["versions"] if v["version"] == entry["version_id"])["tags"]
    )
    refused(
        c.post(new, params={"delete_tag": ["latest"]}), ["query", "delete_tag"], 'Cannot add or delete "latest" tag'
    )
    refused(c.post(new, params={"set_tag": ["42"]}), ["query", "set_tag"], "Cannot set a number as a tag 42.")
    refused(
        c.post(new, params={"set_tag": ["x"], "tag": "nope"}),
        ["query", "tag"],
        f"Dataset renamed-dataset tag nope does not exist in bucket {entry['bucket']}",
    )
    other = next(e for e in everything(c) if e["bucket"] == entry["bucket"] and e["id"] != entry["id"])
    refused(
        c.post(new, params={"new_name": other["name"]}),
        ["query", "new_name"],
        f"Name {other['name']} is already being used by bucket {entry['bucket']}",
    )
    collection = next(e for e in everything(c) if e["type"] == "COLLECTION")
    refused(
        c.post(
            f"/api/bucket/{collection['bucket']}/dataset/{collection['name']}/attribute",
            json={"set_metadata": {"a": 1}},
        ),
        ["body", "set_metadata"],
        "Collections do not support tag or metadata",
    )
    labelled = c.post(
        f"/api/bucket/{collection['bucket']}/dataset/{collection['name']}/attribute", json={"set_label": {"a": 1}}
    )
    assert labelled.json() == {"label_response": {"metadata": {**collection_labels(c, collection), "a": 1}}}


def test_a_new_collection_is_listed_and_holds_its_datasets(c: TestClient) -> None:
    check = validator_of(c)
    pick = [e for e in everything(c, dataset_type="DATASET")]
    bucket = pick[0]["bucket"]
    two = [e for e in pick if e["bucket"] == bucket][:2]
    body = {"datasets": [{"name": two[0]["name"], "tag": ""}, {"name": two[1]["name"], "tag": two[1]["version_id"]}]}
    response = c.post(f"/api/bucket/{bucket}/dataset/my-mix/collect", json=body, headers={"x-osmo-user": "ana"})
    assert response.status_code == 200 and response.json() is None and conforms(check, response) == []
    mine = c.get(LIST, params={"count": 10}, headers={"x-osmo-user": "ana"}).json()["datasets"]
    assert [(e["name"], e["type"]) for e in mine] == [("my-mix", "COLLECTION")]
    assert everything(c)[0]["name"] == "my-mix"  # made now: the newest
    info = c.get(f"/api/bucket/{bucket}/dataset/my-mix/info").json()
    assert sorted((m["name"], m["version"]) for m in info["versions"]) == sorted(
        (e["name"], e["version_id"]) for e in two
    )
    assert info["created_by"] == "ana"
    member = c.get(info_path(two[0]), params={"tag": "latest"}).json()["versions"][0]
    assert "my-mix" in member["collections"]
    refused(
        c.post(f"/api/bucket/{bucket}/dataset/my-mix/collect", json=body),
        ["path", "name"],
        "Name my-mix is already being used.",
    )
    refused(
        c.post(
            f"/api/bucket/{bucket}/dataset/other/collect",
            json={"datasets": [body["datasets"][0], {"name": "nope", "tag": ""}]},
        ),
        ["body", "datasets", 1, "name"],
        f"Could not find dataset or collection nope in bucket {bucket}",
    )
    refused(
        c.post(
            f"/api/bucket/{bucket}/dataset/other/collect", json={"datasets": [{"name": two[0]["name"], "tag": "nope"}]}
        ),
        ["body", "datasets", 0, "tag"],
        f"Dataset {two[0]['name']} tag nope does not exist in bucket {bucket}",
    )
    # a collection given expands to its datasets: my-mix plus one of its own datasets is fine
    both = c.post(
        f"/api/bucket/{bucket}/dataset/bigger-mix/collect",
        json={"datasets": [{"name": "my-mix", "tag": ""}, {"name": two[0]["name"], "tag": ""}]},
    )
    assert both.status_code == 200
    bigger = c.get(f"/api/bucket/{bucket}/dataset/bigger-mix/info").json()["versions"]
    assert sorted(m["name"] for m in bigger) == sorted(e["name"] for e in two)
    bad = c.post(f"/api/bucket/{bucket}/dataset/other/collect", json={"datasets": [{"name": two[0]["name"]}]})
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"][:2] == ["body", "datasets"]


def collection_labels(c: TestClient, collection: dict[str, Any]) -> dict[str, Any]:
    labels: dict[str, Any] = c.get(info_path(collection)).json()["labels"]
    return {k: v for k, v in labels.items() if k != "a"}


def test_writes_stay_with_their_server_until_a_reset(c: TestClient) -> None:
    with client_for(6, datasets=SMALL, buckets=30) as untouched:
        entry, _ = a_dataset(c, ready=1)
        c.delete(f"/api/bucket/{entry['bucket']}/dataset/{entry['name']}", params={"all_flag": "true"})
        assert entry["id"] not in [e["id"] for e in everything(c)]
        assert entry["id"] in [e["id"] for e in everything(untouched)]
        assert c.post("/_specmock/reset").status_code in (200, 204)
        assert everything(c) == everything(untouched)


def test_the_same_seed_gives_the_same_bytes(client: TestClient) -> None:
    one = client
    with client_for(5, datasets=SMALL, buckets=30) as two, client_for(9, datasets=SMALL, buckets=30) as other:
        params = {"all_users": "true", "count": 50}
        assert one.get(LIST, params=params).content == two.get(LIST, params=params).content
        assert one.get(LIST, params=params).content != other.get(LIST, params=params).content
        entry = one.get(LIST, params=params).json()["datasets"][7]
        assert one.get(info_path(entry)).content == two.get(info_path(entry)).content
        assert one.get("/api/bucket").content == two.get("/api/bucket").content
        assert one.get("/api/bucket").content != other.get("/api/bucket").content


def test_large_volumes_page_in_the_newest() -> None:
    with client_for(4, datasets=10**9, buckets=200) as c:
        newest = c.get(LIST, params={"all_users": "true", "count": 30, "dataset_type": "COLLECTION"}).json()["datasets"]
        assert len(newest) == 30 and {e["type"] for e in newest} == {"COLLECTION"}
        for entry in newest[:3]:
            assert c.get(info_path(entry)).json()["id"] == entry["id"]
        filtered = everything(c, buckets=[newest[0]["bucket"]], count=40)
        assert len(filtered) == 40 and {e["bucket"] for e in filtered} == {newest[0]["bucket"]}


def test_combined_filters_are_exact_for_another_seed() -> None:
    with client_for(11, datasets=400, buckets=12) as c:
        every = everything(c)
        for kind, bucket in itertools.product(("DATASET", "COLLECTION"), sorted({e["bucket"] for e in every})[:4]):
            got = everything(c, dataset_type=kind, buckets=[bucket])
            assert got == [e for e in every if e["type"] == kind and e["bucket"] == bucket]
