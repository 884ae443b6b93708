"""Deterministic paging over ranked rules: one total order, whatever the page size.

A search is a list of segments, one per ranking rule, in the order of `ranking.RULES`; a code
belongs to the first segment whose rule finds it (each segment's query excludes the codes of
the segments before it, in the index). The answer is the segments one after another, so
`total` is their sizes' sum and does not depend on the page asked for.

Inside a segment, the order is a function of the query alone:
- a ranked segment: its best `POOL` codes by the engine's score, re-ranked by the rule's score
  (BM25 plus the adjustments of `ranking.py`), ties by system then code; then the rest in
  official order (system, code), each scored just below the pool's lowest;
- a listed segment (a code prefix): official order.
Pages are windows on that order: they never overlap or skip, and a page is full whenever the
total allows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import tantivy

Must = tantivy.Occur.Must
MustNot = tantivy.Occur.MustNot
Should = tantivy.Occur.Should
POOL = 50  # codes per segment ranked by relevance; beyond them, official order
TAIL_BELOW_POOL = 1.0  # a code past the pool scores this much below the pool's lowest


@dataclass(frozen=True, slots=True)
class Segment:
    """One rule's retrieval: its query (filters included), how it orders, how it scores."""

    rule: str  # a name from ranking.RULES
    query: tantivy.Query
    ranked: bool = True  # False: official order (code prefixes)
    weight: float = 1.0  # share of the engine's score in the hit's (0: constant-score rules)
    bonus: float = 0.0  # added to the rule's base score (a sub-rule placed above the rule)
    via: str = ""  # what made the match, when not a field of the code (a lay phrase)


@dataclass(slots=True)
class Candidate:
    code_id: int
    rule: str
    score: float
    address: tantivy.DocAddress | None = None
    via: str = ""


# (segment, engine scores, code ids) -> scores: a pool at once, the segment's parts read once
Scorer = Callable[[Segment, list[float], list[int]], list[float]]
OrderKey = Callable[[int], tuple[str, str]]  # code id -> (system, code)


@dataclass(slots=True)
class Walk:
    """Segments added one by one (a rule may depend on the sizes of those before it); keeps
    the hits of the page [offset, offset + limit) and the position reached (the total)."""

    searcher: tantivy.Searcher
    schema: tantivy.Schema
    offset: int
    limit: int
    score: Scorer
    order_key: OrderKey
    position: int = 0
    hits: list[Candidate] = field(default_factory=list)
    sizes: dict[str, int] = field(default_factory=dict)  # codes per rule
    _before: list[tantivy.Query] = field(default_factory=list)

    def add(self, segment: Segment) -> int:
        """Append a segment; returns how many codes it holds (those of earlier segments are
        not counted again)."""
        query = segment.query
        if self._before:
            query = tantivy.Query.boolean_query(
                [(Must, query), *((MustNot, before) for before in self._before)]
            )
        start = max(0, self.offset - self.position)
        stop = self.offset + self.limit - self.position
        if stop <= 0:
            size = self._count(query)
        elif segment.ranked:
            size = self._ranked(segment, query, start, stop)
        else:
            size = self._listed(segment, query, start, stop)
        if size:
            self._before.append(segment.query)
            self.position += size
            self.sizes[segment.rule] = self.sizes.get(segment.rule, 0) + size
        return size

    def _ranked(self, segment: Segment, query: tantivy.Query, start: int, stop: int) -> int:
        result = self.searcher.search(query, POOL, count=True)
        if not result.hits:
            return result.count
        addresses = [address for _, address in result.hits]
        ids = self._ids(addresses)
        scores = self.score(segment, [engine for engine, _ in result.hits], ids)
        # Candidates are made for the page's share of the pool only (often 7 of 50).
        ranked = sorted(range(len(ids)), key=lambda i: (-scores[i], *self.order_key(ids[i])))
        self.hits.extend(
            Candidate(ids[i], segment.rule, scores[i], addresses[i], segment.via)
            for i in ranked[start:stop]
        )
        if stop > len(ids) and result.count > len(ids):
            rest = tantivy.Query.boolean_query([(Must, query), (MustNot, self._any_id(ids))])
            floor = scores[ranked[-1]] - TAIL_BELOW_POOL
            skip = max(0, start - len(ids))
            listed, _ = self._in_order(rest, skip, stop - len(ids) - skip)
            for address, code_id in listed:
                self.hits.append(Candidate(code_id, segment.rule, floor, address, segment.via))
        return result.count

    def _listed(self, segment: Segment, query: tantivy.Query, start: int, stop: int) -> int:
        """Official order; the score falls by one per place (the engine score is -place)."""
        listed, size = self._in_order(query, start, stop - start, count=True)
        before = self.sizes.get(segment.rule, 0) + start
        places = [-float(place) for place in range(before + 1, before + 1 + len(listed))]
        scores = self.score(segment, places, [code_id for _, code_id in listed])
        for (address, code_id), score in zip(listed, scores, strict=True):
            self.hits.append(Candidate(code_id, segment.rule, score, address, segment.via))
        return size

    def _in_order(
        self, query: tantivy.Query, skip: int, limit: int, count: bool = False
    ) -> tuple[list[tuple[tantivy.DocAddress, int]], int]:
        """(address, code id) of codes matching `query` in official order from `skip` on, and
        how many match in all (when `count`)."""
        result = self.searcher.search(
            query,
            max(limit, 1),
            count=count,
            order_by_field="order",
            offset=skip,
            order=tantivy.Order.Asc,
        )
        addresses = [address for _, address in result.hits][: max(limit, 0)]
        return list(zip(addresses, self._ids(addresses), strict=True)), result.count or 0

    def _count(self, query: tantivy.Query) -> int:
        """How many codes match, without BM25: collected in official order (a fast field),
        tantivy does not score them (a third cheaper for a broad prefix such as "e": 1.9 ms
        less per request)."""
        found = self.searcher.search(
            query, 1, count=True, order_by_field="order", order=tantivy.Order.Asc
        )
        return found.count or 0

    def _ids(self, addresses: list[tantivy.DocAddress]) -> list[int]:
        return self.searcher.fast_field_values("id", addresses) if addresses else []

    def _any_id(self, ids: list[int]) -> tantivy.Query:
        return tantivy.Query.boolean_query(
            [(Should, tantivy.Query.term_query(self.schema, "id", code_id)) for code_id in ids]
        )
