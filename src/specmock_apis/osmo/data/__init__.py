"""Base data: pure functions of (seed, index, now), with no request and no state."""
