"""The names every OSMO endpoint shares: users, pools, tags, GPU types.

Workflows refer to users, pools and tags, and /api/users, /api/pool and /api/tag list them, so
both sides draw from here. Every name is a pure function of (seed, index); lookups by name go
through a small cached table, never a scan of a collection.
"""

from __future__ import annotations

from specmock.generators import Context, values
from specmock_apis.osmo import generators

POOLS = generators.collection("pools", default=50, low=10, high=200)
USERS = generators.collection("users", default=40, low=10, high=400)
NODES = generators.collection("resources", default=50, low=10, high=200)  # nodes per pool

CURRENT_USER = "dev.user"  # who the UI is signed in as when no x-osmo-user header is sent
TAGS = ("baseline", "ablation", "nightly", "release", "debug", "sweep", "long-run", "eval", "finetune", "pretrain")
GPU_TYPES = ("A100-80GB", "H100-80GB", "L40S", "A10G", "V100-32GB")
POOL_KINDS = ("train", "infer", "dev", "eval", "batch", "research")
SITES = ("us-west", "us-east", "eu-central", "ap-south")


@generators.memo(maxsize=16)  # per seed and volume: each Prefer: seed=N would otherwise stay
def user_names(seed: int, total: int) -> tuple[str, ...]:
    """The users: the signed-in developer first, then `total - 1` distinct logins."""
    rng = generators.rng(seed, "users")
    names = [CURRENT_USER]
    attempt = 0
    while len(names) < total:
        name = values.user_name(rng, f"user.{attempt}")
        attempt += 1
        if name not in names:
            names.append(name)
    return tuple(names)


@generators.memo(maxsize=16)
def pool_names(seed: int, total: int) -> tuple[str, ...]:
    """The pools, e.g. `us-west-train-a100-3`: site, purpose, GPU family and a number."""
    rng = generators.rng(seed, "pools")
    names = []
    for index in range(total):
        site = rng.choice(SITES, "site", index)
        kind = rng.choice(POOL_KINDS, "kind", index)
        gpu = rng.choice(GPU_TYPES, "gpu", index).split("-")[0].lower()
        names.append(f"{site}-{kind}-{gpu}-{index}")
    return tuple(names)


def users(ctx: Context) -> tuple[str, ...]:
    """The users of this request's seed and volume."""
    return user_names(ctx.seed, max(1, USERS.total(ctx)))


def pools(ctx: Context) -> tuple[str, ...]:
    """The pools of this request's seed and volume."""
    return pool_names(ctx.seed, max(1, POOLS.total(ctx)))


def gpu_type(pool: str) -> str:
    """The GPU model a pool's nodes carry, read back from its name."""
    family = pool.split("-")[-2].upper()
    return next(g for g in GPU_TYPES if g.startswith(family))


def nodes_per_pool(ctx: Context) -> int:
    """How many nodes (resources) each pool has for this request's volume."""
    return max(1, NODES.total(ctx))


def node_name(pool: str, index: int) -> str:
    """Node `index` of a pool, e.g. `us-west-train-a100-3-n007`: tasks and /api/resources agree on it."""
    return f"{pool}-n{index:03d}"
