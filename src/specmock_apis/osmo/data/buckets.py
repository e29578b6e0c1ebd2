"""OSMO dataset buckets: names, storage URIs and the https links the service shows for them.

Bucket i is a pure function of (seed, i). Its name is a team or purpose stem, with a round
number after the first round of stems (`robotics`, ..., `robotics-2`), so a name maps back to
its index in O(1). Bucket 0 is the deployment's default bucket. URIs and links follow the real
storage backends: s3://bucket/path, gs://bucket/path, swift://host/AUTH_namespace/container/path
and azure://account/container/path.
"""

from __future__ import annotations

from dataclasses import dataclass

from specmock.generators import Context
from specmock_apis.osmo import generators

BUCKETS = generators.collection("buckets", default=50, low=10, high=200)

STEMS = (
    "production",
    "staging",
    "research",
    "robotics",
    "ml-research",
    "autonomy",
    "perception",
    "simulation",
    "speech",
    "nlp",
    "vision",
    "healthcare",
    "climate",
    "genai",
    "archive",
    "benchmarks",
    "sandbox",
    "shared",
    "evaluation",
    "synthetic",
)
SCHEMES = (("s3", 55.0), ("gs", 15.0), ("swift", 20.0), ("azure", 10.0))
S3_REGIONS = ("us-west-2", "us-east-1", "eu-west-1")
SWIFT_HOSTS = ("pdx.s8k.io", "sjc.s8k.io")
PURPOSES = (
    "Datasets of the {team} team",
    "Training data for {team} workflows",
    "Curated {team} datasets, shared across teams",
    "{team} datasets and their versions",
)


@dataclass(frozen=True)
class Bucket:
    """One bucket as the dataset config holds it."""

    index: int
    name: str
    scheme: str
    path: str  # the dataset_path: where this bucket's datasets live
    region: str
    description: str
    mode: str
    default_cred: bool
    retention_days: int  # how long unused dataset versions are kept

    def link(self, uri: str) -> str:
        """The https link the service shows for a URI inside this bucket (parse_uri_to_link)."""
        rest = uri.split("://", 1)[1]
        if self.scheme == "s3":
            container, _, path = rest.partition("/")
            return f"https://{container}.s3.{self.region}.amazonaws.com/{path}".rstrip("/")
        if self.scheme == "gs":
            container, _, path = rest.partition("/")
            return f"https://storage.googleapis.com/storage/v1/b/{container}/o/{path}".rstrip("/")
        if self.scheme == "swift":
            host, namespace, container, *inside = rest.split("/", 3)
            return f"https://{host}/v1/{namespace}/{container}/{''.join(inside)}".rstrip("/")
        account, _, path = rest.partition("/")
        return f"https://{account}.blob.core.windows.net/{path}".rstrip("/")


@generators.memo(maxsize=16)  # per seed: each Prefer: seed=N would otherwise stay
def _stems(seed: int) -> tuple[str, ...]:
    return tuple(generators.rng(seed, "bucket-stems").shuffled(STEMS, "order"))


def bucket_name(seed: int, index: int) -> str:
    """The name of bucket `index`: a stem, numbered from the second round of stems on."""
    stems = _stems(seed)
    rounds, position = divmod(index, len(stems))
    return stems[position] if rounds == 0 else f"{stems[position]}-{rounds + 1}"


def bucket_index(seed: int, name: str) -> int | None:
    """The index a bucket name stands for, or None when no bucket can have it."""
    stem, rounds = name, 0
    head, _, tail = name.rpartition("-")
    if head and tail.isdigit() and tail.isascii() and not tail.startswith("0") and int(tail) >= 2:
        stem, rounds = head, int(tail) - 1
    stems = _stems(seed)
    if stem not in stems:
        return None
    return rounds * len(stems) + stems.index(stem)


@generators.memo(maxsize=4096)
def build(seed: int, index: int) -> Bucket:
    """Bucket `index` of a seed."""
    rng = generators.rng(seed, "bucket", index)
    name = bucket_name(seed, index)
    scheme = rng.weighted(SCHEMES, "scheme")
    region = rng.choice(S3_REGIONS, "region") if scheme == "s3" else "us-central1" if scheme == "gs" else ""
    if scheme in ("s3", "gs"):
        path = f"{scheme}://osmo-{name}-datasets"
    elif scheme == "swift":
        path = f"swift://{rng.choice(SWIFT_HOSTS, 'host')}/AUTH_team-{name}/datasets"
    else:
        path = f"azure://osmo{name.replace('-', '')[:16]}/datasets"
    team = _stems(seed)[index % len(STEMS)]
    return Bucket(
        index=index,
        name=name,
        scheme=scheme,
        path=path,
        region=region,
        description=rng.choice(PURPOSES, "description").format(team=team).capitalize(),
        mode="read-only" if index > 0 and rng.chance(0.2, "read_only") else "read-write",
        default_cred=rng.chance(0.7, "default_cred"),
        retention_days=rng.choice((30, 90, 180, 365), "retention"),
    )


def total(ctx: Context) -> int:
    """How many buckets this request's volume has (at least the default one)."""
    return max(1, BUCKETS.total(ctx))


def names(ctx: Context, limit: int | None = None) -> tuple[str, ...]:
    """The bucket names of this request's seed and volume (the first `limit`), default bucket first."""
    count = total(ctx) if limit is None else min(limit, total(ctx))
    return tuple(bucket_name(ctx.seed, i) for i in range(count))


def find(ctx: Context, name: str) -> Bucket | None:
    """The bucket with this name, or None."""
    index = bucket_index(ctx.seed, name)
    if index is None or index >= total(ctx):
        return None
    return build(ctx.seed, index)


def named(seed: int, name: str) -> Bucket:
    """The bucket a stored record names (it existed when the record was made, whatever the volume now)."""
    index = bucket_index(seed, name)
    if index is None:
        raise ValueError(f"{name!r} is not a bucket name")
    return build(seed, index)


def default(ctx: Context) -> Bucket:
    """The deployment's default bucket."""
    return build(ctx.seed, 0)
