"""Code pages by code: resolved, built and rendered once per process (the catalog is immutable).

Shared by `/code/...` (HTML and `.json`) and `/api/v1/codes/{code}`.
"""

from __future__ import annotations

from dataclasses import replace
from functools import lru_cache

from medcodes.catalog.code_builder import code_builder
from medcodes.catalog.policies import policies_for
from medcodes.explain import explain_code
from medcodes.similar import similar_codes
from medcodes.systems import parse_system
from medcodes.web.context import PAGE_CHILDREN, CodePage, build_code_page
from medcodes.web.render import render_html, to_json
from medcodes.web.site import Site

CACHED_PAGES = 4096


@lru_cache(maxsize=CACHED_PAGES)
def code_page(site: Site, code: str, system: str | None) -> CodePage:
    """The page of `code` (typed in any form) in `system` if given, else of the active one
    with the same code in other systems linked. UnknownCode carries close real codes."""
    catalog = site.catalog
    chosen = parse_system(system) if system else None
    found = catalog.lookup(code, chosen) or [catalog.get(code, chosen)]
    shown = found[0]
    also = [other for other in catalog.lookup(code) if other.system != shown.system]
    details = catalog.details(shown, children_limit=PAGE_CHILDREN)
    page = build_code_page(details, also, site.sources)
    return replace(
        page,
        explanation=explain_code(catalog, shown, site.explainers),
        policies=policies_for(catalog, shown),
        similar=similar_codes(catalog, shown),
        builder=code_builder(catalog, shown, details.seventh_characters),
    )


@lru_cache(maxsize=CACHED_PAGES)
def code_html(site: Site, code: str, system: str | None) -> str:
    return render_html("code.html", site, code_page(site, code, system))


@lru_cache(maxsize=CACHED_PAGES)
def code_json(site: Site, code: str, system: str | None) -> bytes:
    return to_json(code_page(site, code, system))
