"""Search over the catalog: query understanding, retrieval, ranking, filters and facets.

`plan(text)` turns what a person typed into a `QueryPlan` (no engine involved);
`Searcher.search(SearchQuery)` runs it against the derived index and the catalog.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from medcodes.search.model import Hit, Match, QueryPlan, SearchQuery, SearchResult

if TYPE_CHECKING:
    from medcodes.search.engine import Searcher

__all__ = ["Hit", "Match", "QueryPlan", "SearchQuery", "SearchResult", "open_searcher"]


def open_searcher(catalog_path: Path) -> Searcher:
    """A Searcher over the catalog file at `catalog_path` and the index beside it."""
    from medcodes.catalog.read import Catalog
    from medcodes.search.engine import Searcher

    return Searcher(Catalog(catalog_path))
