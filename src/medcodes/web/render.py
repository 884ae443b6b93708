"""Turning page contexts into responses: Jinja2 HTML (autoescaped) and JSON (the library's one
serialiser, `medcodes.serial.to_json`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.responses import HTMLResponse, JSONResponse

from medcodes.api import code_url
from medcodes.serial import to_json
from medcodes.systems import system_name
from medcodes.web.context import browse_url, search_url
from medcodes.web.site import Site

TEMPLATES = Path(__file__).parent / "templates"

templates = Environment(
    loader=FileSystemLoader(TEMPLATES),
    autoescape=select_autoescape(default=True, default_for_string=True),
    trim_blocks=True,
    lstrip_blocks=True,
    auto_reload=False,
)
templates.globals.update(
    code_url=code_url, browse_url=browse_url, search_url=search_url, system_name=system_name
)


class JSONOut(JSONResponse):
    """JSON via orjson (dataclasses, dates, or bytes already encoded), UTF-8."""

    def render(self, content: Any) -> bytes:
        return content if isinstance(content, bytes) else to_json(content)


class FHIROut(JSONOut):
    media_type = "application/fhir+json"


def render_html(template: str, site: Site, page: Any = None, **extra: Any) -> str:
    """The HTML of `template` for one page context; every page gets the site for its footer."""
    return templates.get_template(template).render(page=page, site=site, **extra)


def html_response(template: str, site: Site, page: Any = None, status: int = 200) -> HTMLResponse:
    return HTMLResponse(render_html(template, site, page), status_code=status)
