"""pytest plugin: fixtures for a specmock app, a client bound to it, and conformance assertions."""
