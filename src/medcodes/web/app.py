"""The FastAPI app: one factory, edge and CORS middleware, one error handler, four routers."""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from medcodes import __version__
from medcodes.mcp.server import create_server, http_app
from medcodes.settings import Settings
from medcodes.web.cache import forget_builds
from medcodes.web.cors import CrossOrigin
from medcodes.web.deps import PINNED, live_site
from medcodes.web.errors import install_error_handler
from medcodes.web.live import LiveSite
from medcodes.web.render import JSONOut
from medcodes.web.routes import api, coder, ctss, fhir, pages, probes
from medcodes.web.site import open_site

log = logging.getLogger("medcodes.web.access")

STATIC = Path(__file__).parent / "static"
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)
SECURITY_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"strict-origin-when-cross-origin"),
    (b"x-frame-options", b"DENY"),
]
CACHE_CONTROL = b"public, max-age=3600"
UNCACHED = ("/-/ping", "/mcp", *probes.PROBES)


class Edge:
    """Security headers on every response; ETag (the current build's id) and Cache-Control on
    successful GETs, with 304 for a matching If-None-Match; one log line per request. A HEAD
    is answered as its GET (routes are declared for GET; uvicorn sends a HEAD answer's headers,
    Content-Length included, and no body): monitors and link checkers use HEAD."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        method, path = scope["method"], scope["path"]
        if method == "HEAD":
            scope = {**scope, "method": "GET"}  # the server's own scope stays HEAD
        cacheable = scope["method"] == "GET" and path not in UNCACHED
        live = live_site(scope)
        site = scope[PINNED] = live.acquire()  # this request's build, to its end
        try:
            status = await self._serve(scope, receive, send, site.etag.encode(), cacheable)
        finally:
            live.release(site)
        if log.isEnabledFor(logging.INFO):
            log.info(
                "%s %s %d %.1fms",
                method,
                path,
                status,
                (time.perf_counter() - started) * 1000,
            )

    async def _serve(
        self, scope: Scope, receive: Receive, send: Send, etag: bytes, cacheable: bool
    ) -> int:
        path = scope["path"]
        status = 500
        if cacheable and _matches(scope, etag):
            status = 304
            await send(
                {
                    "type": "http.response.start",
                    "status": 304,
                    "headers": [(b"etag", etag), *SECURITY_HEADERS],
                }
            )
            await send({"type": "http.response.body", "body": b""})
        else:

            async def send_with_headers(message: Message) -> None:
                nonlocal status
                if message["type"] == "http.response.start":
                    status = message["status"]
                    headers = [*message.get("headers", ()), *SECURITY_HEADERS]
                    if cacheable and status == 200 and not path.startswith("/static/"):
                        headers += [(b"etag", etag), (b"cache-control", CACHE_CONTROL)]
                    message["headers"] = headers
                await send(message)

            await self.app(scope, receive, send_with_headers)
        return status


def _matches(scope: Scope, etag: bytes) -> bool:
    for name, value in scope["headers"]:
        if name == b"if-none-match":
            return etag in value
    return False


def create_app(settings: Settings | None = None) -> FastAPI:
    """The whole site over one catalog (MEDCODES_CATALOG unless `settings` says otherwise),
    switching to a new build of it when one is renamed into place (checked every
    `reload_seconds`, MEDCODES_RELOAD_SECONDS, default 1, and on SIGHUP while the app runs),
    with the MCP server's streamable HTTP endpoint at /mcp answering from the current build."""
    chosen = settings or Settings()
    live = LiveSite(
        Path(chosen.catalog),
        lambda: open_site(chosen),
        forget=forget_builds,
        interval=chosen.reload_seconds,
    )
    mcp = create_server(lambda: live.current.codes)
    mcp_routes = http_app(mcp).routes

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        async with live.watching(), mcp.session_manager.run():
            yield

    app = FastAPI(
        title="medcodes",
        version=__version__,
        description="US medical codes (HCPCS Level II, ICD-10-CM, ICD-10-PCS) from the official "
        "CMS/CDC files: search, code details, CTSS-compatible autocomplete and FHIR R4 "
        "terminology operations. Reference information, not medical advice.",
        default_response_class=JSONOut,
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.live = live
    install_error_handler(app)
    routers = (pages.router, api.router, ctss.router, fhir.router, coder.pages, coder.api)
    for router in (*routers, probes.router):
        app.include_router(router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.router.routes.extend(mcp_routes)
    app.add_middleware(Edge)
    app.add_middleware(CrossOrigin, origins=chosen.cors_origins)  # outermost: 304s too
    return app
