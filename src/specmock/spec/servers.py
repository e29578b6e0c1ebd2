"""The first server a document declares: its URL with variables at their defaults, and its path.

A mock is reached where the spec says its API lives, so both the validator (which matches
request paths under this URL) and the server (which mounts the API at its path) read it here.
"""

from __future__ import annotations

import urllib.parse
from typing import Any


def server_url(document: dict[str, Any]) -> str:
    """The first server's URL, variables replaced by their defaults; `/` when none is declared."""
    servers = document.get("servers") or [{"url": "/"}]
    server: dict[str, Any] = servers[0] if isinstance(servers[0], dict) else {"url": "/"}
    url = str(server.get("url") or "/")
    variables: dict[str, Any] = server.get("variables") or {}
    for name, variable in variables.items():
        url = url.replace("{" + name + "}", str((variable or {}).get("default", "")))
    return url


def server_path(document: dict[str, Any]) -> str:
    """The path of the first server's URL, decoded and without a trailing slash; `/` for the root."""
    path = urllib.parse.unquote(urllib.parse.urlsplit(server_url(document)).path)
    # a relative URL (`v1`) is relative to where the document is served, which is the root
    return "/" + path.strip("/") if path.strip("/") else "/"
