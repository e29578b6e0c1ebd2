"""Write specs/osmo.yaml from the OSMO service's own OpenAPI exports.

The current export is taken whole; the bucket and dataset operations (and the schemas they
need) come from the older export, which still has them. Where both exports define a schema,
the current one wins. Run from the repository root with ../shared beside it:

    uv run python scripts/build_osmo_spec.py
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import yaml

REFERENCE = Path("../shared/reference")
DESCRIPTION = (
    "The OSMO workflow service: workflows, tasks, pools, resources, buckets, datasets, "
    "profiles and interactive sessions. Paths, operationIds, parameters and schemas are "
    "the service's own (its current export plus the bucket and dataset operations of the "
    "2026-01 export); only this description and the title are specmock's."
)


def refs(node: Any) -> set[str]:
    """Names of the component schemas a node refers to."""
    found: set[str] = set()
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                found.add(value.rsplit("/", 1)[-1])
            else:
                found |= refs(value)
    elif isinstance(node, list):
        for value in node:
            found |= refs(value)
    return found


def merged() -> dict[str, Any]:
    """The current export plus the older export's bucket and dataset operations."""
    current = json.loads((REFERENCE / "osmo-openapi.json").read_text())
    older = json.loads((REFERENCE / "osmo-openapi-2026-01.json").read_text())
    bucket_paths = {p: v for p, v in older["paths"].items() if p.startswith("/api/bucket")}
    needed, todo = set(), sorted(refs(bucket_paths))
    while todo:
        name = todo.pop()
        if name in needed:
            continue
        needed.add(name)
        todo.extend(sorted(refs(older["components"]["schemas"][name]) - needed))
    schemas = dict(current["components"]["schemas"])
    for name, schema in older["components"]["schemas"].items():
        if name in needed and name not in schemas:
            schemas[name] = schema
    return {
        "openapi": current["openapi"],
        "info": {"title": "OSMO", "description": DESCRIPTION, "version": current["info"]["version"]},
        "paths": {**current["paths"], **bucket_paths},
        "components": {**current["components"], "schemas": schemas},
    }


def main() -> int:
    """Write the merged document as YAML."""
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "specs/osmo.yaml")
    text = yaml.safe_dump(merged(), sort_keys=False, allow_unicode=True, width=100)
    out.write_text("# Built by scripts/build_osmo_spec.py from the OSMO service's own exports.\n" + text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
