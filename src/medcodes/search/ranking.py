"""Ranking rules as data: read top to bottom, a rule's base score puts every hit it finds
above every hit of the rules below it (OHDSI Athena's recipe: exact far above fuzzy).

Within a rule, hits are ordered by the engine's BM25 score plus the adjustments below.
"""

from __future__ import annotations

# rule -> base score. A hit's score is base + BM25 (<~50) + adjustments (<~10).
RULES: dict[str, float] = {
    "exact code": 1_000_000,
    "NDC": 900_000,  # an NDC of the CMS ASP crosswalk: its HCPCS code
    "code prefix": 500_000,  # `E11.` / `J90`: the subtree in official order
    "exact title": 100_000,  # the whole query is the code's title
    "exact synonym": 80_000,  # ... or one of its other names
    "same words": 60_000,  # the same words in any order, nonessential modifiers ignored
    "all words": 10_000,
    # The word being typed (the last; every word in CTSS) completed: whole-word and exact
    # matches rank above these, these above matches of only some of the words.
    "completed name": 9_000,  # the typed words begin a whole name ("blinat" -> blinatumomab)
    "word prefix": 8_000,  # finished words whole, the word being typed as a word's start
    "lay phrase": 5_000,  # a curated lay phrase inside a longer query ("hives on my skin")
    "some words": 1_000,
    "fuzzy": 100,  # typo-tolerant; never above any of the rules above
}

# Field weights inside the text rules: the official title counts most.
FIELD_BOOSTS: dict[str, float] = {
    "title": 3.0,
    "drug": 2.5,  # brand/product and generic names (ASP crosswalk, Table of Drugs)
    "lay": 2.5,  # curated lay terms
    "inclusion": 1.5,  # ICD-10-CM inclusion terms
    "index": 1.0,  # ICD-10-CM / PCS alphabetic index and tables
    "short": 1.0,  # short titles: abbreviations, a whole word only once the word is finished
}

TERMINATED_PENALTY = 50.0  # active codes first within a rule
DEPTH_PENALTY = 0.5  # per level below the top: broad queries prefer the general code
EXTRA_WORD_PENALTY = 0.6  # per title word the query did not ask for: general before specific
# Words that mark the default code for a bare condition ("Pneumonia, unspecified organism",
# "... without complications") and so are not "extra" specifics.
DEFAULT_MARKERS = frozenset({"unspecifi", "nos", "without", "complic", "organ"})
UNSPECIFIED_BONUS = 1.0  # "... unspecified" is the default code for a bare condition
HEADER_PENALTY = 1.0  # a billable code before a non-billable header with the same words
# Within "fuzzy": the corrected text is a whole name; above any corrected words' BM25.
EXACT_AFTER_CORRECTION_BONUS = 300.0

# Below this many all-words hits, the some-words or fuzzy rule runs too. Some words is a
# fallback for queries no code matches in full, not padding for short result lists.
FALLBACK_BELOW = 1
