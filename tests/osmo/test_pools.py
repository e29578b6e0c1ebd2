"""OSMO pools, pool quotas and resources: answers conform to specs/osmo.yaml, capacity adds up from
node to pool to the whole cluster, filters behave like the real service, and workflows run on
pools and nodes that exist."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from specmock.spec.verdicts import SpecValidator
from tests.osmo.conftest import client_for, conforms

POOL, QUOTA, RESOURCES = "/api/pool", "/api/pool_quota", "/api/resources"
FIELDS = ("storage", "cpu", "memory", "gpu")
KI_PER_GI, BYTES_PER_GI = 1024**2, 1024**3


@pytest.fixture(scope="module")
def cluster() -> Iterator[TestClient]:
    """30 pools of 8 nodes: enough for every pool status to appear."""
    with client_for(5, pools=30, resources=8) as c:
        yield c


def spec_of(client: TestClient) -> SpecValidator:
    return SpecValidator(client.app.state.specmock.apis["osmo"].spec.document)  # type: ignore[attr-defined]


def gib(value: Any) -> int:
    """A node field in Kubernetes units (memory in Ki, storage in bytes) as whole GiB."""
    text = str(value)
    if text.endswith("Ki"):
        ki = int(text[:-2])
        assert ki % KI_PER_GI == 0
        return ki // KI_PER_GI
    assert int(text) % BYTES_PER_GI == 0
    return int(text) // BYTES_PER_GI


def in_units(fields: dict[str, Any]) -> tuple[int, ...]:
    """storage, cpu, memory, gpu of a node field group, in GiB, cores and GPUs."""
    return (gib(fields["storage"]), int(fields["cpu"]), gib(fields["memory"]), int(fields.get("gpu", 0)))


def plus(a: tuple[int, ...], b: tuple[int, ...]) -> tuple[int, ...]:
    return tuple(x + y for x, y in zip(a, b, strict=True))


def platform_of(entry: dict[str, Any]) -> tuple[str, str]:
    ((pool, platforms),) = entry["pool_platform_labels"].items()
    assert len(platforms) == 1
    return pool, platforms[0]


@pytest.mark.parametrize(("seed", "pools", "nodes"), [(0, 5, 3), (1, 12, 10), (42, 20, 4)])
def test_every_answer_conforms(seed: int, pools: int, nodes: int) -> None:
    with client_for(seed, pools=pools, resources=nodes) as c:
        check = spec_of(c)
        names = sorted(c.get(POOL).json()["pools"])
        assert len(names) == pools
        nodes_listed = c.get(RESOURCES).json()["resources"]
        assert len(nodes_listed) == pools * nodes
        platform = platform_of(nodes_listed[0])[1]
        requests: list[tuple[str, dict[str, Any], dict[str, str]]] = [
            (POOL, {}, {}),
            (POOL, {"pools": names[:2]}, {}),
            (POOL, {"all_pools": "false"}, {}),
            (QUOTA, {}, {}),
            (QUOTA, {"pools": names[1:4], "all_pools": "false"}, {}),
            (RESOURCES, {}, {}),
            (RESOURCES, {"concise": "true"}, {}),
            (RESOURCES, {"pools": names[:3]}, {}),
            (RESOURCES, {"pools": names[:3], "platforms": [platform], "concise": "true"}, {}),
            (RESOURCES, {"pools": names[:3], "platforms": [platform]}, {}),
            (RESOURCES, {"all_pools": "true", "concise": "true"}, {}),
            (RESOURCES, {}, {"x-osmo-allowed-pools": f"{names[0]}, {names[-1]}"}),
        ]
        for url, params, headers in requests:
            response = c.get(url, params=params, headers=headers)
            assert response.status_code == 200, (url, params)
            assert conforms(check, response) == [], (url, params)
        for entry in nodes_listed[:: max(1, len(nodes_listed) // 7)]:
            one = c.get(f"{RESOURCES}/{entry['hostname']}")
            assert conforms(check, one) == []
            assert one.json() == {"resources": [entry]}


def test_node_pool_and_cluster_sums_add_up(cluster: TestClient) -> None:
    nodes = cluster.get(RESOURCES).json()["resources"]
    concise = cluster.get(RESOURCES, params={"concise": "true"}).json()["pools"]
    quota = cluster.get(QUOTA).json()
    configs = cluster.get(POOL).json()["pools"]

    by_platform: dict[tuple[str, str], tuple[tuple[int, ...], tuple[int, ...]]] = {}
    gpus: dict[str, Counter[str]] = {}
    for n in nodes:
        pool, platform = platform_of(n)
        platform_alloc = in_units(n["platform_allocatable_fields"][pool][platform])
        usage = in_units(n["usage_fields"])
        alloc, used = by_platform.get((pool, platform), ((0,) * 4, (0,) * 4))
        by_platform[(pool, platform)] = (plus(alloc, platform_alloc), plus(used, usage))
        count = gpus.setdefault(pool, Counter())
        count["capacity"] += int(n["allocatable_fields"]["gpu"])
        count["usage"] += int(n["usage_fields"]["gpu"]) + int(n["non_workflow_usage_fields"]["nvidia.com/gpu"])
        # usage never exceeds what the node can give, field by field
        workflow_alloc = in_units(n["platform_workflow_allocatable_fields"][pool][platform])
        available = in_units(n["platform_available_fields"][pool][platform])
        assert all(u <= w for u, w in zip(usage, workflow_alloc, strict=True)), n["hostname"]
        assert available == tuple(a - u for a, u in zip(platform_alloc, usage, strict=True))
        assert all(p <= a for p, a in zip(platform_alloc, in_units(n["allocatable_fields"]), strict=True))

    assert [(s["pool"], s["platform"]) for s in concise] == sorted(
        (p, pl) for p in configs for pl in configs[p]["platforms"]
    )
    for s in concise:
        alloc, used = by_platform.get((s["pool"], s["platform"]), ((0,) * 4, (0,) * 4))
        assert tuple(s["allocatable_fields"][f] for f in FIELDS) == alloc
        assert tuple(s["usage_fields"][f] for f in FIELDS) == used

    total: Counter[str] = Counter()
    listed = [p for ns in quota["node_sets"] for p in ns["pools"]]
    assert [p["name"] for p in listed] == sorted(configs)
    for p in listed:
        usage = {k: int(v) for k, v in p["resource_usage"].items()}
        total.update(usage)
        assert usage["total_capacity"] == gpus[p["name"]]["capacity"]
        assert usage["total_free"] == gpus[p["name"]]["capacity"] - gpus[p["name"]]["usage"]
        assert 0 <= usage["quota_used"] <= usage["total_usage"] <= usage["total_capacity"]
        assert usage["quota_free"] == usage["quota_limit"] - usage["quota_used"] >= 0
        guarantee = configs[p["name"]]["resources"]["gpu"]["guarantee"]
        assert usage["quota_limit"] == (usage["total_capacity"] if guarantee == -1 else guarantee)
        assert usage["quota_limit"] <= usage["total_capacity"]
        assert {k: v for k, v in p.items() if k != "resource_usage"} == configs[p["name"]]
    assert {k: int(v) for k, v in quota["resource_sum"].items()} == dict(total)


def test_pool_status_shows_on_its_nodes(cluster: TestClient) -> None:
    configs = cluster.get(POOL).json()["pools"]
    statuses = Counter(p["status"] for p in configs.values())
    assert set(statuses) == {"ONLINE", "OFFLINE", "MAINTENANCE"}
    assert statuses["ONLINE"] > len(configs) / 2
    concise = cluster.get(RESOURCES, params={"concise": "true"}).json()["pools"]
    assert all(s["status"] == configs[s["pool"]]["status"] for s in concise)
    for n in cluster.get(RESOURCES).json()["resources"]:
        pool = configs[platform_of(n)[0]]
        assert pool["enable_maintenance"] == (pool["status"] == "MAINTENANCE")
        taints = {t["key"] for t in n["taints"]}
        if pool["status"] == "ONLINE":
            assert "Ready" in n["conditions"]
            continue
        assert in_units(n["usage_fields"]) == (0, 0, 0, 0), n["hostname"]
        if pool["status"] == "OFFLINE":
            assert n["conditions"] == ["NotReady"]
            assert "node.kubernetes.io/unreachable" in taints
        else:
            assert "SchedulingDisabled" in n["conditions"]
            assert "node.kubernetes.io/unschedulable" in taints


def test_hardware_is_realistic_and_follows_the_pool_gpu(cluster: TestClient) -> None:
    configs = cluster.get(POOL).json()["pools"]
    for n in cluster.get(RESOURCES).json()["resources"]:
        pool, platform = platform_of(n)
        config = configs[pool]
        storage, cpu, memory, gpu = in_units(n["allocatable_fields"])
        exposed = n["exposed_fields"]
        assert exposed["node"] == n["hostname"] and exposed["pool/platform"] == [f"{pool}/{platform}"]
        assert (exposed["storage"], exposed["cpu"], exposed["memory"], exposed["gpu"]) == tuple(
            map(str, (storage, cpu, memory, gpu))
        )
        assert 64 <= cpu <= 256 and 256 <= memory <= 2048 and storage > 500
        assert n["backend"] == config["backend"] and n["resource_type"] == "RESERVED"
        assert platform in config["platforms"]
        if platform == config["default_platform"]:
            assert gpu in (4, 8)
            family = pool.split("-")[-2].upper()
            assert family in config["platforms"][platform]["description"]
            assert {"key": "nvidia.com/gpu", "value": "present", "effect": "NoSchedule"} in n["taints"]
        else:
            assert gpu == 0


def test_workflow_pools_and_task_nodes_exist() -> None:
    with client_for(11, workflows=400, pools=25, resources=20) as c:
        pools = c.get(POOL).json()["pools"]
        listed = c.get("/api/workflow", params={"all_users": "true", "limit": 200}).json()["workflows"]
        assert len(listed) == 200
        assert {w["pool"] for w in listed} <= set(pools)
        checked = 0
        for w in listed[:60]:
            detail = c.get(f"/api/workflow/{w['name']}").json()
            for task in (t for g in detail["groups"] for t in g["tasks"] if t["node_name"]):
                found = c.get(f"{RESOURCES}/{task['node_name']}")
                assert found.status_code == 200, task["node_name"]
                (entry,) = found.json()["resources"]
                assert list(entry["pool_platform_labels"]) == [w["pool"]]
                assert entry["backend"] == detail["backend"] == pools[w["pool"]]["backend"]
                checked += 1
        assert checked > 20


def test_filters(cluster: TestClient) -> None:
    names = sorted(cluster.get(POOL).json()["pools"])
    everything = cluster.get(RESOURCES).json()["resources"]
    chosen = [names[3], names[0]]

    assert sorted(cluster.get(POOL, params={"pools": chosen}).json()["pools"]) == sorted(chosen)
    quota = cluster.get(QUOTA, params={"pools": chosen}).json()
    assert [p["name"] for ns in quota["node_sets"] for p in ns["pools"]] == sorted(chosen)

    def pools_of(response: Any) -> set[str]:
        return {platform_of(n)[0] for n in response.json()["resources"]}

    assert pools_of(cluster.get(RESOURCES, params={"pools": chosen})) == set(chosen)
    assert cluster.get(RESOURCES, params={"pools": chosen}).json()["resources"] == [
        n for n in everything if platform_of(n)[0] in chosen
    ]
    # all_pools wins over pools; without both, the allowed-pools header decides, else every pool
    assert cluster.get(RESOURCES, params={"pools": chosen, "all_pools": "true"}).json()["resources"] == everything
    header = {"x-osmo-allowed-pools": f" {names[5]},{names[7]} ,"}
    assert pools_of(cluster.get(RESOURCES, headers=header)) == {names[5], names[7]}
    assert pools_of(cluster.get(RESOURCES, params={"pools": [names[1]]}, headers=header)) == {names[1]}
    assert cluster.get(RESOURCES, headers={"x-osmo-allowed-pools": ""}).json()["resources"] == everything

    # platforms apply only together with pools
    platform = platform_of(everything[0])[1]
    assert cluster.get(RESOURCES, params={"platforms": ["no-such-platform"]}).json()["resources"] == everything
    narrowed = cluster.get(RESOURCES, params={"pools": names, "platforms": [platform]}).json()["resources"]
    assert narrowed == [n for n in everything if platform_of(n)[1] == platform]
    summary = cluster.get(RESOURCES, params={"pools": names, "platforms": [platform], "concise": "true"}).json()
    assert {s["platform"] for s in summary["pools"]} == {platform}
    configs = cluster.get(POOL).json()["pools"]
    assert [s["pool"] for s in summary["pools"]] == [p for p in names if platform in configs[p]["platforms"]]

    # the full list is in the real order: backend, then hostname
    assert [(n["backend"], n["hostname"]) for n in everything] == sorted(
        (n["backend"], n["hostname"]) for n in everything
    )


def test_unknown_pools_and_nodes(cluster: TestClient) -> None:
    name = sorted(cluster.get(POOL).json()["pools"])[0]
    assert cluster.get(POOL, params={"pools": ["no-such-pool"]}).json() == {"pools": {}}
    assert cluster.get(QUOTA, params={"pools": ["no-such-pool"]}).json() == {
        "node_sets": [],
        "resource_sum": dict.fromkeys(
            ("quota_used", "quota_free", "quota_limit", "total_usage", "total_capacity", "total_free"), "0"
        ),
    }
    assert cluster.get(RESOURCES, params={"pools": ["no-such-pool"]}).json() == {"resources": []}
    assert cluster.get(RESOURCES, params={"pools": ["no-such-pool"], "concise": "true"}).json() == {"pools": []}
    assert cluster.get(RESOURCES, headers={"x-osmo-allowed-pools": "no-such-pool"}).json() == {"resources": []}
    assert list(cluster.get(POOL, params={"pools": ["no-such-pool", name]}).json()["pools"]) == [name]

    assert cluster.get(f"{RESOURCES}/{name}-n007").status_code == 200
    for missing in ("no-such-node", f"{name}-n008", f"{name}-n0007", f"{name}-n", f"{name}-n-1", "nowhere-n001"):
        response = cluster.get(f"{RESOURCES}/{missing}")
        assert response.status_code == 404, missing
        assert response.json()["detail"] == f"Resource {missing} does not exist!"


def test_one_node_of_a_huge_cluster_is_built_alone() -> None:
    with client_for(2, pools=10, resources=10**12) as c:
        assert c.get(f"{RESOURCES}/placeholder").status_code == 404
        name = c.get("/api/workflow", params={"all_users": "true", "limit": 1}).json()["workflows"][0]["pool"]
        last = f"{name}-n{10**12 - 1}"
        (entry,) = c.get(f"{RESOURCES}/{last}").json()["resources"]
        assert entry["hostname"] == last and list(entry["pool_platform_labels"]) == [name]
        assert c.get(f"{RESOURCES}/{name}-n{10**12}").status_code == 404


def test_same_seed_same_bytes_other_seed_other_data() -> None:
    urls = [POOL, QUOTA, RESOURCES, f"{RESOURCES}?concise=true"]
    with client_for(8, pools=6, resources=5) as a, client_for(8, pools=6, resources=5) as b:
        first = [a.get(u).content for u in urls]
        assert first == [b.get(u).content for u in urls]
        node = a.get(RESOURCES).json()["resources"][3]["hostname"]
        assert a.get(f"{RESOURCES}/{node}").content == b.get(f"{RESOURCES}/{node}").content
    with client_for(9, pools=6, resources=5) as other:
        assert all(x != other.get(u).content for x, u in zip(first, urls, strict=True))
