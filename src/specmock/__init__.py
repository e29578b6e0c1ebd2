"""specmock: deterministic mock APIs from OpenAPI documents."""
