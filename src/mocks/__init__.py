"""Handwritten, spec-coupled generators for the bundled APIs."""
