"""The example project's generator packages."""
