"""Run a query plan against the derived index: one segment per rule of `ranking.RULES`.

Codes (exact, prefix), whole names, all words, then the word being typed as a prefix; when
no code has the words, typo corrections or some of the words. Everything is an index query
(filters included), so counts are exact and paging is a window on one order (`paging.py`).
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from typing import Any

import tantivy

from medcodes.catalog.billing import NdcPackage, packages_for_ndcs
from medcodes.catalog.read import Catalog
from medcodes.errors import BadQuery
from medcodes.search import filters as search_filters
from medcodes.search import ranking
from medcodes.search.completion import Completion, complete
from medcodes.search.filters import any_term, conditions
from medcodes.search.index import (
    EVERY_CODE,
    TEXT_FIELDS,
    analyzer,
    bag_form,
    exact_form,
    index_path,
    open_index,
)
from medcodes.search.matched import CodeInfo, Matcher, Pattern, Wanted
from medcodes.search.model import (
    MATCH_MODES,
    CodeShape,
    QueryPlan,
    SearchQuery,
    SearchResult,
)
from medcodes.search.paging import Segment, Walk
from medcodes.search.query import STOPWORDS, begun_phrases, required, rewrite
from medcodes.search.query import plan as make_plan
from medcodes.search.spelling import Speller
from medcodes.systems import System, code_key

Must = tantivy.Occur.Must
MustNot = tantivy.Occur.MustNot
Should = tantivy.Occur.Should
WORD_FIELDS = tuple(field for field in TEXT_FIELDS if field != "short")  # not abbreviations
MAX_DROP_ONE_WORDS = 6  # longer queries fall back to any word
COMPLETION_WEIGHT = 4.0  # a completed name's score: this times its completion's weight (0-1)
COMPLETED_REWRITES = 3  # completions of the last word tried against the lay-terms rewrites
CACHED_COMPLETIONS = 16_384  # as-you-type traffic repeats prefixes: walk each once
CACHED_TERMS = 65_536  # one-word queries (immutable, shared)
CACHED_FILTERS = 1_024  # filter combinations (an endpoint sends one or a few)
BROAD_PREFIX_CODES = (
    5_000  # codes holding a prefix's completions beyond which they are not BM25-scored
)
NDC_NOT_FOUND = (
    "No HCPCS code for NDC {ndc!r} in the CMS ASP NDC-HCPCS crosswalk, which lists Medicare "
    "Part B drugs only."
)
# Rules whose matches mean the words were found; when none has any, the fallbacks run.
WORD_RULES = ("exact synonym", "same words", "all words", "completed name", "word prefix")


@dataclass(slots=True)
class Words:
    """The typed words worked out once a search: stems, completions of the words being
    typed, lay rewrites of the query with its last word completed, and everything the
    adjustments count as asked for."""

    plan: QueryPlan
    stems: dict[str, tuple[str, ...]]  # word -> its stems
    completions: dict[int, tuple[Completion, ...]]  # open word position -> completions
    rewritten: list[tuple[tuple[str, ...], float]]  # ("acute myocardial infarction", weight)
    asked: set[str]
    typed_whole: bool  # the typed words can match as whole words (see Searcher._typed_whole)


class Searcher:
    """Search one catalog. Thread-safe for reads; build once per process."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self.index, self.recipe = open_index(catalog.path, catalog.meta().get("build_id", ""))
        self.schema = self.index.schema
        self.searcher = self.index.searcher()
        self.analyzer = analyzer()
        # Cached as plain tuples, which the garbage collector stops tracking (it keeps walking
        # named tuples and dataclasses: 9,000 completions in a full cache).
        self._completion_rows = functools.lru_cache(maxsize=CACHED_COMPLETIONS)(self._complete)
        # Caches of this instance, not of the class: their keys hold no `self`, so they are
        # plain values the garbage collector stops tracking (a full collection walks every
        # tracked object: 100,000 fewer once the caches are full).
        self._word = functools.lru_cache(maxsize=CACHED_TERMS)(self._word_query)
        # A search stems the same words several times, and keystrokes share their words.
        self._stems = functools.lru_cache(maxsize=CACHED_TERMS)(self._words_stems)
        self.speller = Speller.load(index_path(catalog.path))
        self.codes = {
            row[0]: CodeInfo(row[1], row[2], row[3], row[4], bool(row[5]), row[6], row[7])
            for row in catalog.conn.execute(
                "SELECT id, system, code, long_title, status, billable, kind, depth FROM codes"
            )
        }
        self.matcher = Matcher(self.searcher, self.analyzer, self.codes)
        # A code shape's kind (query.CODE_SHAPES) -> the segments that find it.
        self.shape_rules: dict[str, Callable[[CodeShape, SearchQuery], Iterator[Segment]]] = {
            "code": self._code_segments,
        }
        # Per searcher, not on the class: a server that swaps in a new build frees the old one.
        self._profile = functools.lru_cache(maxsize=65_536)(self._compute_profile)
        # Each segment of a search is filtered alike, and an endpoint's filters rarely change.
        self._conditions = functools.lru_cache(maxsize=CACHED_FILTERS)(self._make_conditions)

    # --- public ------------------------------------------------------------------------------
    def close(self) -> None:
        """Drop what refers back to this searcher (the per-instance caches and the shape
        rules hold its bound methods: reference cycles), so a dropped searcher is freed at once,
        even if its objects were frozen out of the garbage collector's way (gc.freeze, as
        servers do)."""
        cycles = ("_completion_rows", "_word", "_stems", "_profile", "_conditions", "shape_rules")
        for cycle in cycles:
            vars(self).pop(cycle, None)
        self.matcher.close()

    def search(self, query: SearchQuery) -> SearchResult:
        """Codes for what was typed, best first: exactly the page [offset, offset + limit) of
        one order that depends on the query only."""
        started = time.perf_counter()
        if query.match not in MATCH_MODES:
            raise BadQuery(f"match must be one of {', '.join(MATCH_MODES)}")
        plan = make_plan(query.text, query.prefix)
        if plan.message and not plan.code_shapes:
            return SearchResult(query.text, 0, _ms(started), [], {}, plan.message, None, plan)
        words = self._words(plan)
        filters = _filters_of(query)
        walk = self._walk(query, words.asked)
        used: list[Segment] = []

        def add(segments: Iterable[Segment]) -> None:
            for segment in segments:
                walk.add(self._filtered(segment, filters, True))
                used.append(segment)

        packages = packages_for_ndcs(self.catalog, plan.ndcs) if plan.ndcs else []
        add(self._code_segments_of(plan, query, packages))
        did_you_mean = None
        # An NDC that names a drug is not also searched as words.
        words_wanted = plan.words and query.match != "code" and not walk.sizes.get("NDC")
        if words_wanted:
            add(self._word_segments(words))
            add(self._lay_phrase_segments(plan))
        if words_wanted and not any(walk.sizes.get(rule) for rule in WORD_RULES):
            did_you_mean, fallbacks = self._fallbacks(words, query)
            add(fallbacks)
        counted = self._facets(used, filters) if query.facets else {}
        wanted = self._wanted(words) if walk.hits and query.explain else None
        by_id = {self._code_id(package): package for package in packages}
        hits = [
            self.matcher.hit(c, wanted, by_id.get(c.code_id), i) for i, c in enumerate(walk.hits)
        ]
        message = None if hits or query.offset else f"No codes match {plan.text!r}."
        if not hits and plan.ndcs and not query.offset:
            message = NDC_NOT_FOUND.format(ndc=plan.text)
        flags = {"ndc": walk.sizes.get("NDC", 0), "hcc-v28": counted.get("hcc-v28", 0)}
        return SearchResult(
            query.text,
            walk.position,
            _ms(started),
            hits,
            counted.get("system", {}),
            message,
            did_you_mean,
            plan,
            {name: count for name, count in flags.items() if count},
        )

    def listing(self, query: SearchQuery) -> SearchResult:
        """Every code of the query's systems (and filters) in official order: a value set
        expanded without a text filter."""
        started = time.perf_counter()
        walk = self._walk(query, set())
        every = tantivy.Query.term_query(self.schema, "code_prefix", EVERY_CODE)
        listed = Segment("code prefix", every, ranked=False)
        walk.add(self._filtered(listed, _filters_of(query), True))
        hits = [self.matcher.hit(c, Wanted((), frozenset(), frozenset())) for c in walk.hits]
        return SearchResult(query.text, walk.position, _ms(started), hits)

    # --- segments ----------------------------------------------------------------------------
    def _walk(self, query: SearchQuery, asked: set[str]) -> Walk:
        def score(segment: Segment, engines: list[float], code_ids: list[int]) -> list[float]:
            base = ranking.RULES[segment.rule] + segment.bonus
            if not segment.ranked:
                return [base + engine for engine in engines]
            adjust: Callable[[int], float] = (
                self._status_adjustment
                if segment.rule == "exact code"
                else functools.partial(self._adjustment, asked=asked)
            )
            weight = segment.weight
            # Rounded as shown: equal shown scores are ordered by system and code.
            return [
                round(base + weight * engine + adjust(code_id), 3)
                for engine, code_id in zip(engines, code_ids, strict=True)
            ]

        def order_key(code_id: int) -> tuple[str, str]:
            info = self.codes[code_id]
            return info.system, info.code

        return Walk(self.searcher, self.schema, query.offset, query.limit, score, order_key)

    def _filtered(self, segment: Segment, filters: SearchQuery, with_system: bool) -> Segment:
        """The segment with the conditions of `filters` (a query as `_filters_of` gives)."""
        kind = {
            "exact code": "codes",
            "NDC": "codes",
            "exact synonym": "names",
            "same words": "names",
        }.get(segment.rule, "words")
        found = self._conditions(filters, kind, with_system)
        if not found:
            return segment
        combined = tantivy.Query.boolean_query(
            [(Must, segment.query), *((Must, condition) for condition in found)]
        )
        return Segment(
            segment.rule, combined, segment.ranked, segment.weight, segment.bonus, segment.via
        )

    def _make_conditions(
        self, filters: SearchQuery, kind: str, with_system: bool
    ) -> list[tantivy.Query]:
        """The index conditions of filter set `kind` (queries are immutable: shared)."""
        return conditions(filters, self.schema, kind, with_system)

    def _code_segments_of(
        self, plan: QueryPlan, query: SearchQuery, packages: list[NdcPackage]
    ) -> Iterator[Segment]:
        """Exact codes, the HCPCS codes of an NDC typed, then code prefixes (rule order)."""
        if query.match == "words":
            return
        shaped = [
            s for shape in plan.code_shapes for s in self.shape_rules[shape.kind](shape, query)
        ]
        yield from (segment for segment in shaped if segment.rule == "exact code")
        if packages:
            ids = sorted({self._code_id(package) for package in packages})
            terms = [tantivy.Query.term_query(self.schema, "id", i) for i in ids]
            yield Segment("NDC", _any(terms), weight=0.0)
        yield from (segment for segment in shaped if segment.rule != "exact code")

    def _code_id(self, package: NdcPackage) -> int:
        return self.catalog.lookup(package.code, package.system)[0].id

    def _code_segments(self, shape: CodeShape, query: SearchQuery) -> Iterator[Segment]:
        """The exact code, then the codes it starts (`E11`, `J90`, `0DT`) in official order:
        first in the system(s) where the exact code is, then in the others."""
        exact = tantivy.Query.term_query(self.schema, "code", shape.key)
        yield Segment("exact code", exact, weight=0.0)
        found = self.catalog.lookup(shape.key)
        typed_as_prefix = shape.prefix or query.prefix == "all"  # CTSS: every word a prefix
        if not (typed_as_prefix or not found or len(shape.key) <= 4):
            return
        under = tantivy.Query.term_query(self.schema, "code_prefix", shape.key)
        if shape.dotted:  # `E11.` is an ICD-10-CM form
            under = _all([under, any_term(self.schema, "system", [System.ICD10CM.value])])
        first = sorted({code.system for code in found})
        if not first:
            yield Segment("code prefix", under, ranked=False)
            return
        systems = any_term(self.schema, "system", first)
        yield Segment("code prefix", _all([under, systems]), ranked=False)
        others = tantivy.Query.boolean_query([(Must, under), (MustNot, systems)])
        yield Segment("code prefix", others, ranked=False)

    def _lay_phrase_segments(self, plan: QueryPlan) -> Iterator[Segment]:
        """Codes a curated lay phrase inside the query names (a category: all its codes,
        the general ones first by the adjustments)."""
        for phrase, targets in plan.lay_codes:
            queries = [self._lay_target(target) for target in targets]
            yield Segment("lay phrase", _any(queries), weight=0.0, via=phrase)

    def _lay_target(self, target: str) -> tantivy.Query:
        """The codes of a lay-term target; a prefix (`J10*`) in the system of the code it is
        (influenza J10, not HCPCS J1000-J1099)."""
        key = code_key(target)
        if not target.endswith("*"):
            return tantivy.Query.term_query(self.schema, "code", key)
        under = tantivy.Query.term_query(self.schema, "code_prefix", key)
        systems = sorted({code.system for code in self.catalog.lookup(key)})
        return _all([under, self._any_term("system", systems)]) if systems else under

    def _word_segments(self, words: Words) -> Iterator[Segment]:
        plan = words.plan
        alternatives = [a for a in (self._stems(w) for w in plan.alternatives) if a]
        if not alternatives:
            return
        forms = self._indexed("exact", {exact_form(" ".join(w)) for w in plan.alternatives})
        if forms:
            yield Segment("exact synonym", self._any_term("exact", forms), weight=0.0)
        if not words.typed_whole:
            alternatives = [self._stems(w) for w in plan.alternatives[1:]]
        bags = self._indexed("exact", {bag_form(stems) for stems in alternatives if stems})
        if bags:
            yield Segment("same words", self._any_term("exact", bags), weight=0.0)
        whole = self._whole_words(words)
        if whole is not None:
            yield Segment("all words", whole)
        completed = self._completed_names(words)
        if completed is not None:
            yield Segment("completed name", completed, weight=COMPLETION_WEIGHT)
        prefixed = self._prefix_words(words)
        if prefixed is not None:
            yield Segment("word prefix", prefixed)

    def _whole_words(self, words: Words) -> tantivy.Query | None:
        """Every word as a whole word: the typed words (a word being typed not as an
        abbreviation: "diab" is one in short titles) and each lay rewrite."""
        plan = words.plan
        typed = list(plan.words) if words.typed_whole else []
        open_words = {typed[i] for i in plan.open_words} if typed else set()
        queries: list[tantivy.Query | None] = []
        if typed:
            clauses = [
                self._word_any(words.stems[w], WORD_FIELDS if w in open_words else TEXT_FIELDS)
                for w in dict.fromkeys(required(tuple(typed)))  # a repeated word counts once
            ]
            found = [clause for clause in clauses if clause is not None]
            queries.append(_all(found) if found and len(found) == len(clauses) else None)
        for alternative in plan.alternatives[1:]:
            queries.append(self._all_words(self._stems(alternative)))
        found = [q for q in queries if q is not None]
        return _any(found) if found else None

    def _completed_names(self, words: Words) -> tantivy.Query | None:
        """Names the typed words are the beginning of, the last word completed: the whole
        text a title or name ("blinat" -> blinatumomab, "hypert" -> hypertension), or a lay
        phrase rewritten ("heart att" -> acute myocardial infarction). Each scores its
        completion's weight."""
        plan = words.plan
        last = len(plan.words) - 1
        if last not in plan.open_words:
            return None
        head = plan.words[:-1]
        named = [((*head, c.word), c.weight) for c in words.completions.get(last, ())]
        names = [*named, *words.rewritten]
        forms = [(exact_form(" ".join(name)), weight) for name, weight in names]
        queries = [
            tantivy.Query.const_score_query(
                tantivy.Query.term_query(self.schema, "exact", form), weight
            )
            for form, weight in forms
            if self.searcher.doc_freq("exact", form)
        ]
        return _any(queries) if queries else None

    def _prefix_words(self, words: Words) -> tantivy.Query | None:
        """Finished words whole, each word being typed as the start of a word: one of its
        completions (a small word being typed only ranks: "heart at"); or the words of a lay
        phrase the query begins, rewritten."""
        rewritten = [
            tantivy.Query.boost_query(found, weight)
            for phrase, weight in words.rewritten
            if (found := self._all_words(self._stems(phrase))) is not None
        ]
        typed = self._typed_prefix_words(words)
        found = [typed, *rewritten] if typed is not None else rewritten
        return _any(found) if found else None

    def _typed_prefix_words(self, words: Words) -> tantivy.Query | None:
        plan = words.plan
        if not plan.open_words:
            return None
        clauses: list[tuple[tantivy.Occur, tantivy.Query]] = []
        seen: set[tuple[str, bool]] = set()  # a repeated word counts once
        for position, word in enumerate(plan.words):
            if (word, position in plan.open_words) in seen:
                continue
            seen.add((word, position in plan.open_words))
            if position in plan.open_words:
                completions = self._completion_query(words.completions.get(position, ()))
                if completions is None:
                    if word in STOPWORDS:
                        continue
                    return None
                clauses.append((Should if word in STOPWORDS else Must, completions))
            elif word not in STOPWORDS or len(plan.words) == 1:
                whole = self._word_any(words.stems[word], TEXT_FIELDS)
                if whole is None:
                    return None
                clauses.append((Must, whole))
        if not any(occur == Must for occur, _ in clauses):
            return None
        return tantivy.Query.boolean_query(clauses)

    def _completion_query(self, completions: tuple[Completion, ...]) -> tantivy.Query | None:
        """Any completion, scored by BM25 in every field times its weight; a broad prefix
        ("en": encounter, endoscopic, ...) by its weight alone, read from the one `words`
        field: scoring tens of thousands of codes in every field is the costly part."""
        if sum(completion.codes for completion in completions) > BROAD_PREFIX_CODES:
            queries = [
                tantivy.Query.const_score_query(
                    tantivy.Query.term_query(self.schema, "words", completion.word),
                    completion.weight,
                )
                for completion in completions
            ]
        else:
            queries = [
                tantivy.Query.boost_query(self._word(stem, TEXT_FIELDS), completion.weight)
                for completion in completions
                for stem in completion.stems
            ]
        return _any(queries) if queries else None

    def _fallbacks(self, words: Words, query: SearchQuery) -> tuple[str | None, list[Segment]]:
        """When no code has the words: typo corrections of finished words (a word being
        typed with no completion is finished too), else (not in every-word mode) some words.
        Returns the "did you mean" and the segments."""
        plan = words.plan
        corrected = self._corrected(words)
        if corrected != plan.words:
            variants = [corrected, *self._corrected_rewrites(corrected, plan.words)]
            words.asked |= set(self._stems(corrected))
            forms = sorted({exact_form(" ".join(w)) for w in variants})
            fuzzy_words = _any([self._all_words(self._stems(w)) for w in variants])
            bonus = ranking.EXACT_AFTER_CORRECTION_BONUS
            return " ".join(corrected), [
                Segment("fuzzy", self._any_term("exact", forms), weight=0.0, bonus=bonus),
                Segment("fuzzy", fuzzy_words),
            ]
        if query.every_word:
            return None, []
        alternatives = [a for a in (self._stems(w) for w in plan.alternatives) if a]
        if not alternatives:
            return None, []
        return None, [Segment("some words", self._some_words(min(alternatives, key=len)))]

    def _facets(self, used: list[Segment], filters: SearchQuery) -> dict[str, dict[str, int]]:
        """Hits per system (before the system filter), and how many map to a CMS-HCC V28
        category: {"system": {...}, "hcc-v28": n}."""
        union = _any([self._filtered(s, filters, False).query for s in used]) if used else None
        found = search_filters.facets(self.searcher, union)
        hcc = sum(n for value, n in found.get("hcc-v28", {}).items() if int(value) == 1)
        return {"system": found.get("system", {}), "hcc-v28": hcc}  # type: ignore[dict-item]

    # --- words -------------------------------------------------------------------------------
    def _words(self, plan: QueryPlan) -> Words:
        stems = {word: tuple(self.analyzer.analyze(word)) for word in plan.words}
        finished = tuple(
            w for i, w in enumerate(plan.words) if i not in plan.open_words and w not in STOPWORDS
        )
        completions = {
            i: self._completions_in_context(plan.words[i], finished) for i in plan.open_words
        }
        rewritten = self._rewritten_completions(plan, completions)
        asked = {s for words in plan.alternatives for s in self._stems(words)}
        asked |= {s for phrase, _ in rewritten for s in self._stems(phrase)}
        asked |= {s for found in completions.values() for c in found for s in c.stems}
        return Words(plan, stems, completions, rewritten, asked, self._typed_whole(plan))

    def _typed_whole(self, plan: QueryPlan) -> bool:
        """Whether the typed words can match as whole words: not while a word being typed is
        no word of any name ("pneumon" is only a stem, of pneumonitis), nor a small word
        after others ("heart at": "at" is the start of "attack")."""
        for position in plan.open_words:
            word = plan.words[position]
            if word in STOPWORDS and len(plan.words) > 1:
                return False
            if not self.searcher.doc_freq("words", word):
                return False
        return True

    def _completions_in_context(
        self, prefix: str, finished: tuple[str, ...]
    ) -> tuple[Completion, ...]:
        """Completions counted among codes holding the finished words; among all codes when
        none has them (or no word is finished)."""
        found = self.completions(prefix, finished) if finished else ()
        return found or self.completions(prefix, ())

    def completions(self, prefix: str, finished: tuple[str, ...]) -> tuple[Completion, ...]:
        """Words `prefix` may be the start of, among codes holding the `finished` words."""
        return tuple(map(Completion._make, self._completion_rows(prefix, finished)))

    def _complete(self, prefix: str, finished: tuple[str, ...]) -> tuple[tuple[Any, ...], ...]:
        within = [self._word(s, TEXT_FIELDS) for w in finished for s in self.analyzer.analyze(w)]
        found = complete(self.searcher, self.analyzer, prefix, _all(within) if within else None)
        return tuple(tuple(completion) for completion in found)

    def _rewritten_completions(
        self, plan: QueryPlan, completions: dict[int, tuple[Completion, ...]]
    ) -> list[tuple[tuple[str, ...], float]]:
        """Lay rewrites of the query with its last word completed ("heart att" -> heart
        attack -> acute myocardial infarction), each with its completion's weight."""
        last = len(plan.words) - 1
        if last not in plan.open_words:
            return []
        found: dict[tuple[str, ...], float] = dict.fromkeys(begun_phrases(plan.words), 1.0)
        for completion in completions.get(last, ())[:COMPLETED_REWRITES]:
            typed = (*plan.words[:-1], completion.word)
            rewritten, notes = rewrite(typed)
            if notes and rewritten != typed:
                found[rewritten] = max(found.get(rewritten, 0.0), completion.weight)
        return list(found.items())

    def _corrected(self, words: Words) -> tuple[str, ...]:
        """Each finished word the index does not know, replaced by its spelling correction."""
        plan = words.plan
        return tuple(
            word
            if self._known_word(word) or words.completions.get(position)
            else (self.speller.correct(word) or word)
            for position, word in enumerate(plan.words)
        )

    def _corrected_rewrites(
        self, corrected: tuple[str, ...], words: tuple[str, ...]
    ) -> list[tuple[str, ...]]:
        """Lay-term rewrites of the corrected words ("hart attack" -> myocardial infarction)."""
        rewritten, notes = rewrite(corrected)
        return [rewritten] if notes and rewritten not in (corrected, words) else []

    def _known_word(self, word: str) -> bool:
        return all(self._known(stem) for stem in self.analyzer.analyze(word))

    def _indexed(self, field: str, values: set[str]) -> list[str]:
        """The values the index holds in `field`, sorted: a name no code has cannot match,
        and a segment of none is not searched at all (most keystrokes are no whole name)."""
        return sorted(value for value in values if self.searcher.doc_freq(field, value))

    def _any_term(self, field: str, values: list[str]) -> tantivy.Query:
        return any_term(self.schema, field, values)

    def _words_stems(self, words: tuple[str, ...]) -> tuple[str, ...]:
        """The stems of the words every match needs (see `_stems`, its cache)."""
        content = required(tuple(words))
        return tuple(dict.fromkeys(s for w in content for s in self.analyzer.analyze(w)))

    def _known(self, stem: str) -> bool:
        return any(self.searcher.doc_freq(field, stem) for field in TEXT_FIELDS)

    def _word_query(self, stem: str, fields: tuple[str, ...]) -> tantivy.Query:
        """One word in any of `fields`, weighted by field (queries are immutable: shared)."""
        return tantivy.Query.disjunction_max_query(
            [
                tantivy.Query.boost_query(
                    tantivy.Query.term_query(self.schema, field, stem), ranking.FIELD_BOOSTS[field]
                )
                for field in fields
            ],
            tie_breaker=0.1,
        )

    def _word_any(self, stems: tuple[str, ...], fields: tuple[str, ...]) -> tantivy.Query | None:
        """A word (all its stems) in `fields`; None for a word without letters or digits."""
        if not stems:
            return None
        return _all([self._word(stem, fields) for stem in stems])

    def _all_words(self, stems: tuple[str, ...]) -> tantivy.Query | None:
        if not stems:
            return None
        return _all([self._word(stem, TEXT_FIELDS) for stem in stems])

    def _some_words(self, stems: tuple[str, ...]) -> tantivy.Query:
        """All words but one (any one); for two words, either. Intersections stay cheap where
        a plain OR of common words ("left", "leg") would score tens of thousands of codes."""
        if len(stems) <= 2 or len(stems) > MAX_DROP_ONE_WORDS:
            return _any([self._word(stem, TEXT_FIELDS) for stem in stems])
        return _any(
            [
                _all([self._word(s, TEXT_FIELDS) for s in stems[:i] + stems[i + 1 :]])
                for i in range(len(stems))
            ]
        )

    # --- adjustments -------------------------------------------------------------------------
    def _adjustment(self, code_id: int, asked: set[str]) -> float:
        """Within a rule: active, billable, general codes first (ranking.py explains each)."""
        stems, fixed = self._profile(code_id)
        extra = len(stems) - len(asked.intersection(stems))  # stems are each once
        return fixed - ranking.EXTRA_WORD_PENALTY * extra

    def _status_adjustment(self, code_id: int) -> float:
        return -ranking.TERMINATED_PENALTY if self.codes[code_id].status != "active" else 0.0

    def _compute_profile(self, code_id: int) -> tuple[tuple[str, ...], float]:
        """A code's title words that can count as extra (each once), and its query-independent
        adjustment: plain values the garbage collector stops tracking."""
        info = self.codes[code_id]
        stems = tuple(
            s for s in self.matcher.title_stems(code_id) if s not in ranking.DEFAULT_MARKERS
        )
        fixed = -ranking.DEPTH_PENALTY * info.depth
        if info.status != "active":
            fixed -= ranking.TERMINATED_PENALTY
        if not info.billable:
            fixed -= ranking.HEADER_PENALTY
        if "unspecified" in info.title.lower():
            fixed += ranking.UNSPECIFIED_BONUS
        return stems, fixed

    # --- answers -----------------------------------------------------------------------------
    def _wanted(self, words: Words) -> Wanted:
        plan = words.plan
        patterns = [Pattern(frozenset(self._stems(w))) for w in plan.alternatives]
        patterns += [Pattern(frozenset(self._stems(w))) for w, _ in words.rewritten]
        forms = {exact_form(" ".join(w)) for w in plan.alternatives}
        forms |= {exact_form(" ".join(w)) for w, _ in words.rewritten}
        if plan.open_words:
            finished = tuple(w for i, w in enumerate(plan.words) if i not in plan.open_words)
            groups = tuple(
                frozenset(s for c in words.completions.get(i, ()) for s in c.stems)
                for i in plan.open_words
                if plan.words[i] not in STOPWORDS
            )
            patterns.append(
                Pattern(frozenset(self._stems(finished)) if finished else frozenset(), groups)
            )
            head = " ".join(plan.words[:-1])
            last = len(plan.words) - 1
            forms |= {f"{head} {c.word}".strip() for c in words.completions.get(last, ())}
        return Wanted(
            patterns=tuple(patterns),
            forms=frozenset(forms),
            bags=frozenset(bag_form(p.stems) for p in patterns[: len(plan.alternatives)]),
        )


def _any(queries: list[tantivy.Query]) -> tantivy.Query:
    if len(queries) == 1:
        return queries[0]
    return tantivy.Query.boolean_query([(Should, q) for q in queries])


def _all(queries: list[tantivy.Query]) -> tantivy.Query:
    if len(queries) == 1:
        return queries[0]
    return tantivy.Query.boolean_query([(Must, q) for q in queries])


def _filters_of(query: SearchQuery) -> SearchQuery:
    """The query without what filters never read (the text, the page, facets): the key of
    the conditions cache, equal for every keystroke sent to one endpoint."""
    return replace(query, text="", limit=1, offset=0, facets=False)


def _ms(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 3)
