"""Deterministic paging: pages are windows on one order that depends on the query only."""

from __future__ import annotations

from pathlib import Path

import pytest

from medcodes.search import SearchQuery, open_searcher
from medcodes.search.engine import Searcher
from medcodes.search.model import Hit
from medcodes.search.paging import POOL
from paging_queries import QUERIES

LARGE = 3 * POOL  # past the relevance pool: its official-order tail is paged too
OPTIONS = [
    {},
    {"prefix": "all", "every_word": True, "billable_only": True, "systems": ("ICD10CM",)},
    {"include_terminated": True, "systems": ("HCPCS", "ICD10PCS")},
]


@pytest.fixture(scope="module")
def searcher(built_catalog: Path) -> Searcher:
    return open_searcher(built_catalog)


def identity(hit: Hit) -> tuple[str, str]:
    return hit.system, hit.code


@pytest.mark.parametrize("text", QUERIES)
@pytest.mark.parametrize("options", range(len(OPTIONS)))
def test_pages_concatenate_to_one_large_page(searcher: Searcher, text: str, options: int) -> None:
    extra = OPTIONS[options]
    large = searcher.search(SearchQuery(text, limit=LARGE, **extra))
    expected = [identity(hit) for hit in large.hits]
    assert len(set(expected)) == len(expected)  # no duplicates
    assert len(expected) == min(LARGE, large.total)  # full whenever the total allows
    keys = [(-hit.score, hit.system, hit.code) for hit in large.hits]
    assert keys == sorted(keys)  # a total order: score, then system and code
    for size in (7, 50):
        paged = []
        for offset in range(0, len(expected), size):
            page = searcher.search(SearchQuery(text, limit=size, offset=offset, **extra))
            assert page.total == large.total  # the total does not depend on the page
            paged.extend(identity(hit) for hit in page.hits)
        assert paged[: len(expected)] == expected, size
