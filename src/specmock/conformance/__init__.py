"""Checking responses against the spec with openapi-core."""
