"""The deterministic engine: seeded randomness, values, collections, clock, synthesis, state."""
