"""Run a query plan against the catalog (codes) and the derived index (words).

Each rule of `ranking.RULES` is one retrieval; a hit keeps the best rule that found it.
Filters apply to every rule except exact codes, which are always shown (labelled).
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass

import tantivy
from rapidfuzz import process

from medcodes.catalog.read import Catalog
from medcodes.search import ranking
from medcodes.search.index import FOREVER, TEXT_FIELDS, analyzer, day_number, exact_form, open_index
from medcodes.search.model import Hit, Match, QueryPlan, SearchQuery, SearchResult
from medcodes.search.query import plan as make_plan
from medcodes.search.query import required

Must = tantivy.Occur.Must
Should = tantivy.Occur.Should
FIELD_NAMES = {
    "title": "title",
    "drug": "drug name",
    "lay": "lay term",
    "inclusion": "inclusion term",
    "index": "index term",
}
CANDIDATES_EXTRA = 30  # retrieved beyond offset+limit so adjustments can reorder


@dataclass(slots=True)
class Candidate:
    code_id: int
    rule: str
    score: float
    address: tantivy.DocAddress | None = None


@dataclass(frozen=True, slots=True)
class CodeInfo:
    system: str
    code: str
    title: str
    status: str
    billable: bool
    kind: str
    depth: int


class Searcher:
    """Search one catalog. Thread-safe for reads; build once per process."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self.index, self.recipe = open_index(catalog.path, catalog.meta().get("build_id", ""))
        self.schema = self.index.schema
        self.searcher = self.index.searcher()
        self.analyzer = analyzer()
        self.codes = {
            row[0]: CodeInfo(row[1], row[2], row[3], row[4], bool(row[5]), row[6], row[7])
            for row in catalog.conn.execute(
                "SELECT id, system, code, long_title, status, billable, kind, depth FROM codes"
            )
        }

    # --- public ------------------------------------------------------------------------------
    def search(self, query: SearchQuery) -> SearchResult:
        started = time.perf_counter()
        plan = make_plan(query.text)
        if plan.message and not plan.code_shapes:
            return SearchResult(query.text, 0, _ms(started), [], {}, plan.message, None, plan)
        want = query.offset + query.limit
        candidates: dict[int, Candidate] = {}
        code_total = self._code_rules(plan, query, want, candidates)
        text_query, unfiltered, did_you_mean = self._text_rules(plan, query, want, candidates)
        total = code_total
        facets: dict[str, int] = {}
        if text_query is not None:
            total += self.searcher.search(text_query, 0, count=True).count
            facets = self._facets(unfiltered)
        for candidate in candidates.values():
            if candidate.rule in ("exact code", "code prefix"):
                system = self.codes[candidate.code_id].system
                facets[system] = facets.get(system, 0) + 1
        ranked = sorted(candidates.values(), key=lambda c: -c.score)
        page = ranked[query.offset : want]
        hits = [self._hit(candidate, plan) for candidate in page]
        message = None if hits or query.offset else f"No codes match {plan.text!r}."
        return SearchResult(
            query.text,
            max(total, len(ranked)),
            _ms(started),
            hits,
            facets,
            message,
            did_you_mean,
            plan,
        )

    # --- codes -------------------------------------------------------------------------------
    def _code_rules(
        self, plan: QueryPlan, query: SearchQuery, want: int, out: dict[int, Candidate]
    ) -> int:
        total = 0
        systems = set(query.systems)
        for shape in plan.code_shapes:
            exact = [
                c for c in self.catalog.lookup(shape.key) if not systems or c.system in systems
            ]
            for code in exact:
                penalty = ranking.TERMINATED_PENALTY if code.status != "active" else 0.0
                out[code.id] = Candidate(
                    code.id, "exact code", ranking.RULES["exact code"] - penalty
                )
            total += len(exact)
            if shape.prefix or not exact or len(shape.key) <= 4:
                listed, count = self.catalog.subtree(shape.key, tuple(systems), want + 1)
                for position, code in enumerate(listed):
                    if code.id in out or not self._passes(code.id, query):
                        continue
                    out[code.id] = Candidate(
                        code.id, "code prefix", ranking.RULES["code prefix"] - position
                    )
                total += max(0, count - len(exact))
        return total

    def _passes(self, code_id: int, query: SearchQuery) -> bool:
        info = self.codes[code_id]
        if query.billable_only and not info.billable:
            return False
        return query.include_terminated or info.status == "active"

    # --- words -------------------------------------------------------------------------------
    def _text_rules(
        self, plan: QueryPlan, query: SearchQuery, want: int, out: dict[int, Candidate]
    ) -> tuple[tantivy.Query | None, tantivy.Query | None, str | None]:
        """Exact title/synonym, all words, then (when few) some words or fuzzy."""
        alternatives = [self._stems(words) for words in plan.alternatives]
        alternatives = [a for a in alternatives if a]
        if not alternatives:
            return None, None, None
        filters = self._filters(query, with_system=True)
        rules: list[tuple[str, tantivy.Query]] = []
        exact_forms = sorted({exact_form(" ".join(words)) for words in plan.alternatives})
        rules.append(
            ("exact synonym", tantivy.Query.term_set_query(self.schema, "exact", exact_forms))
        )
        all_words = _any([self._all_words(stems) for stems in alternatives])
        rules.append(("all words", all_words))
        found = self.searcher.search(self._filtered(all_words, filters), 0, count=True).count
        did_you_mean = None
        if found < ranking.FALLBACK_BELOW:
            unknown = {s for stems in alternatives for s in stems if not self._known(s)}
            if unknown:
                rules.append(
                    ("fuzzy", _any([self._fuzzy(stems, unknown) for stems in alternatives]))
                )
            else:
                rules.append(("some words", _any([self._some_words(s) for s in alternatives])))
        for rule, rule_query in rules:
            self._collect(rule, self._filtered(rule_query, filters), want, out)
        if any(c.rule == "fuzzy" for c in out.values()) and found == 0:
            did_you_mean = self._correction(plan, out)
        union = _any([q for _, q in rules])
        return (
            self._filtered(union, filters),
            self._filtered(union, self._filters(query, False)),
            did_you_mean,
        )

    def _stems(self, words: Iterable[str]) -> tuple[str, ...]:
        content = required(tuple(words))
        return tuple(dict.fromkeys(s for w in content for s in self.analyzer.analyze(w)))

    def _known(self, stem: str) -> bool:
        return any(self.searcher.doc_freq(field, stem) for field in TEXT_FIELDS)

    def _word(self, stem: str) -> tantivy.Query:
        """One word in any text field, weighted by field."""
        return tantivy.Query.disjunction_max_query(
            [
                tantivy.Query.boost_query(tantivy.Query.term_query(self.schema, field, stem), boost)
                for field, boost in ranking.FIELD_BOOSTS.items()
            ],
            tie_breaker=0.1,
        )

    def _all_words(self, stems: tuple[str, ...]) -> tantivy.Query:
        return tantivy.Query.boolean_query([(Must, self._word(stem)) for stem in stems])

    def _some_words(self, stems: tuple[str, ...]) -> tantivy.Query:
        return tantivy.Query.boolean_query([(Should, self._word(stem)) for stem in stems])

    def _fuzzy(self, stems: tuple[str, ...], unknown: set[str]) -> tantivy.Query:
        """Known words as typed, unknown ones within one or two edits (by length)."""
        clauses = []
        for stem in stems:
            if stem not in unknown:
                clauses.append((Must, self._word(stem)))
                continue
            distance = 0 if len(stem) < 4 else (1 if len(stem) < 7 else 2)
            clauses.append(
                (
                    Must,
                    tantivy.Query.disjunction_max_query(
                        [
                            tantivy.Query.fuzzy_term_query(self.schema, field, stem, distance, True)
                            for field in ranking.FIELD_BOOSTS
                        ]
                    ),
                )
            )
        return tantivy.Query.boolean_query(clauses)

    def _filters(self, query: SearchQuery, with_system: bool) -> list[tantivy.Query]:
        filters: list[tantivy.Query] = []
        if with_system and query.systems:
            filters.append(tantivy.Query.term_set_query(self.schema, "system", list(query.systems)))
        if query.billable_only:
            filters.append(tantivy.Query.term_query(self.schema, "billable", 1))
        if not query.include_terminated and query.active_on is None:
            filters.append(tantivy.Query.term_query(self.schema, "active", 1))
        if query.active_on is not None:
            day = day_number(query.active_on, 0)
            filters.append(
                tantivy.Query.range_query(
                    self.schema, "valid_from", tantivy.FieldType.Integer, -FOREVER, day
                )
            )
            filters.append(
                tantivy.Query.range_query(
                    self.schema, "valid_to", tantivy.FieldType.Integer, day, FOREVER
                )
            )
        if query.within:
            from medcodes.systems import code_key

            filters.append(tantivy.Query.term_query(self.schema, "within", code_key(query.within)))
        return filters

    @staticmethod
    def _filtered(query: tantivy.Query, filters: list[tantivy.Query]) -> tantivy.Query:
        if not filters:
            return query
        return tantivy.Query.boolean_query([(Must, query), *((Must, f) for f in filters)])

    def _collect(
        self, rule: str, query: tantivy.Query, want: int, out: dict[int, Candidate]
    ) -> None:
        result = self.searcher.search(query, want + CANDIDATES_EXTRA, count=False)
        for bm25, address in result.hits:
            code_id = self.searcher.doc(address)["id"][0]
            score = ranking.RULES[rule] + bm25 + self._adjustment(code_id)
            if code_id not in out or out[code_id].score < score:
                out[code_id] = Candidate(code_id, rule, score, address)

    def _adjustment(self, code_id: int) -> float:
        info = self.codes[code_id]
        adjustment = -ranking.DEPTH_PENALTY * info.depth
        if info.status != "active":
            adjustment -= ranking.TERMINATED_PENALTY
        if not info.billable:
            adjustment -= ranking.HEADER_PENALTY
        if "unspecified" in info.title.lower():
            adjustment += ranking.UNSPECIFIED_BONUS
        return adjustment

    def _facets(self, query: tantivy.Query | None) -> dict[str, int]:
        if query is None:
            return {}
        result = self.searcher.aggregate(query, {"s": {"terms": {"field": "system"}}})
        return {bucket["key"]: bucket["doc_count"] for bucket in result["s"]["buckets"]}

    # --- answers -----------------------------------------------------------------------------
    def _hit(self, candidate: Candidate, plan: QueryPlan) -> Hit:
        info = self.codes[candidate.code_id]
        return Hit(
            info.system,
            info.code,
            info.title,
            round(candidate.score, 3),
            self._match(candidate, plan, info),
            info.status,
            info.billable,
            info.kind,
        )

    def _match(self, candidate: Candidate, plan: QueryPlan, info: CodeInfo) -> Match:
        """Which field made the hit: the title, else the first name holding every word."""
        if candidate.address is None:
            return Match(candidate.rule, "code", info.code)
        stored = self.searcher.doc(candidate.address)
        wanted = [set(self._stems(words)) for words in plan.alternatives]
        rule = candidate.rule
        for field in TEXT_FIELDS:
            for text in stored.get_all(field):
                if rule == "exact synonym":
                    if exact_form(text) in {exact_form(" ".join(w)) for w in plan.alternatives}:
                        name = "exact title" if field == "title" else "exact synonym"
                        return Match(name, FIELD_NAMES[field], text)
                    continue
                stems = set(self.analyzer.analyze(text))
                if any(w and w <= stems for w in wanted):
                    return Match(rule, FIELD_NAMES[field], text)
        return Match(rule, "title", info.title)

    def _correction(self, plan: QueryPlan, out: dict[int, Candidate]) -> str | None:
        """ "Did you mean": each unknown word replaced by the closest word of the best fuzzy hit."""
        best = max((c for c in out.values() if c.rule == "fuzzy"), key=lambda c: c.score)
        if best.address is None:
            return None
        stored = self.searcher.doc(best.address)
        vocabulary = sorted(
            {w.lower() for f in TEXT_FIELDS for t in stored.get_all(f) for w in t.split()}
        )
        vocabulary = [w.strip(",.;:()[]") for w in vocabulary]
        corrected = []
        for word in plan.words:
            if all(self._known(s) for s in self.analyzer.analyze(word)):
                corrected.append(word)
                continue
            match = process.extractOne(word, vocabulary)
            corrected.append(match[0] if match else word)
        suggestion = " ".join(corrected)
        return suggestion if suggestion != " ".join(plan.words) else None


def _any(queries: list[tantivy.Query]) -> tantivy.Query:
    if len(queries) == 1:
        return queries[0]
    return tantivy.Query.boolean_query([(Should, q) for q in queries])


def _ms(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 3)
