"""Generators for the bookshop API: every module here registers on `generators` when loaded."""

from specmock.generators import Generators

generators = Generators("bookshop")
