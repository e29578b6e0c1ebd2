"""/docs: Swagger UI of each API's real spec document, served from the installed bundle (no network).

Swagger UI sends "Try it out" requests to the document's first server, which for most specs is
the real backend. So /docs loads `/_specmock/docs/<api>.json`: the document with `servers` set
to the API's mount (and path- or operation-level servers left out), where this mock answers it.
`/_specmock/specs/<api>` stays the document as written.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, Response
from starlette.routing import BaseRoute, Route

from specmock.server.problems import problem
from specmock.server.serialize import to_json

if TYPE_CHECKING:
    from specmock.server.dispatch import ApiRuntime

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


def served_document(runtime: ApiRuntime) -> dict[str, Any]:
    """The API's document with one server: its mount on this host, as Swagger UI should try it."""
    paths: dict[str, Any] = {}
    for path, item in (runtime.spec.document.get("paths") or {}).items():
        if isinstance(item, dict):
            item = {k: _serverless(v) for k, v in item.items() if k != "servers"}
        paths[path] = item
    return {**runtime.spec.document, "servers": [{"url": runtime.mount}], "paths": paths}


def _serverless(operation: Any) -> Any:
    return {k: v for k, v in operation.items() if k != "servers"} if isinstance(operation, dict) else operation


def docs_routes(apis: dict[str, ApiRuntime]) -> list[BaseRoute]:
    """/docs (every API, a picker at the top), the documents it shows and the Swagger UI files it loads."""
    urls = json.dumps([{"url": f"/_specmock/docs/{name}.json", "name": name} for name in apis])
    page = _PAGE.format(title=", ".join(apis), urls=urls)

    async def docs(request: Request) -> Response:
        return HTMLResponse(page)

    async def document(request: Request) -> Response:
        api = request.path_params["api"]
        runtime = apis.get(api)
        if runtime is None:
            return problem(404, "No such API", f"{api!r} is not served (served: {', '.join(apis)})")
        return Response(to_json(served_document(runtime)), media_type="application/json")

    async def asset(request: Request) -> Response:
        name = request.path_params["name"]
        folder = _assets()
        path = (folder / name).resolve()
        if path.parent != folder.resolve() or not path.is_file():
            return problem(404, "Not found", f"no docs asset {name!r}")
        return FileResponse(path)

    return [
        Route("/docs", docs, methods=["GET"]),
        Route("/_specmock/docs/{api}.json", document, methods=["GET"]),
        Route("/_specmock/assets/{name}", asset, methods=["GET"]),
    ]
