"""Generators for the OSMO API (specs/osmo.yaml).

Every module of this package is imported when the API is loaded, so a module registers its
operations on `generators` just by being here. Operations without a generator are answered by
schema-driven synthesis.
"""

from specmock.generators import Generators

generators = Generators("osmo")
