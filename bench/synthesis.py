"""Schema-driven synthesis in-process on one core: what an operation without a handwritten generator costs."""

from __future__ import annotations

from typing import Any

from bench import budget, osmo_calls
from bench.osmo_app import SPEC
from bench.report import Table
from bench.targets import Measured
from bench.timing import rate
from specmock.engine.rng import Rng
from specmock.engine.synth import Synthesizer
from specmock.spec import load_spec

MEDIA = osmo_calls.MEDIA
# a small object, a large nested one and a list, as served requests would ask for them
OPERATIONS = ("get_pools_api_pool_get", osmo_calls.DETAIL, osmo_calls.LIST, "get_resources_api_resources_get")


def measure() -> Measured:
    """Synthesizer.body per second for the 200 response of a few OSMO operations, a new rng each body."""
    spec = load_spec(SPEC, check=False)
    synth = Synthesizer(spec.document, spec.version)
    table = Table(
        "Synthesis in-process (Synthesizer.body, specs/osmo.yaml, 200 application/json, one core)",
        ("operation", "bodies/s", "mean body"),
    )
    for op in spec.index.operations:
        if op.operation_id not in OPERATIONS:
            continue
        media = op.responses["200"]["content"][MEDIA]
        bodies, mean = _body_rate(synth, media, Rng.root(0, "osmo", op.operation_id, "200", MEDIA))
        table.rows.append((f"{op.method.upper()} {op.path}", f"{bodies:,.0f}", f"{mean:,.0f} B"))
    table.notes.append("What an operation without a handwritten generator costs; the OSMO list has one.")
    return Measured([table])


def _body_rate(synth: Synthesizer, media: dict[str, Any], root: Rng) -> tuple[float, float]:
    """(bodies/s, mean bytes), each body from its own child rng as each request would be."""
    sizes: list[int] = []
    bodies = rate(lambda k: sizes.append(len(synth.body(MEDIA, media, root.child(k)))), budget.current().rate_seconds)
    return bodies, sum(sizes) / len(sizes)
