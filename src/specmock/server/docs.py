"""/docs: Swagger UI of each API's real spec document, served from the installed bundle (no network)."""

from __future__ import annotations

import json
from pathlib import Path

from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, Response
from starlette.routing import BaseRoute, Route

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


def docs_routes(apis: list[str]) -> list[BaseRoute]:
    """/docs (every API, a picker at the top) and the Swagger UI files it loads."""
    urls = json.dumps([{"url": f"/_specmock/specs/{name}", "name": name} for name in apis])
    page = _PAGE.format(title=", ".join(apis), urls=urls)

    async def docs(request: Request) -> Response:
        return HTMLResponse(page)

    async def asset(request: Request) -> Response:
        name = request.path_params["name"]
        folder = _assets()
        path = (folder / name).resolve()
        if path.parent != folder.resolve() or not path.is_file():
            return problem(404, "Not found", f"no docs asset {name!r}")
        return FileResponse(path)

    return [Route("/docs", docs, methods=["GET"]), Route("/_specmock/assets/{name}", asset, methods=["GET"])]
