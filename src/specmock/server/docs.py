"""/docs: Swagger UI of each API's real spec document, served from the installed bundle (no network)."""

from __future__ import annotations

import json
from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse, HTMLResponse, Response

from specmock.server.problems import problem

_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>specmock: {title}</title>
<link rel="stylesheet" href="/_specmock/assets/swagger-ui.css"></head>
<body><div id="swagger-ui"></div>
<script src="/_specmock/assets/swagger-ui-bundle.js"></script>
<script src="/_specmock/assets/swagger-ui-standalone-preset.js"></script>
<script>
window.ui = SwaggerUIBundle({{urls: {urls}, dom_id: "#swagger-ui", deepLinking: true,
  presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset], layout: "StandaloneLayout"}});
</script></body></html>
"""


def _assets() -> Path:
    import swagger_ui_bundle  # noqa: PLC0415 - only the docs need it

    return Path(swagger_ui_bundle.swagger_ui_path)


def docs_router(apis: list[str]) -> APIRouter:
    """/docs (every API, a picker at the top) and the Swagger UI files it loads."""
    router = APIRouter(include_in_schema=False)
    urls = json.dumps([{"url": f"/_specmock/specs/{name}", "name": name} for name in apis])
    page = _PAGE.format(title=", ".join(apis), urls=urls)

    @router.get("/docs")
    async def docs() -> HTMLResponse:
        return HTMLResponse(page)

    @router.get("/_specmock/assets/{name}")
    async def asset(name: str) -> Response:
        folder = _assets()
        path = (folder / name).resolve()
        if path.parent != folder.resolve() or not path.is_file():
            return problem(404, "Not found", f"no docs asset {name!r}")
        return FileResponse(path)

    return router
