"""Thin handlers, one module per group of operations (as the spec's tags group them)."""
