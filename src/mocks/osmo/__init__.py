"""Generators for the OSMO API (specs/osmo.yaml).

Operations without a generator here are answered by schema-driven synthesis.
"""

from specmock.registry import Generators

generators = Generators("osmo")

# Each module registers its operations on `generators` when imported.
from mocks.osmo import distributions, pool_endpoints, task_endpoints, text_endpoints, workflow_endpoints  # noqa: E402

__all__ = ["distributions", "generators", "pool_endpoints", "task_endpoints", "text_endpoints", "workflow_endpoints"]
