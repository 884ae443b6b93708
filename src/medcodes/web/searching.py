"""Running a search for any interface: the web parameters turned into one SearchQuery."""

from __future__ import annotations

from datetime import date
from functools import lru_cache

from medcodes.search import SearchQuery, SearchResult
from medcodes.search.engine import Searcher
from medcodes.systems import parse_system

MAX_Q = 200  # characters: no code or phrase is longer
CACHED_SEARCHES = 16_384  # the catalog is immutable: a result stays right while served


def parse_systems(text: str | None) -> tuple[str, ...]:
    """`hcpcs,icd10cm` -> ("HCPCS", "ICD10CM"); empty -> every system."""
    if not text:
        return ()
    return tuple(dict.fromkeys(parse_system(part).value for part in text.split(",") if part))


@lru_cache(maxsize=CACHED_SEARCHES)
def run_search(
    searcher: Searcher,
    text: str,
    systems: tuple[str, ...] = (),
    *,
    billable: bool = False,
    include_terminated: bool = False,
    active_on: date | None = None,
    limit: int = 10,
    offset: int = 0,
    facets: bool = True,
) -> SearchResult:
    """The search's result, remembered per process (`took_ms` is the engine time of the first
    run). Autocomplete traffic repeats prefixes and popular queries often."""
    return searcher.search(
        SearchQuery(
            text=text[:MAX_Q],
            systems=systems,
            billable_only=billable,
            include_terminated=include_terminated,
            active_on=active_on,
            limit=limit,
            offset=offset,
            facets=facets,
        )
    )
