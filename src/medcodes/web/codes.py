"""Code views by code: built, serialised and rendered once per build (the catalog is
immutable while served).

Shared by `/code/...` (HTML and `.json`), `/api/v1/codes/{code}` and FHIR `$lookup`.
"""

from __future__ import annotations

from medcodes.api import CodeView
from medcodes.web.cache import per_build
from medcodes.web.render import render_html
from medcodes.web.site import Site

CACHED_PAGES = 4096


@per_build(CACHED_PAGES)
def code_view(site: Site, code: str, system: str | None) -> CodeView:
    """The view of `code` (typed in any form) in `system` if given, else of the active one
    with the same code in other systems linked. UnknownCode carries close real codes."""
    return site.codes.code(code, system)


@per_build(CACHED_PAGES)
def code_html(site: Site, code: str, system: str | None) -> str:
    return render_html("code.html", site, code_view(site, code, system))


@per_build(CACHED_PAGES)
def code_json(site: Site, code: str, system: str | None) -> bytes:
    return code_view(site, code, system).to_json()
