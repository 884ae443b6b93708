"""Run a query plan against the catalog (codes) and the derived index (words).

Each rule of `ranking.RULES` is one retrieval; a hit keeps the best rule that found it.
Filters apply to every rule except exact codes, which are always shown (labelled).
"""

from __future__ import annotations

import functools
import time
from collections.abc import Iterable
from dataclasses import dataclass, replace

import tantivy

from medcodes.catalog.billing import NdcPackage, hcc_v28_code_ids, packages_for_ndcs
from medcodes.catalog.read import Catalog, Code
from medcodes.search import ranking
from medcodes.search.index import (
    FOREVER,
    TEXT_FIELDS,
    analyzer,
    bag_form,
    bag_forms,
    day_number,
    exact_form,
    exact_forms,
    index_path,
    open_index,
)
from medcodes.search.model import CodeShape, Hit, Match, QueryPlan, SearchQuery, SearchResult
from medcodes.search.query import plan as make_plan
from medcodes.search.query import required, rewrite
from medcodes.search.spelling import Speller
from medcodes.systems import System, code_key

Must = tantivy.Occur.Must
Should = tantivy.Occur.Should
FIELD_NAMES = {
    "title": "title",
    "drug": "drug name",
    "lay": "lay term",
    "inclusion": "inclusion term",
    "index": "index term",
}
CANDIDATES_EXTRA = 15  # retrieved beyond offset+limit so adjustments can reorder
WHOLE_NAME_BOOST = 1000.0  # an exact form scores this (constant-score queries), a bag 1
MAX_DROP_ONE_WORDS = 6  # longer queries fall back to any word
NDC_NOT_FOUND = (
    "No HCPCS code for NDC {ndc!r} in the CMS ASP NDC-HCPCS crosswalk, which lists Medicare "
    "Part B drugs only."
)


@dataclass(slots=True)
class Candidate:
    code_id: int
    rule: str
    score: float
    address: tantivy.DocAddress | None = None
    via: str = ""  # the lay phrase, for "lay phrase" hits
    package: NdcPackage | None = None  # for "NDC" hits


@dataclass(frozen=True, slots=True)
class Wanted:
    """What a query asks for, in the forms hits are compared with (computed once a search)."""

    stems: list[frozenset[str]]  # per alternative
    forms: frozenset[str]  # whole exact forms
    bags: frozenset[str]  # same words in any order


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
        self.speller = Speller.load(index_path(catalog.path))
        self.codes = {
            row[0]: CodeInfo(row[1], row[2], row[3], row[4], bool(row[5]), row[6], row[7])
            for row in catalog.conn.execute(
                "SELECT id, system, code, long_title, status, billable, kind, depth FROM codes"
            )
        }
        self.hcc_v28 = hcc_v28_code_ids(catalog.conn)

    # --- public ------------------------------------------------------------------------------
    def search(self, query: SearchQuery) -> SearchResult:
        started = time.perf_counter()
        plan = make_plan(query.text)
        if plan.message and not plan.code_shapes:
            return SearchResult(query.text, 0, _ms(started), [], {}, plan.message, None, plan)
        want = query.offset + query.limit
        candidates: dict[int, Candidate] = {}
        code_total = self._code_rules(plan, query, want, candidates)
        ndc_total = self._ndc_rule(plan, query, candidates)
        self._lay_phrase_rule(plan, query, candidates)
        text_total, unfiltered, did_you_mean = 0, None, None
        if not ndc_total:  # an NDC that names a drug is not also searched as words
            text_total, unfiltered, did_you_mean = self._text_rules(plan, query, want, candidates)
        total = code_total + ndc_total + text_total
        facets: dict[str, int] = {}
        flags = {"ndc": ndc_total} if ndc_total else {}
        if unfiltered is not None and query.facets:
            facets, flags["hcc-v28"] = self._facets(unfiltered)
        for candidate in candidates.values():
            if candidate.rule in ("exact code", "code prefix", "NDC"):
                system = self.codes[candidate.code_id].system
                facets[system] = facets.get(system, 0) + 1
                if candidate.code_id in self.hcc_v28 and query.facets:
                    flags["hcc-v28"] = flags.get("hcc-v28", 0) + 1
        ranked = sorted(candidates.values(), key=lambda c: -c.score)
        page = ranked[query.offset : want]
        wanted = self._wanted(plan) if page else None
        hits = [self._hit(candidate, wanted) for candidate in page]
        message = None if hits or query.offset else f"No codes match {plan.text!r}."
        if not hits and plan.ndcs:
            message = NDC_NOT_FOUND.format(ndc=plan.text)
        return SearchResult(
            query.text,
            max(total, len(ranked)),
            _ms(started),
            hits,
            facets,
            message,
            did_you_mean,
            plan,
            {name: count for name, count in flags.items() if count},
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
                total += self._subtree(shape, query, exact, want, out)
        return total

    def _subtree(
        self,
        shape: CodeShape,
        query: SearchQuery,
        exact: list[Code],
        want: int,
        out: dict[int, Candidate],
    ) -> int:
        """Codes under a prefix in official order, the exact match's system first; a dotted
        form (`E11.`) is ICD-10-CM only. Returns how many there are in all."""
        allowed = list(query.systems) or [s.value for s in System]
        if shape.dotted:
            allowed = [s for s in allowed if s == System.ICD10CM]
        first = [c.system for c in exact if c.system in allowed]
        ordered = list(dict.fromkeys([*first, *allowed]))
        total = 0
        position = 0
        for system in ordered:
            listed, count = self.catalog.subtree(shape.key, (system,), want + 1)
            total += count
            for code in listed:
                position += 1
                if code.id in out or not self._passes(code.id, query):
                    continue
                score = ranking.RULES["code prefix"] - position
                out[code.id] = Candidate(code.id, "code prefix", score)
        return max(0, total - len(exact))

    def _ndc_rule(self, plan: QueryPlan, query: SearchQuery, out: dict[int, Candidate]) -> int:
        """The HCPCS codes of the NDC the text is (any written form), each with its package;
        returns how many were found."""
        found = 0
        for package in packages_for_ndcs(self.catalog, plan.ndcs):
            if query.systems and package.system not in query.systems:
                continue
            (code,) = self.catalog.lookup(package.code, package.system)
            out[code.id] = Candidate(code.id, "NDC", ranking.RULES["NDC"], package=package)
            found += 1
        return found

    def _lay_phrase_rule(
        self, plan: QueryPlan, query: SearchQuery, out: dict[int, Candidate]
    ) -> None:
        """Codes a curated lay phrase inside the query names (prefixes: the general ones)."""
        systems = set(query.systems)
        for phrase, targets in plan.lay_codes:
            for target in targets:
                if target.endswith("*"):
                    codes, _ = self.catalog.subtree(target[:-1], tuple(systems), 12, total=False)
                else:
                    codes = self.catalog.lookup(target)
                for code in codes:
                    if code.id in out or (systems and code.system not in systems):
                        continue
                    if not self._passes(code.id, query):
                        continue
                    score = ranking.RULES["lay phrase"] + self._adjustment(code.id, set())
                    out[code.id] = Candidate(code.id, "lay phrase", score, None, phrase)

    def _passes(self, code_id: int, query: SearchQuery) -> bool:
        info = self.codes[code_id]
        if query.billable_only and not info.billable:
            return False
        if query.hcc_v28 and code_id not in self.hcc_v28:
            return False
        return query.include_terminated or info.status == "active"

    # --- words -------------------------------------------------------------------------------
    def _text_rules(
        self, plan: QueryPlan, query: SearchQuery, want: int, out: dict[int, Candidate]
    ) -> tuple[int, tantivy.Query | None, str | None]:
        """Whole names (exact, then same words in any order) and all words; when no code has
        all words, typo corrections (a word is unknown) or else some words. Returns the number
        of codes matched, the union query without the system filter (for facets) and a "did
        you mean"."""
        alternatives = [a for a in (self._stems(words) for words in plan.alternatives) if a]
        if not alternatives:
            return 0, None, None
        filters = self._filters(query, with_system=True)
        asked = {stem for stems in alternatives for stem in stems}
        whole = self._whole_names(plan.alternatives, alternatives)
        # A whole title or name typed exactly is shown even when the code has ended.
        exact_filters = self._filters(replace(query, include_terminated=True), with_system=True)
        named = self._collect_whole_names(self._filtered(whole, exact_filters), want, out, asked)
        all_words = _any([self._all_words(stems) for stems in alternatives])
        found, listed = self._collect(
            "all words", self._filtered(all_words, filters), want, out, 0.0, asked, count=True
        )
        union = [whole, all_words]
        did_you_mean = None
        if found < ranking.FALLBACK_BELOW:
            corrected = self._corrected(plan.words)
            if corrected != plan.words:
                did_you_mean = " ".join(corrected)
                variants = [corrected, *self._corrected_rewrites(corrected, plan.words)]
                asked |= set(self._stems(corrected))
                forms = sorted({exact_form(" ".join(words)) for words in variants})
                exact = tantivy.Query.const_score_query(self._any_term("exact", forms), 1.0)
                bonus = ranking.EXACT_AFTER_CORRECTION_BONUS
                self._collect("fuzzy", self._filtered(exact, filters), want, out, bonus, asked)
                rule, fallback = (
                    "fuzzy",
                    _any([self._all_words(self._stems(words)) for words in variants]),
                )
            else:
                rule, fallback = "some words", self._some_words(min(alternatives, key=len))
            self._collect(rule, self._filtered(fallback, filters), want, out, 0.0, asked)
            union.append(fallback)
            total = self._count(self._filtered(_any(union), filters))
        else:
            # Whole-name matches nearly always hold all the words too; count the few that
            # do not (ended codes, rewritten synonyms) instead of running the union again.
            total = found + len(named - listed)
        unfiltered = self._filtered(_any(union), self._filters(query, with_system=False))
        return total, unfiltered, did_you_mean

    def _whole_names(
        self, word_lists: tuple[tuple[str, ...], ...], alternatives: list[tuple[str, ...]]
    ) -> tantivy.Query:
        """Exact titles or names, or the same words; constant scores (WHOLE_NAME_BOOST for an
        exact form, 1 for a bag), so the score tells the rule."""
        forms = sorted({exact_form(" ".join(words)) for words in word_lists})
        bags = sorted({bag_form(stems) for stems in alternatives})
        return tantivy.Query.boolean_query(
            [
                (
                    Should,
                    tantivy.Query.const_score_query(
                        self._any_term("exact", forms), WHOLE_NAME_BOOST
                    ),
                ),
                (Should, tantivy.Query.const_score_query(self._any_term("exact", bags), 1.0)),
            ]
        )

    def _collect_whole_names(
        self, query: tantivy.Query, want: int, out: dict[int, Candidate], asked: set[str]
    ) -> set[int]:
        result = self.searcher.search(query, want + CANDIDATES_EXTRA, count=False)
        addresses = [address for _, address in result.hits]
        ids = self.searcher.fast_field_values("id", addresses) if addresses else []
        for (score, address), code_id in zip(result.hits, ids, strict=True):
            rule = "exact synonym" if score >= WHOLE_NAME_BOOST else "same words"
            total = ranking.RULES[rule] + self._adjustment(code_id, asked)
            if code_id not in out or out[code_id].score < total:
                out[code_id] = Candidate(code_id, rule, total, address)
        return set(ids)

    def _corrected(self, words: tuple[str, ...]) -> tuple[str, ...]:
        """Each word the index does not know, replaced by its spelling correction."""
        return tuple(
            word if self._known_word(word) else (self.speller.correct(word) or word)
            for word in words
        )

    def _corrected_rewrites(
        self, corrected: tuple[str, ...], words: tuple[str, ...]
    ) -> list[tuple[str, ...]]:
        """Lay-term rewrites of the corrected words ("hart attack" -> myocardial infarction)."""
        rewritten, notes = rewrite(corrected)
        return [rewritten] if notes and rewritten not in (corrected, words) else []

    def _known_word(self, word: str) -> bool:
        return all(self._known(stem) for stem in self.analyzer.analyze(word))

    def _any_term(self, field: str, values: list[str]) -> tantivy.Query:
        """Any of `values` in a raw field, as a disjunction of term lookups: tantivy's term-set
        query walks the whole term dictionary (0.19 ms on `exact`; this takes 0.005 ms)."""
        terms = [tantivy.Query.term_query(self.schema, field, value) for value in values]
        return (
            terms[0]
            if len(terms) == 1
            else tantivy.Query.boolean_query([(Should, term) for term in terms])
        )

    def _count(self, query: tantivy.Query) -> int:
        """Documents matching `query` (tantivy needs a limit of at least one)."""
        return self.searcher.search(query, 1, count=True).count

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
        """All words but one (any one); for two words, either. Intersections stay cheap where
        a plain OR of common words ("left", "leg") would score tens of thousands of codes."""
        if len(stems) <= 2 or len(stems) > MAX_DROP_ONE_WORDS:
            return tantivy.Query.boolean_query([(Should, self._word(stem)) for stem in stems])
        return _any([self._all_words(stems[:i] + stems[i + 1 :]) for i in range(len(stems))])

    def _filters(self, query: SearchQuery, with_system: bool) -> list[tantivy.Query]:
        filters: list[tantivy.Query] = []
        if with_system and query.systems:
            filters.append(self._any_term("system", list(query.systems)))
        if query.billable_only:
            filters.append(tantivy.Query.term_query(self.schema, "billable", 1))
        if query.hcc_v28:
            filters.append(tantivy.Query.term_query(self.schema, "hcc_v28", 1))
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
            filters.append(tantivy.Query.term_query(self.schema, "within", code_key(query.within)))
        return filters

    @staticmethod
    def _filtered(query: tantivy.Query, filters: list[tantivy.Query]) -> tantivy.Query:
        if not filters:
            return query
        return tantivy.Query.boolean_query([(Must, query), *((Must, f) for f in filters)])

    def _collect(
        self,
        rule: str,
        query: tantivy.Query,
        want: int,
        out: dict[int, Candidate],
        bonus: float,
        asked: set[str],
        count: bool = False,
    ) -> tuple[int, set[int]]:
        """Add the rule's best hits to `out`; returns how many match in all (when `count`)
        and the ids collected."""
        result = self.searcher.search(query, want + CANDIDATES_EXTRA, count=count)
        addresses = [address for _, address in result.hits]
        ids = self.searcher.fast_field_values("id", addresses) if addresses else []
        for (bm25, address), code_id in zip(result.hits, ids, strict=True):
            score = ranking.RULES[rule] + bonus + bm25 + self._adjustment(code_id, asked)
            if code_id not in out or out[code_id].score < score:
                out[code_id] = Candidate(code_id, rule, score, address)
        return (result.count if count else 0), set(ids)

    def _adjustment(self, code_id: int, asked: set[str]) -> float:
        """Within a rule: active, billable, general codes first (ranking.py explains each)."""
        stems, fixed = self._profile(code_id)
        return fixed - ranking.EXTRA_WORD_PENALTY * len(stems - asked)

    @functools.lru_cache(maxsize=65_536)  # noqa: B019 - one Searcher per process, kept for life
    def _profile(self, code_id: int) -> tuple[frozenset[str], float]:
        """A code's title words that can count as extra, and its query-independent adjustment."""
        info = self.codes[code_id]
        stems = frozenset(self.analyzer.analyze(info.title)) - ranking.DEFAULT_MARKERS
        fixed = -ranking.DEPTH_PENALTY * info.depth
        if info.status != "active":
            fixed -= ranking.TERMINATED_PENALTY
        if not info.billable:
            fixed -= ranking.HEADER_PENALTY
        if "unspecified" in info.title.lower():
            fixed += ranking.UNSPECIFIED_BONUS
        return stems, fixed

    def _facets(self, query: tantivy.Query) -> tuple[dict[str, int], int]:
        """Hits per system, and how many map to a CMS-HCC V28 category: one pass."""
        result = self.searcher.aggregate(
            query,
            {"s": {"terms": {"field": "system"}}, "h": {"terms": {"field": "hcc_v28"}}},
        )
        systems = {bucket["key"]: bucket["doc_count"] for bucket in result["s"]["buckets"]}
        hcc = sum(b["doc_count"] for b in result["h"]["buckets"] if int(b["key"]) == 1)
        return systems, hcc

    # --- answers -----------------------------------------------------------------------------
    def _wanted(self, plan: QueryPlan) -> Wanted:
        stems = [frozenset(self._stems(words)) for words in plan.alternatives]
        return Wanted(
            stems=stems,
            forms=frozenset(exact_form(" ".join(words)) for words in plan.alternatives),
            bags=frozenset(bag_form(words) for words in stems),
        )

    def _hit(self, candidate: Candidate, wanted: Wanted) -> Hit:
        info = self.codes[candidate.code_id]
        return Hit(
            info.system,
            info.code,
            info.title,
            round(candidate.score, 3),
            self._match(candidate, wanted, info),
            info.status,
            info.billable,
            info.kind,
            candidate.package,
        )

    def _match(self, candidate: Candidate, wanted: Wanted, info: CodeInfo) -> Match:
        """Which field made the hit: the title, else the first name holding every word."""
        if candidate.rule == "lay phrase":
            return Match(candidate.rule, "lay term", candidate.via)
        if candidate.package is not None:
            return Match(candidate.rule, "ASP NDC-HCPCS crosswalk", candidate.package.summary)
        if candidate.address is None:
            return Match(candidate.rule, "code", info.code)
        wanted_forms, wanted_bags = wanted.forms, wanted.bags
        rule = candidate.rule
        if rule == "exact synonym" and exact_forms(info.title, "title") & wanted_forms:
            return Match("exact title", "title", info.title)
        if rule not in ("exact synonym", "same words"):
            title_stems = set(self.analyzer.analyze(info.title))
            if any(w and w <= title_stems for w in wanted.stems):  # common case: no doc fetch
                return Match(rule, "title", info.title)
        stored = self.searcher.doc(candidate.address)
        for field in TEXT_FIELDS:
            for text in stored.get_all(field):
                if rule == "exact synonym":
                    lowered = text.lower()
                    if not any(form.split(" ", 1)[0] in lowered for form in wanted_forms):
                        continue
                    if exact_forms(text, "index-main") & wanted_forms:
                        name = "exact title" if field == "title" else "exact synonym"
                        return Match(name, FIELD_NAMES[field], text)
                    continue
                if rule == "same words":
                    if bag_forms(text, "title") & wanted_bags:
                        return Match(rule, FIELD_NAMES[field], text)
                    continue
                stems = set(self.analyzer.analyze(text))
                if any(w and w <= stems for w in wanted.stems):
                    return Match(rule, FIELD_NAMES[field], text)
        return Match(rule, "title", info.title)


def _any(queries: list[tantivy.Query]) -> tantivy.Query:
    if len(queries) == 1:
        return queries[0]
    return tantivy.Query.boolean_query([(Should, q) for q in queries])


def _ms(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 3)
