"""Running a search for any web route: one cached call of `Medcodes.search`."""

from __future__ import annotations

from typing import Any

from medcodes.api import SearchResult
from medcodes.web.cache import per_build
from medcodes.web.site import Site

MAX_Q = 200  # characters: no code or phrase is longer
CACHED_SEARCHES = 16_384  # the catalog is immutable: a result stays right while served


@per_build(CACHED_SEARCHES)
def run_search(
    site: Site, text: str, systems: tuple[str, ...] = (), **options: Any
) -> SearchResult:
    """`Medcodes.search` (its keywords), remembered per build (`took_ms` is the engine time
    of the first run). Autocomplete traffic repeats prefixes and popular queries often."""
    return site.codes.search(text[:MAX_Q], systems=systems, **options)
