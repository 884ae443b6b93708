"""The typed values that cross the search boundary: query in, hits out."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from medcodes.catalog.billing import NdcPackage
from medcodes.serial import Serialisable

# The work one query may do is bounded whatever is typed (docs/search.md, "Work bound";
# bench/fuzz.py prints the slowest of 100,000 hostile queries): its length, its words (each
# searched once), and the expansions of words being typed (completion.MAX_COMPLETIONS each)
# and of unknown words (one spelling correction each).
MAX_QUERY_CHARS = 200  # longer input is cut: no code or phrase is that long
MAX_WORDS = 16  # the first words are searched, the rest left out: a pasted title still matches
MAX_LIMIT = 1000  # one page; deeper pages come by offset
# Which words match as word prefixes: the one being typed (the last, unless a space or a
# punctuation mark follows it), every word (NLM's Clinical Table Search Service), or none.
PREFIX_MODES = ("last", "all", "none")
# What the text is matched against: codes and words, codes only, or words (names) only.
MATCH_MODES = ("both", "code", "words")


@dataclass(frozen=True, slots=True)
class SearchQuery:
    """One search request with its filters. Validation of ranges happens at the edges."""

    text: str
    systems: tuple[str, ...] = ()  # empty: every system
    billable_only: bool = False
    include_terminated: bool = False  # exact code matches are always shown, labelled
    active_on: date | None = None
    within: str | None = None  # a chapter, section, category, table or group code
    limit: int = 10
    offset: int = 0
    facets: bool = False  # count hits per system (the web page's filter chips)
    prefix: str = "last"  # one of PREFIX_MODES
    every_word: bool = False  # no fallback to codes matching only some of the words
    exact_codes_always: bool = True  # an exact code is shown even when ended (labelled)
    match: str = "both"  # one of MATCH_MODES (CTSS `sf`: the fields searched)
    code_prefix: str | None = None  # only codes starting so (CTSS `q=code:E11*`)
    hcc_v28: bool = False  # only codes that map to a CMS-HCC V28 category (and exact codes)
    # Work out the field and text each hit matched on (`Hit.matched`); answers with no place
    # for them (CTSS rows, FHIR expansions) skip it: a tenth of an as-you-type search.
    explain: bool = True


@dataclass(frozen=True, slots=True)
class CodeShape:
    """A way the text could be a code: its lookup key, and whether it is only a prefix.

    `kind` names the recogniser in `query.CODE_SHAPES` and the engine's rule for it."""

    key: str
    prefix: bool
    dotted: bool = False  # typed with a dot: an ICD-10-CM form
    kind: str = "code"


@dataclass(frozen=True, slots=True)
class QueryPlan:
    """What the query means before any engine runs: the plan `--explain` prints."""

    text: str  # normalised text
    code_shapes: tuple[CodeShape, ...]
    words: tuple[str, ...]  # the words as typed (lower case)
    alternatives: tuple[tuple[str, ...], ...]  # word lists to search: as typed, then rewrites
    rewrites: tuple[str, ...]  # human-readable: "afib -> atrial fibrillation (lay terms)"
    message: str | None = None  # why nothing can be searched (empty input, ...)
    lay_codes: tuple[tuple[str, tuple[str, ...]], ...] = ()  # lay phrase in the query -> codes
    open_words: tuple[int, ...] = ()  # positions in `words` that match as word prefixes
    ndcs: tuple[str, ...] = ()  # the 11-digit NDCs the text can be (55513-160-01, 55513016001)


@dataclass(frozen=True, slots=True)
class Match:
    """Why a hit was returned: the rule, the field, and the text that matched."""

    rule: str  # a name from ranking.RULES: "exact code", "all words", ...
    field: str  # "code", "title", or a synonym source ("asp-brand", "inclusion", "lay", ...)
    text: str


@dataclass(frozen=True, slots=True)
class Hit:
    system: str
    code: str
    title: str
    score: float
    matched: Match
    status: str
    billable: bool
    kind: str
    ndc: NdcPackage | None = None  # the package an NDC query named, with its billing units


@dataclass(frozen=True, slots=True)
class SearchResult(Serialisable):
    query: str
    total: int
    took_ms: float
    hits: list[Hit]
    facets: dict[str, int] = field(default_factory=dict)  # hits per system before the system filter
    message: str | None = None
    did_you_mean: str | None = None
    plan: QueryPlan | None = None
    # Hits found from an NDC ("ndc") and hits that map to a CMS-HCC V28 category ("hcc-v28").
    filter_facets: dict[str, int] = field(default_factory=dict)
