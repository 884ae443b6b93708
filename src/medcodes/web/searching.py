"""Running a search for any web route: one cached call of `Medcodes.search`."""

from __future__ import annotations

from datetime import date

from medcodes.api import SearchResult
from medcodes.web.cache import per_build
from medcodes.web.site import Site

MAX_Q = 200  # characters: no code or phrase is longer
CACHED_SEARCHES = 16_384  # the catalog is immutable: a result stays right while served


@per_build(CACHED_SEARCHES)
def run_search(
    site: Site,
    text: str,
    systems: tuple[str, ...] = (),
    *,
    billable: bool = False,
    include_terminated: bool = False,
    active_on: date | None = None,
    limit: int = 10,
    offset: int = 0,
    facets: bool = True,
    prefix: str = "last",
    every_word: bool = False,
    exact_codes_always: bool = True,
    match: str = "both",
    code_prefix: str | None = None,
    hcc_v28: bool = False,
) -> SearchResult:
    """The search's result, remembered per build (`took_ms` is the engine time of the first
    run). Autocomplete traffic repeats prefixes and popular queries often. The keywords are
    those of `Medcodes.search`."""
    return site.codes.search(
        text[:MAX_Q],
        systems=systems,
        billable_only=billable,
        include_terminated=include_terminated,
        active_on=active_on,
        limit=limit,
        offset=offset,
        facets=facets,
        prefix=prefix,
        every_word=every_word,
        exact_codes_always=exact_codes_always,
        match=match,
        code_prefix=code_prefix,
        hcc_v28=hcc_v28,
    )
