"""Generators for the OSMO API (specs/osmo.yaml).

Operations without a generator here are answered by schema-driven synthesis.
"""

from specmock.registry import Generators

generators = Generators("osmo")

# Each module registers its operations on `generators` when imported.
from specmock_apis.osmo import (  # noqa: E402
    dataset_endpoints,
    distributions,
    interactive,
    pool_endpoints,
    profile,
    router,
    task_endpoints,
    text_endpoints,
    workflow_actions,
    workflow_endpoints,
)

__all__ = [
    "dataset_endpoints",
    "distributions",
    "generators",
    "interactive",
    "pool_endpoints",
    "profile",
    "router",
    "task_endpoints",
    "text_endpoints",
    "workflow_actions",
    "workflow_endpoints",
]
