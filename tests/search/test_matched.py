"""Why each hit matched: the bound on the work of explaining hits by name (real catalog)."""

from __future__ import annotations

from pathlib import Path

import pytest

from medcodes.search import SearchQuery, matched, open_searcher
from medcodes.search.engine import Searcher


@pytest.fixture(scope="module")
def searcher(built_catalog: Path) -> Searcher:
    return open_searcher(built_catalog)


def test_hits_are_explained_by_a_name_only_early_in_a_page(
    searcher: Searcher, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A typo's hits ("some words") name the stored name holding the word (an inclusion
    term of E53.8); past SEARCHED_NAME_HITS of a page they name their title instead."""
    query = SearchQuery("cyanocobalamine", limit=20)
    named = {h.code: h.matched for h in searcher.search(query).hits}
    assert named["E53.8"].rule == "some words"
    assert named["E53.8"].field == "inclusion term"
    position = [h.code for h in searcher.search(query).hits].index("E53.8")
    monkeypatch.setattr(matched, "SEARCHED_NAME_HITS", position)
    late = {h.code: h.matched for h in searcher.search(query).hits}
    assert (late["E53.8"].field, late["E53.8"].text) == (
        "title",
        searcher.search(query).hits[position].title,
    )
    assert all(late[code] == named[code] for code in list(named)[:position])


@pytest.mark.parametrize("text", ["blinat", "heart att", "e11", "cyanocobalamine", "diab mel"])
def test_unexplained_hits_are_the_same_hits(searcher: Searcher, text: str) -> None:
    """`explain=False` (CTSS rows, FHIR expansions) skips only the field and text matched:
    the same codes in the same order, with the same scores and rules."""
    explained = searcher.search(SearchQuery(text, limit=20, prefix="all"))
    bare = searcher.search(SearchQuery(text, limit=20, prefix="all", explain=False))
    assert bare.total == explained.total and bare.hits
    assert [(h.code, h.score, h.matched.rule) for h in bare.hits] == [
        (h.code, h.score, h.matched.rule) for h in explained.hits
    ]
    assert all((h.matched.field, h.matched.text) == ("", "") for h in bare.hits)
