"""The API documentation, `/docs` (Swagger UI) and `/redoc`, served from this server.

FastAPI's own pages load their scripts from a CDN, which a county intranet may not reach and
which the app-wide Content-Security-Policy (`headers.py`) refuses. Here the same pages load
the copies the `fastapi-offline` package ships, under a policy of their own that allows their
one inline script by its hash (and inline styles, which ReDoc writes as it renders).
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Awaitable, Callable
from pathlib import Path

import fastapi_offline
from fastapi import FastAPI
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

ASSETS = "/static/docs"
FILES = Path(fastapi_offline.__file__).parent / "static"
_INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.S)


def install(app: FastAPI) -> None:
    """Serve the documentation pages of `app` (made with `docs_url=None, redoc_url=None`)."""
    openapi = app.openapi_url or "/openapi.json"
    title, icon = f"{app.title} - API", _asset("favicon.png")
    app.mount(ASSETS, StaticFiles(directory=FILES), name="docs")
    pages = {
        "/docs": get_swagger_ui_html(
            openapi_url=openapi,
            title=title,
            swagger_js_url=_asset("swagger-ui-bundle.js"),
            swagger_css_url=_asset("swagger-ui.css"),
            swagger_favicon_url=icon,
            swagger_ui_parameters=app.swagger_ui_parameters,
        ),
        "/redoc": get_redoc_html(
            openapi_url=openapi,
            title=title,
            redoc_js_url=_asset("redoc.standalone.js"),
            redoc_favicon_url=icon,
            with_google_fonts=False,
        ),
    }
    for path, page in pages.items():
        app.add_api_route(path, _serving(*_with_policy(page)), include_in_schema=False)


def _asset(name: str) -> str:
    return f"{ASSETS}/{name}"


def _serving(body: str, headers: dict[str, str]) -> Callable[[], Awaitable[HTMLResponse]]:
    async def page() -> HTMLResponse:
        return HTMLResponse(body, headers=headers)

    return page


def _with_policy(page: HTMLResponse) -> tuple[str, dict[str, str]]:
    """The body of `page`, and a Content-Security-Policy allowing exactly its own inline
    scripts."""
    body = bytes(page.body).decode("utf-8")
    hashes = " ".join(
        f"'sha256-{base64.b64encode(hashlib.sha256(s.encode()).digest()).decode()}'"
        for s in _INLINE_SCRIPT.findall(body)
    )
    policy = (
        f"default-src 'self'; script-src 'self' {hashes}; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data:; worker-src 'self' blob:; object-src 'none'; base-uri 'self'; "
        "frame-ancestors 'none'"
    )
    return body, {"Content-Security-Policy": policy}
