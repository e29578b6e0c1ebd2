"""OSMO pools and their nodes: pure functions of (seed, pool name, node index).

A pool's GPU model comes from its name (`catalog.gpu_type`); its status, platforms and quota from
`generators.rng(seed, "pool", name)`; node i from `generators.rng(seed, "node", name, i)`. Node
quantities are whole GiB, cores and GPUs, so every sum (node -> pool/platform -> pool -> all pools)
is exact. Each node belongs to one pool and one platform of it (resource type RESERVED), so pools
never share capacity. A pool's totals are computed once per (seed, pool, nodes per pool) and
cached; building one node never builds the others.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import NamedTuple

from specmock.generators import Context, Rng, exhaustive
from specmock_apis.generated.osmo.models import PoolStatus
from specmock_apis.osmo import generators
from specmock_apis.osmo.data import catalog
from specmock_apis.osmo.data.distributions import POOL_STATUS_WEIGHTS


class Quantities(NamedTuple):
    """Storage (GiB), CPU (cores), memory (GiB) and GPUs, in the order OSMO lists them."""

    storage: int
    cpu: int
    memory: int
    gpu: int

    def plus(self, other: Quantities) -> Quantities:
        """The sum, field by field."""
        return Quantities(*(a + b for a, b in zip(self, other, strict=True)))

    def minus(self, other: Quantities) -> Quantities:
        """The difference, field by field, never below zero (as Kubernetes reports it)."""
        return Quantities(*(max(0, a - b) for a, b in zip(self, other, strict=True)))


NOTHING = Quantities(0, 0, 0, 0)
# What the real service subtracts per pool/platform for the osmo-ctrl sidecar (its default
# requests: 250m CPU truncated to a whole core, 1Gi memory, 3Gi ephemeral storage).
CTRL = Quantities(storage=3, cpu=1, memory=1, gpu=0)


@dataclass(frozen=True)
class Hardware:
    """A platform: the kind of node it runs on."""

    platform: str
    description: str
    gpus: int
    cpus: int  # hardware threads
    memory: int  # GiB
    storage: int  # GiB of local disk for ephemeral storage


HARDWARE = {
    "A100-80GB": Hardware("dgx-a100", "NVIDIA DGX A100, 8x A100 80GB", 8, 256, 2048, 1750),
    "H100-80GB": Hardware("dgx-h100", "NVIDIA DGX H100, 8x H100 80GB", 8, 224, 2048, 1750),
    "L40S": Hardware("ovx-l40s", "NVIDIA OVX server, 4x L40S 48GB", 4, 128, 1024, 3500),
    "A10G": Hardware("g5-24xlarge", "AWS g5.24xlarge, 4x A10G 24GB", 4, 96, 384, 3800),
    "V100-32GB": Hardware("dgx1-v100", "NVIDIA DGX-1, 8x V100 32GB", 8, 80, 512, 7000),
}
CPU_HARDWARE = Hardware("cpu-x86", "CPU-only nodes for data preparation", 0, 192, 768, 900)


@dataclass(frozen=True)
class NodeState:
    """How a pool's status shows on its nodes."""

    conditions: tuple[str, ...]
    taints: tuple[tuple[str, str], ...]  # (key, effect)
    runs_workflows: bool  # workflow pods are scheduled and use resources
    runs_daemons: bool  # system pods (GPU operator, monitoring) report usage


UNSCHEDULABLE = ("node.kubernetes.io/unschedulable", "NoSchedule")
NODE_STATES = exhaustive(
    PoolStatus,
    {
        PoolStatus.ONLINE: NodeState(("Ready",), (), runs_workflows=True, runs_daemons=True),
        PoolStatus.OFFLINE: NodeState(
            ("NotReady",),
            (("node.kubernetes.io/unreachable", "NoSchedule"), ("node.kubernetes.io/unreachable", "NoExecute")),
            runs_workflows=False,
            runs_daemons=False,
        ),
        PoolStatus.MAINTENANCE: NodeState(
            ("Ready", "SchedulingDisabled"),
            (UNSCHEDULABLE, ("osmo.nvidia.com/maintenance", "NoSchedule")),
            runs_workflows=False,
            runs_daemons=True,
        ),
    },
)
CORDONED = NodeState(("Ready", "SchedulingDisabled"), (UNSCHEDULABLE,), runs_workflows=True, runs_daemons=True)


@dataclass(frozen=True)
class Pool:
    """One pool: where it runs, its status, its platforms and its GPU quota policy."""

    name: str
    status: PoolStatus
    backend: str
    kind: str
    gpu_type: str
    hardware: Hardware
    cpu_platform: bool  # a second platform of CPU-only nodes
    guarantee_share: float | None  # GPU guarantee as a share of capacity; None: no guarantee (-1)
    capped: bool  # maximum = capacity rather than -1 (no limit)
    weight: int
    protected_share: float  # share of busy GPUs held by non-preemptible (HIGH/NORMAL) workflows

    @property
    def platforms(self) -> tuple[str, ...]:
        """Platform names, the default first."""
        return (self.hardware.platform, CPU_HARDWARE.platform) if self.cpu_platform else (self.hardware.platform,)

    def hardware_of(self, platform: str) -> Hardware:
        """The hardware of one of this pool's platforms."""
        return CPU_HARDWARE if platform == CPU_HARDWARE.platform else self.hardware


@dataclass(frozen=True)
class Node:
    """One Kubernetes node of a pool."""

    pool: str
    index: int
    name: str
    platform: str
    state: NodeState
    allocatable: Quantities  # what Kubernetes reports as allocatable
    non_workflow: Quantities  # system pods
    usage: Quantities  # workflow pods
    protected_gpus: int  # of usage.gpu, held by non-preemptible workflows: counts against the quota

    @property
    def platform_allocatable(self) -> Quantities:
        """Allocatable for a task of this pool/platform: minus the osmo-ctrl sidecar."""
        return self.allocatable.minus(CTRL)

    @property
    def workflow_allocatable(self) -> Quantities:
        """Allocatable for workflows: minus osmo-ctrl and the system pods."""
        return self.platform_allocatable.minus(self.non_workflow)

    @property
    def available(self) -> Quantities:
        """What is still free for a new task."""
        return self.platform_allocatable.minus(self.usage)


def backend_of(pool: str) -> str:
    """The backend (cluster) a pool runs on: its name without the number, as the workflow detail shows."""
    return pool.rsplit("-", 1)[0]


@generators.memo(maxsize=256)
def pool(seed: int, name: str) -> Pool:
    """The pool of this name (which must be one of the catalog's)."""
    rng = generators.rng(seed, "pool", name)
    gpu_type = catalog.gpu_type(name)
    share = rng.choice((None, 0.25, 0.5, 0.75, 1.0), "guarantee")
    return Pool(
        name=name,
        status=rng.weighted(list(POOL_STATUS_WEIGHTS.items()), "status"),
        backend=backend_of(name),
        kind=name.split("-")[-3],
        gpu_type=gpu_type,
        hardware=HARDWARE[gpu_type],
        cpu_platform=rng.chance(0.3, "cpu_platform"),
        guarantee_share=share,
        capped=rng.chance(0.4, "capped"),
        weight=rng.choice((1, 1, 1, 2, 4), "weight"),
        protected_share=(share or 1.0) * rng.uniform(0.5, 1.0, "protected"),
    )


@generators.memo(maxsize=16)  # per seed and volume
def _pool_index(seed: int, total: int) -> dict[str, int]:
    return {name: i for i, name in enumerate(catalog.pool_names(seed, total))}


def pools(ctx: Context) -> list[Pool]:
    """Every pool of this request's seed and volume, in name order."""
    return [pool(ctx.seed, name) for name in sorted(catalog.pools(ctx))]


def find_pool(ctx: Context, name: str) -> Pool | None:
    """The pool of this name, or None when the catalog has none."""
    if name not in _pool_index(ctx.seed, len(catalog.pools(ctx))):
        return None
    return pool(ctx.seed, name)


def node(seed: int, p: Pool, index: int) -> Node:
    """Node `index` of pool `p`: hardware from its platform, usage from the pool's status."""
    rng = generators.rng(seed, "node", p.name, index)
    platform = CPU_HARDWARE.platform if p.cpu_platform and index > 0 and rng.chance(0.15, "cpu") else p.platforms[0]
    hw = p.hardware_of(platform)
    state = NODE_STATES[p.status]
    if p.status == PoolStatus.ONLINE and rng.chance(0.03, "cordoned"):
        state = CORDONED
    allocatable = Quantities(
        storage=hw.storage * 92 // 100,  # the kubelet keeps the rest for images and logs
        cpu=hw.cpus - 2,
        memory=hw.memory - rng.integer(4, 16, "reserved_memory"),
        gpu=hw.gpus,
    )
    daemons = NOTHING
    if state.runs_daemons:
        daemons = Quantities(
            storage=rng.integer(0, 20, "daemon_storage"),
            cpu=rng.integer(1, 4, "daemon_cpu"),
            memory=rng.integer(2, 12, "daemon_memory"),
            gpu=0,
        )
    usage = _usage(rng, allocatable.minus(CTRL).minus(daemons)) if state.runs_workflows else NOTHING
    protected = math.floor(usage.gpu * p.protected_share)
    name = catalog.node_name(p.name, index)
    return Node(p.name, index, name, platform, state, allocatable, daemons, usage, protected)


def _usage(rng: Rng, room: Quantities) -> Quantities:
    """Workflow usage that fits in `room`: GPUs busy in whole tasks, the rest roughly in proportion."""
    if room.gpu:
        partly = rng.integer(1, room.gpu - 1, "partial_gpu") if room.gpu > 1 else room.gpu
        gpu = rng.weighted(((room.gpu, 45.0), (0, 20.0), (partly, 35.0)), "gpu")
        share = gpu / room.gpu
    else:
        gpu = 0
        share = rng.weighted(((0.0, 2.0), (1.0, 3.0), (rng.uniform(0.1, 0.9, "partial_share"), 5.0)), "share")

    def part(total: int, label: str, low: float, high: float) -> int:
        return min(total, int(total * share * rng.uniform(low, high, label)))

    return Quantities(
        storage=part(room.storage, "storage", 0.05, 0.5),
        cpu=part(room.cpu, "cpu", 0.5, 1.0),
        memory=part(room.memory, "memory", 0.4, 1.0),
        gpu=gpu,
    )


@dataclass(frozen=True)
class Totals:
    """A pool's sums over its nodes: per platform (platform allocatable, usage), and for the pool."""

    platforms: dict[str, tuple[Quantities, Quantities]]
    allocatable: Quantities
    usage: Quantities
    non_workflow: Quantities
    protected_gpus: int


@generators.memo(maxsize=256)
def totals(seed: int, p: Pool, nodes: int) -> Totals:
    """The sums over the pool's `nodes` nodes (built one at a time, never kept)."""
    platforms = {name: (NOTHING, NOTHING) for name in p.platforms}
    allocatable = usage = non_workflow = NOTHING
    protected = 0
    for index in range(nodes):
        n = node(seed, p, index)
        alloc, used = platforms[n.platform]
        platforms[n.platform] = (alloc.plus(n.platform_allocatable), used.plus(n.usage))
        allocatable, usage = allocatable.plus(n.allocatable), usage.plus(n.usage)
        non_workflow = non_workflow.plus(n.non_workflow)
        protected += n.protected_gpus
    return Totals(platforms, allocatable, usage, non_workflow, protected)


def pool_totals(ctx: Context, p: Pool) -> Totals:
    """The totals of a pool for this request's seed and volume."""
    return totals(ctx.seed, p, catalog.nodes_per_pool(ctx))


def gpu_quota(p: Pool, t: Totals) -> dict[str, int]:
    """PoolResourceCountable: the guarantee covers every protected GPU; -1 means no limit."""
    capacity = t.allocatable.gpu
    guarantee = -1 if p.guarantee_share is None else math.ceil(p.guarantee_share * capacity)
    return {"guarantee": guarantee, "maximum": capacity if p.capped else -1, "weight": p.weight}


def find_node(ctx: Context, name: str) -> Node | None:
    """The node of this name (`<pool>-n<index>`), or None: O(1), whatever the volumes."""
    pool_name, sep, digits = name.rpartition("-n")
    if not sep or not digits.isascii() or not digits.isdigit():
        return None
    p = find_pool(ctx, pool_name)
    index = int(digits)
    if p is None or index >= catalog.nodes_per_pool(ctx) or catalog.node_name(pool_name, index) != name:
        return None
    return node(ctx.seed, p, index)
