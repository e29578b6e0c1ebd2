"""Pool, pool quota and resource (node) endpoints of specs/osmo.yaml.

Which pools an answer covers, as the real service decides it:

- /api/pool and /api/pool_quota: the pools named in `pools` (unknown names match nothing), else
  every pool. `all_pools=false` would narrow to the pools the user may access; the mock has no
  access control, so that is every pool too.
- /api/resources: `pools` when given; `all_pools=true` means every pool (and wins over `pools`);
  with neither, the pools listed in the `x-osmo-allowed-pools` header (comma-separated), and with
  no header every pool, as the real service's unfiltered query does. `platforms` only applies
  together with `pools`, as in the real service. `concise=true` answers one summary per
  pool/platform (PoolResourcesResponse) instead of one entry per node, in the real order: nodes
  by backend then hostname; summaries by pool then platform.

Numbers follow the real service's units: node fields are Kubernetes quantities (memory in Ki,
ephemeral storage in bytes); the concise view and exposed fields are GiB, cores and GPUs. The
pool quota's totals are the sums over the listed pools (the real service adds every node's
capacity to `resource_sum` even when `pools` narrows the list; here the sums always add up).
`label_fields` is null, as the real service sends it outside its internal verbose mode.
"""

from __future__ import annotations

from typing import Any

from specmock.generators import Context, ProblemError
from specmock_apis.generated.osmo.models import BackendResourceType, DownloadType, PoolStatus
from specmock_apis.osmo import generators
from specmock_apis.osmo.data import catalog
from specmock_apis.osmo.data.pools import (
    NOTHING,
    Node,
    Pool,
    Quantities,
    find_node,
    find_pool,
    gpu_quota,
    node,
    pool_totals,
    pools,
)

KI_PER_GI = 1024 * 1024
BYTES_PER_GI = 1024**3
KUBE_LABELS = ("ephemeral-storage", "cpu", "memory", "nvidia.com/gpu")  # system pods are reported under these
STORAGE_MOUNTS = ("/mnt/datasets", "/mnt/checkpoints", "/lustre/scratch")


def chosen_pools(ctx: Context, names: list[str] | None) -> list[Pool]:
    """The named pools that exist, in name order; every pool when no name is given."""
    if names is None:
        return pools(ctx)
    found = (find_pool(ctx, name) for name in sorted(dict.fromkeys(names)))
    return [p for p in found if p is not None]


def _platform(p: Pool, platform: str) -> dict[str, Any]:
    hw = p.hardware_of(platform)
    gpu = hw.gpus > 0
    return {
        "description": hw.description,
        "host_network_allowed": gpu and p.kind in ("train", "pretrain", "research"),
        "privileged_allowed": False,
        "allowed_mounts": list(STORAGE_MOUNTS),
        "default_mounts": [STORAGE_MOUNTS[0]] if gpu else [],
    }


def pool_config(ctx: Context, p: Pool) -> dict[str, Any]:
    """A pool as /api/pool shows it (PoolMinimal)."""
    topology = [{"key": "zone", "label": "topology.kubernetes.io/zone"}]
    if p.hardware.platform.startswith("dgx-"):
        topology.append({"key": "nvlink", "label": "nvidia.com/gpu.clique"})
    site = p.name.split(f"-{p.kind}-")[0]
    dev = p.kind == "dev"
    return {
        "name": p.name,
        "description": f"{p.gpu_type} nodes for {p.kind} workflows in {site}",
        "status": p.status.value,
        "download_type": DownloadType.download.value,
        "enable_maintenance": p.status == PoolStatus.MAINTENANCE,
        "backend": p.backend,
        "default_platform": p.platforms[0],
        "default_exec_timeout": "24h",
        "default_queue_timeout": "1h",
        "max_exec_timeout": "24h" if dev else "7d",
        "max_queue_timeout": "1d",
        "default_exit_actions": {},
        "resources": {"gpu": gpu_quota(p, pool_totals(ctx, p))},
        "topology_keys": topology,
        "platforms": {name: _platform(p, name) for name in p.platforms},
    }


@generators.operation("get_pools_api_pool_get")
def get_pools(ctx: Context) -> dict[str, Any]:
    """GET /api/pool: the pools, keyed by name."""
    return {"pools": {p.name: pool_config(ctx, p) for p in chosen_pools(ctx, ctx.params.get("pools"))}}


def _usage(ctx: Context, p: Pool) -> dict[str, int]:
    t = pool_totals(ctx, p)
    quota = gpu_quota(p, t)
    limit = t.allocatable.gpu if quota["guarantee"] == -1 else quota["guarantee"]
    return {
        "quota_used": t.protected_gpus,
        "quota_free": limit - t.protected_gpus,
        "quota_limit": limit,
        "total_usage": t.usage.gpu,
        "total_capacity": t.allocatable.gpu,
        "total_free": t.allocatable.gpu - t.usage.gpu - t.non_workflow.gpu,
    }


@generators.operation("get_pool_quotas_api_pool_quota_get")
def get_pool_quotas(ctx: Context) -> dict[str, Any]:
    """GET /api/pool_quota: GPU quota and capacity per pool (one node set each) and their sums."""
    node_sets = []
    total = dict.fromkeys(("quota_used", "quota_free", "quota_limit", "total_usage", "total_capacity", "total_free"), 0)
    for p in chosen_pools(ctx, ctx.params.get("pools")):
        usage = _usage(ctx, p)
        for key, value in usage.items():
            total[key] += value
        entry = {**pool_config(ctx, p), "resource_usage": {k: str(v) for k, v in usage.items()}}
        node_sets.append({"pools": [entry]})
    return {"node_sets": node_sets, "resource_sum": {k: str(v) for k, v in total.items()}}


def resource_pools(ctx: Context) -> list[Pool]:
    """The pools /api/resources covers (see the module docstring)."""
    p = ctx.params
    if p.get("all_pools"):
        return pools(ctx)
    if p.get("pools"):
        return chosen_pools(ctx, p["pools"])
    allowed = [name.strip() for name in (p.get("x-osmo-allowed-pools") or "").split(",") if name.strip()]
    return chosen_pools(ctx, allowed or None)


def _kube(q: Quantities) -> dict[str, Any]:
    """Kubernetes-style values, under OSMO's names (storage, cpu, memory, gpu)."""
    return {"storage": q.storage * BYTES_PER_GI, "cpu": q.cpu, "memory": f"{q.memory * KI_PER_GI}Ki", "gpu": q.gpu}


def _text(fields: dict[str, Any]) -> dict[str, str]:
    return {k: str(v) for k, v in fields.items()}


def resource_entry(p: Pool, n: Node) -> dict[str, Any]:
    """One node (ResourcesEntry), as the real service fills it for the resources list."""

    def by_platform(q: Quantities) -> dict[str, Any]:
        return {p.name: {n.platform: _kube(q)}}

    taints = [{"key": key, "effect": effect} for key, effect in n.state.taints]
    if n.allocatable.gpu:
        taints.append({"key": "nvidia.com/gpu", "value": "present", "effect": "NoSchedule"})
    a = n.allocatable
    conf = _platform(p, n.platform)
    return {
        "hostname": n.name,
        "exposed_fields": {
            "node": n.name,
            "pool/platform": [f"{p.name}/{n.platform}"],
            "storage": str(a.storage),
            "cpu": str(a.cpu),
            "memory": str(a.memory),
            "gpu": str(a.gpu),
        },
        "taints": taints,
        "usage_fields": _text(_kube(n.usage)),
        "conditions": list(n.state.conditions),
        "non_workflow_usage_fields": _text(dict(zip(KUBE_LABELS, _kube(n.non_workflow).values(), strict=True))),
        "allocatable_fields": _text(_kube(a)),
        "platform_allocatable_fields": by_platform(n.platform_allocatable),
        "platform_available_fields": by_platform(n.available),
        "platform_workflow_allocatable_fields": by_platform(n.workflow_allocatable),
        "config_fields": {
            p.name: {
                n.platform: {
                    "host_network": conf["host_network_allowed"],
                    "privileged": conf["privileged_allowed"],
                    "default_mounts": conf["default_mounts"],
                    "allowed_mounts": conf["allowed_mounts"],
                }
            }
        },
        "backend": p.backend,
        "label_fields": None,
        "pool_platform_labels": {p.name: [n.platform]},
        "resource_type": BackendResourceType.RESERVED.value,
    }


def _platform_filter(ctx: Context) -> list[str] | None:
    """The platforms asked for; None when they do not apply (only together with `pools`)."""
    return (ctx.params.get("platforms") or None) if ctx.params.get("pools") else None


def _summary(p: Pool, platform: str, allocatable: Quantities, usage: Quantities) -> dict[str, Any]:
    """One pool/platform of the concise view (PoolResourcesEntry): sums in GiB, cores and GPUs."""
    return {
        "pool": p.name,
        "platform": platform,
        "status": p.status.value,
        "usage_fields": usage._asdict(),
        "allocatable_fields": allocatable._asdict(),
        "backend": p.backend,
    }


@generators.operation("get_resources_api_resources_get")
def get_resources(ctx: Context) -> dict[str, Any]:
    """GET /api/resources: every node of the chosen pools, or with `concise` one sum per pool/platform."""
    chosen = resource_pools(ctx)
    platforms = _platform_filter(ctx)
    if ctx.params.get("concise"):
        summaries = []
        for p in chosen:
            sums = pool_totals(ctx, p).platforms
            for platform in sorted(p.platforms):
                if platforms is None or platform in platforms:
                    summaries.append(_summary(p, platform, *sums.get(platform, (NOTHING, NOTHING))))
        return {"pools": summaries}
    # Only names are sorted up front; each node is built when its entry is written.
    count = catalog.nodes_per_pool(ctx)
    order = sorted((p.backend, catalog.node_name(p.name, i), k, i) for k, p in enumerate(chosen) for i in range(count))
    entries = []
    for _, _, k, index in order:
        n = node(ctx.seed, chosen[k], index)
        if platforms is None or n.platform in platforms:
            entries.append(resource_entry(chosen[k], n))
    return {"resources": entries}


@generators.operation("get_one_resource_api_resources__name__get")
def get_one_resource(ctx: Context) -> dict[str, Any]:
    """GET /api/resources/{name}: one node, or the 404 the real service answers."""
    name = ctx.params["name"]
    n = find_node(ctx, name)
    if n is None:
        raise ProblemError(404, f"Resource {name} does not exist!")
    p = find_pool(ctx, n.pool)
    assert p is not None  # find_node found the node in this pool
    return {"resources": [resource_entry(p, n)]}
