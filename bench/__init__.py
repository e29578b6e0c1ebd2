"""specmock benchmarks: `uv run python -m bench`."""
