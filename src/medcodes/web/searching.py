"""Running a search for any web route: one call of `Medcodes.search`, cached per build
(`run_search`), or not (`search_once`) for a route that caches its own serialised answer."""

from __future__ import annotations

from typing import Any

from medcodes.api import SearchResult
from medcodes.web.cache import per_build
from medcodes.web.site import Site

MAX_Q = 200  # characters: no code or phrase is longer
CACHED_SEARCHES = 16_384  # the catalog is immutable: a result stays right while served


def search_once(
    site: Site, text: str, systems: tuple[str, ...] = (), **options: Any
) -> SearchResult:
    """`Medcodes.search` (its keywords), the query cut at MAX_Q characters."""
    return site.codes.search(text[:MAX_Q], systems=systems, **options)


# Remembered per build (`took_ms` is the engine time of the first run): autocomplete traffic
# repeats prefixes and popular queries often.
run_search = per_build(CACHED_SEARCHES)(search_once)
