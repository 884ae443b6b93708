"""Why a hit was returned: the rule, the field and the text that matched, as each answer
says it ("exact synonym", drug name, "Blincyto"). Read from the code's title when it holds the
words, else from the stored names of the index document.
"""

from __future__ import annotations

import functools
import sys
from dataclasses import dataclass

import tantivy

from medcodes.catalog.billing import NdcPackage
from medcodes.search.index import TEXT_FIELDS, bag_forms, exact_forms
from medcodes.search.model import Hit, Match
from medcodes.search.paging import Candidate

# A hit whose title does not hold the words is explained by the stored name that does: a
# document fetch and every name of it stemmed. For a 1,000-hit page that was most of its work
# (a cold page of names: 70 ms). Only the first hits of a page are looked through (every hit of
# the pages the web API serves); later ones name their title.
SEARCHED_NAME_HITS = 100
CACHED_TEXTS = 65_536
FIELD_NAMES = {
    "title": "title",
    "drug": "drug name",
    "lay": "lay term",
    "inclusion": "inclusion term",
    "index": "index term",
    "short": "short title",
}


@dataclass(frozen=True, slots=True)
class CodeInfo:
    system: str
    code: str
    title: str
    status: str
    billable: bool
    kind: str
    depth: int


@dataclass(frozen=True, slots=True)
class Pattern:
    """Stems a name must hold to have matched: all of `stems`, and one of each group (the
    completions of a word being typed)."""

    stems: frozenset[str]
    groups: tuple[frozenset[str], ...] = ()

    def matches(self, stems: frozenset[str]) -> bool:
        return (
            bool(self.stems or self.groups)
            and self.stems <= stems
            and all(group & stems for group in self.groups)
        )


@dataclass(frozen=True, slots=True)
class Wanted:
    """What a query asks for, in the forms hits are compared with (computed once a search)."""

    patterns: tuple[Pattern, ...]
    forms: frozenset[str]  # whole exact forms, typed or completed
    bags: frozenset[str]  # same words in any order


class Matcher:
    """Hits with the field and text that made them, for one index (one per Searcher)."""

    def __init__(
        self,
        searcher: tantivy.Searcher,
        analyzer: tantivy.TextAnalyzer,
        codes: dict[int, CodeInfo],
    ) -> None:
        self.searcher = searcher
        self.analyzer = analyzer
        self.codes = codes
        # Index terms repeat across codes. A cache of this instance: keys without `self`, and
        # tuples of strings as values, are what the garbage collector stops tracking (a full
        # collection walked 90,000 frozensets of stems once the caches were full: pauses of
        # 200 ms on whichever search ran then; see Searcher).
        self.text_stems = functools.lru_cache(maxsize=CACHED_TEXTS)(self._text_stems)

    def hit(
        self,
        candidate: Candidate,
        wanted: Wanted | None,
        package: NdcPackage | None = None,
        position: int = 0,
    ) -> Hit:
        """The hit for a candidate (at `position` in its page); an NDC query's hit carries
        the package it named. Without `wanted`, the match names its rule only."""
        info = self.codes[candidate.code_id]
        if package is not None:
            matched = Match(candidate.rule, "ASP NDC-HCPCS crosswalk", package.summary)
        elif wanted is None:
            matched = Match(candidate.rule, "", "")
        else:
            matched = self._match(candidate, wanted, info, position)
        return Hit(
            info.system,
            info.code,
            info.title,
            round(candidate.score, 3),
            matched,
            info.status,
            info.billable,
            info.kind,
            package,
        )

    def close(self) -> None:
        """Drop the cache of stems (a reference cycle through this matcher)."""
        vars(self).pop("text_stems", None)

    def title_stems(self, code_id: int) -> tuple[str, ...]:
        return self.text_stems(self.codes[code_id].title)

    def stem_set(self, text: str) -> frozenset[str]:
        """A text's stems as a set, for the patterns of one search (made from the cache's
        tuple each time: a cache of sets would be walked by every full collection)."""
        return frozenset(self.text_stems(text))

    def _text_stems(self, text: str) -> tuple[str, ...]:
        """Stems of a title or stored name, each once (interned: the cache holds 65,536
        texts, whose stems repeat)."""
        return tuple(dict.fromkeys(map(sys.intern, self.analyzer.analyze(text))))

    def _match(self, candidate: Candidate, wanted: Wanted, info: CodeInfo, position: int) -> Match:
        """Which field made the hit: the title, else the first name holding every word."""
        rule = candidate.rule
        if rule == "lay phrase":
            return Match(rule, "lay term", candidate.via)
        if rule in ("exact code", "code prefix") or candidate.address is None:
            return Match(rule, "code", info.code)
        whole = rule in ("exact synonym", "completed name")
        if rule == "exact synonym" and exact_forms(info.title, "title") & wanted.forms:
            return Match("exact title", "title", info.title)
        if position >= SEARCHED_NAME_HITS:
            return Match(rule, "title", info.title)
        by_words = not whole and rule != "same words"
        title_stems = self.stem_set(info.title) if by_words else frozenset()
        if by_words and any(p.matches(title_stems) for p in wanted.patterns):  # no doc fetch
            return Match(rule, "title", info.title)
        stored = self.searcher.doc(candidate.address)
        for field in TEXT_FIELDS:
            for text in stored.get_all(field):
                if self._names_match(rule, text, wanted):
                    name = "exact title" if rule == "exact synonym" and field == "title" else rule
                    return Match(name, FIELD_NAMES[field], text)
        if by_words:
            spanned = self._spanning(rule, stored, info.title, title_stems, wanted)
            if spanned is not None:
                return spanned
        return Match(rule, "title", info.title)

    def _spanning(
        self,
        rule: str,
        stored: tantivy.Document,
        title: str,
        title_stems: frozenset[str],
        wanted: Wanted,
    ) -> Match | None:
        """The words found in the title and one name together (the index's combined words
        field): "liver biopsy" on 0FB00ZX is "Liver" in its title and "Biopsy" in an ICD-10-PCS
        index term, not all in the title."""
        for field in TEXT_FIELDS:
            if field == "title":
                continue
            for text in stored.get_all(field):
                stems = title_stems | self.stem_set(text)
                if any(p.matches(stems) for p in wanted.patterns):
                    return Match(rule, f"title and {FIELD_NAMES[field]}", f"{title}; {text}")
        return None

    def _names_match(self, rule: str, text: str, wanted: Wanted) -> bool:
        if rule in ("exact synonym", "completed name"):
            lowered = text.lower()
            if not any(form.split(" ", 1)[0] in lowered for form in wanted.forms):
                return False
            if exact_forms(text, "index-main") & wanted.forms:
                return True
            return rule == "completed name" and self._stem_match(text, wanted)
        if rule == "same words":
            return bool(bag_forms(text, "title") & wanted.bags)
        return self._stem_match(text, wanted)

    def _stem_match(self, text: str, wanted: Wanted) -> bool:
        stems = self.stem_set(text)
        return any(p.matches(stems) for p in wanted.patterns)
