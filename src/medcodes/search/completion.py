"""Completing the word being typed, through the index's own term dictionary.

The index keeps every word of titles and names unstemmed in one field (`words`); a typed
prefix is completed by walking that field's term dictionary from the prefix (tantivy's
`terms_with_prefix`), never by scanning codes. Words are counted only in the codes that hold
the words already finished ("walking ca" counts "cane" among walking aids, not "cavity"), and
the expansion is bounded: the commonest `MAX_COMPLETIONS` words only, so a one-letter prefix
is a dozen words, not thousands.
"""

from __future__ import annotations

from typing import NamedTuple

import tantivy

from medcodes.search.query import STOPWORDS

MAX_COMPLETIONS = 12  # words a prefix expands to (the commonest), whatever its length


class Completion(NamedTuple):
    """A whole word a typed prefix may be the start of, and the stems it is searched by.

    A named tuple of plain values: the garbage collector stops tracking it, so a full cache
    of completions adds nothing to the walk of a full collection (see engine.Searcher)."""

    word: str  # as written in titles and names: "hypertension"
    stems: tuple[str, ...]  # as indexed: ("hypertens",)
    codes: int  # how many codes (among those in context) hold the word
    weight: float  # 1 for the commonest completion of the prefix, less for rarer ones


def complete(
    searcher: tantivy.Searcher,
    analyzer: tantivy.TextAnalyzer,
    prefix: str,
    within: tantivy.Query | None = None,
) -> tuple[Completion, ...]:
    """The commonest words starting with `prefix` among codes matching `within` (all codes
    when None), commonest first. Small words are left out: someone typing "heart at" means
    "attack", not "at"."""
    if not prefix:
        return ()
    limit = MAX_COMPLETIONS + len(STOPWORDS)
    if within is None:
        found = searcher.terms_with_prefix("words", prefix, limit=limit)
    else:
        found = searcher.terms_with_prefix("words", prefix, filter_query=within, limit=limit)
    words = [(word, count) for word, count in found if word not in STOPWORDS and count]
    words = words[:MAX_COMPLETIONS]
    if not words:
        return ()
    most = max(count for _, count in words)
    return tuple(
        Completion(word, tuple(analyzer.analyze(word)), count, weight(count, most))
        for word, count in words
    )


def weight(count: int, most: int) -> float:
    """A completion's share of the ranking: rarer words would otherwise win on BM25's inverse
    document frequency alone ("hypert" is far more often hypertension than hypertrichosis)."""
    return round((count / most) ** 0.5, 3)
