"""Swagger UI and ReDoc from vendored copies (scripts/vendor_apidocs.sh), never from a CDN.

FastAPI's own /docs loads its scripts from cdn.jsdelivr.net: blank on a machine without
internet. `install_api_docs` serves the same pages with the assets vendored at set-up
under wxbackend/apidocs/static/ (a build product, not committed).
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

STATIC_DIR = Path(__file__).parent / "static"
SWAGGER_JS = "swagger-ui/swagger-ui-bundle.js"
SWAGGER_CSS = "swagger-ui/swagger-ui.css"
FAVICON = "swagger-ui/favicon-32x32.png"
REDOC_JS = "redoc/redoc.standalone.js"

_MISSING = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{title}</title>
</head><body style="font-family:sans-serif;max-width:640px;margin:40px auto;line-height:1.6">
<h1>{title}</h1><p>The documentation viewer is not installed: its assets are vendored at
set-up from the npm registry. Run <code>bash scripts/vendor_apidocs.sh</code> (part of
<code>scripts/dev.sh</code>) and reload.</p>
<p>The OpenAPI description itself: <a href="{openapi}">{openapi}</a></p></body></html>"""


def vendored() -> bool:
    """Whether the Swagger UI and ReDoc assets are there."""
    return all((STATIC_DIR / name).is_file() for name in (SWAGGER_JS, SWAGGER_CSS, REDOC_JS))


def install_api_docs(app: FastAPI, *, docs_url: str, redoc_url: str | None = None) -> None:
    """Serve `app`'s OpenAPI description as Swagger UI at docs_url (and ReDoc at redoc_url).

    Create the app with docs_url=None and redoc_url=None. Paths are resolved against the
    request's root_path, so a mounted sub-app (the sandbox) gets working pages too.
    """
    assets = docs_url.rstrip("/") + "/assets"
    if STATIC_DIR.is_dir():
        app.mount(assets, StaticFiles(directory=STATIC_DIR), name=f"apidocs{assets}")
    title = app.title

    def page(request: Request, viewer: Callable[[str, str], HTMLResponse]) -> HTMLResponse:
        """viewer(openapi_url, assets_url), or how to vendor the assets when they are missing."""
        root = str(request.scope.get("root_path", "")).rstrip("/")
        openapi = root + (app.openapi_url or "")
        if not vendored():
            return HTMLResponse(_MISSING.format(title=escape(title), openapi=escape(openapi)))
        return viewer(openapi, root + assets)

    def swagger_ui(openapi: str, base: str) -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=openapi,
            title=f"{title} - Swagger UI",
            swagger_js_url=f"{base}/{SWAGGER_JS}",
            swagger_css_url=f"{base}/{SWAGGER_CSS}",
            swagger_favicon_url=f"{base}/{FAVICON}",
        )

    def redoc(openapi: str, base: str) -> HTMLResponse:
        return get_redoc_html(
            openapi_url=openapi,
            title=f"{title} - ReDoc",
            redoc_js_url=f"{base}/{REDOC_JS}",
            redoc_favicon_url=f"{base}/{FAVICON}",
            with_google_fonts=False,
        )

    @app.get(docs_url, include_in_schema=False)
    async def swagger_ui_page(request: Request) -> HTMLResponse:
        return page(request, swagger_ui)

    if redoc_url is not None:

        @app.get(redoc_url, include_in_schema=False)
        async def redoc_page(request: Request) -> HTMLResponse:
            return page(request, redoc)
