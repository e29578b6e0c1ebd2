"""Generators for the OSMO API (specs/osmo.yaml).

Operations without a generator here are answered by schema-driven synthesis.
"""

from mocks.osmo import distributions as distributions
from specmock.registry import Generators

generators = Generators("osmo")
