"""Overlays: what writes change over the base data, kept in the store."""
