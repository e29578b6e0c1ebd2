"""Generation rates in-process on one core: handwritten items and schema-driven bodies per second."""

from __future__ import annotations

import json
from typing import Any

from bench.codegen import REPO
from bench.report import Table
from bench.timing import rate
from bench.workload import Workflows
from specmock.engine.rng import Rng
from specmock.engine.synth import Synthesizer
from specmock.spec import load_spec

SECONDS = 1.5
MEDIA = "application/json"
# a small object, a large nested one and a list, as the served benchmark requests them
OPERATIONS = (
    "get_pools_api_pool_get",
    "get_workflow_api_workflow__name__get",
    "list_workflow_api_workflow_get",
    "get_resources_api_resources_get",
)


def item_table() -> Table:
    """Workflow items per second: the item function alone, and with JSON encoding."""
    workflows = Workflows(10**12)
    bare = rate(workflows.item, SECONDS)
    encoded = rate(lambda i: json.dumps(workflows.item(i)).encode(), SECONDS)
    return Table(
        "Item generation in-process (one core)",
        ("what", "items/s", "target"),
        [
            ("workflow item function (17 fields)", f"{bare:,.0f}", "info (OSMO generator: >= 100,000)"),
            ("item function + json.dumps", f"{encoded:,.0f}", "info"),
        ],
    )


def synthesis_table() -> Table:
    """Synthesizer.body per second for the 200 response of a few OSMO operations, a new rng each body."""
    spec = load_spec(REPO / "specs" / "osmo.yaml", check=False)
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
    return table


def _body_rate(synth: Synthesizer, media: dict[str, Any], root: Rng) -> tuple[float, float]:
    """(bodies/s, mean bytes), each body from its own child rng as each request would be."""
    sizes: list[int] = []
    bodies = rate(lambda k: sizes.append(len(synth.body(MEDIA, media, root.child(k)))), SECONDS)
    return bodies, sum(sizes) / len(sizes)
