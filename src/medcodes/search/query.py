"""Query understanding, engine-free: normalise, spot code shapes, split words, rewrite lay
terms and abbreviations. Never raises on any input: the worst outcome is an empty plan with
a message.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable
from datetime import date

from medcodes.errors import BadQuery
from medcodes.ndc import ndc11_candidates
from medcodes.search.lay_terms import WORD, phrase_codes, phrase_key, rewrites, rewrites_starting
from medcodes.search.model import MAX_QUERY_CHARS, MAX_WORDS, PREFIX_MODES, CodeShape, QueryPlan
from medcodes.systems import code_key

# One token a person may type for a code: J9039, e11.9, E11., 0DTJ4ZZ, LT, J90*, E11-.
CODE_TOKEN = re.compile(r"^[a-z0-9]{1,7}(\.[a-z0-9]{0,4})?[.*\-]?$")
STOPWORDS = frozenset({"a", "an", "the", "of", "and", "or", "for", "in", "on", "to", "by", "at"})
MAX_PHRASE_WORDS = 5
MAX_BEGUN_PHRASES = 3  # lay phrases a half-typed query may be the beginning of
CACHED_REWRITES = 16_384  # word tuples (the lay-terms table is fixed for the process)
MIN_BEGUN_PHRASE = 5  # characters typed before lay phrases are guessed ("hi b" is too few)


def normalise(text: str) -> str:
    """Lower-case text without accents, control characters or repeated spaces, length-capped.

    >>> normalise("  Sézary\\x00 SYNDROME ")
    'sezary syndrome'
    """
    if text.isascii() and text.isprintable():  # the common case, without per-character work
        return " ".join(text.lower().split())[:MAX_QUERY_CHARS]
    folded = unicodedata.normalize("NFKD", text[: MAX_QUERY_CHARS * 4])
    kept = "".join(
        " " if unicodedata.category(ch)[0] in "CZ" else ch
        for ch in folded
        if not unicodedata.combining(ch)
    )
    return " ".join(kept.lower().split())[:MAX_QUERY_CHARS]


def code_form(token: str) -> CodeShape | None:
    """A code in its official or lookup form, or a prefix of one (`E11.`, `J90*`, `0DT`).

    A code needs a digit, except two-letter HCPCS modifiers (LT, RT, GA)."""
    if not CODE_TOKEN.match(token):
        return None
    key = code_key(token)
    if not key or not (any(ch.isdigit() for ch in key) or len(key) == 2):
        return None
    return CodeShape(key, prefix=token.endswith((".", "*", "-")), dotted="." in token)


# Recognisers of one typed token, each giving the shape of a code it could be; the engine has
# one rule per shape kind. A new identifier a person may type (an NDC, ...) is one more entry.
CODE_SHAPES: tuple[Callable[[str], CodeShape | None], ...] = (code_form,)


def code_shapes(text: str) -> tuple[CodeShape, ...]:
    """The codes the text could be, if it is one token shaped like a code.

    >>> code_shapes("e11.")
    (CodeShape(key='E11', prefix=True, dotted=True, kind='code'),)
    """
    token = text.strip().lower()
    if not token or " " in token:
        return ()
    shapes = (recognise(token) for recognise in CODE_SHAPES)
    return tuple(shape for shape in shapes if shape is not None)


@functools.lru_cache(maxsize=CACHED_REWRITES)
def rewrite(words: tuple[str, ...]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Replace lay phrases and abbreviations with official wording, longest phrase first,
    twice, so that an expanded abbreviation can complete a phrase ("high bp"). Cached: a
    search rewrites its words and its last word's completions, and keystrokes share them."""
    once, notes = _rewrite_pass(words)
    twice, more = _rewrite_pass(once) if notes else (once, [])
    return twice, (*notes, *more)


def lay_phrases(words: tuple[str, ...]) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """Curated lay phrases inside the query that name codes directly ("hives on skin")."""
    table = phrase_codes()
    found: dict[str, tuple[str, ...]] = {}
    for start in range(len(words)):
        for size in range(min(MAX_PHRASE_WORDS, len(words) - start), 0, -1):
            key = phrase_key(words[start : start + size])
            if key and key in table:
                found.setdefault(key, table[key])
                break
    return tuple(found.items())


def _rewrite_pass(words: tuple[str, ...]) -> tuple[tuple[str, ...], list[str]]:
    table = rewrites()
    out: list[str] = []
    notes: list[str] = []
    index = 0
    while index < len(words):
        for size in range(min(MAX_PHRASE_WORDS, len(words) - index), 0, -1):
            phrase = phrase_key(words[index : index + size])
            if phrase in table:
                out.extend(WORD.findall(table[phrase]))
                notes.append(f"{phrase} -> {table[phrase]}")
                index += size
                break
        else:
            out.append(words[index])
            index += 1
    return tuple(out), notes


def plan(text: str, prefix: str = "last") -> QueryPlan:
    """Everything the engine needs to know about what was typed. `prefix` (one of
    PREFIX_MODES) says which words are still being typed and so match as word prefixes."""
    raw = text if isinstance(text, str) else ""
    normal = normalise(raw)
    if not normal:
        return QueryPlan("", (), (), (), (), message="Type a code or some words to search.")
    found = WORD.findall(normal)
    words = tuple(found[:MAX_WORDS])
    shapes = code_shapes(normal)
    alternatives: list[tuple[str, ...]] = [words] if words else []
    rewritten, notes = rewrite(words)
    if notes and rewritten != words:
        alternatives.append(rewritten)
    message = None
    if not words and not shapes:
        message = "Nothing searchable in the query: use letters or digits."
    return QueryPlan(
        normal,
        shapes,
        words,
        tuple(alternatives),
        tuple(notes),
        message,
        lay_phrases(words),
        open_words=open_positions(raw, words, prefix, typing=len(found) <= MAX_WORDS),
        ndcs=ndc11_candidates(normal),
    )


def open_positions(
    raw: str, words: tuple[str, ...], prefix: str, typing: bool = True
) -> tuple[int, ...]:
    """Which words match as prefixes: the last one while it is being typed (nothing follows
    it: no space, no punctuation; and `typing`: it is the last word typed, not the last one
    kept of a longer query), or, in mode "all", every word that is not a small word, each
    word once (a repeated prefix expands to the same completions)."""
    if prefix not in PREFIX_MODES:
        raise BadQuery(f"prefix must be one of {', '.join(PREFIX_MODES)}")
    if not words or prefix == "none":
        return ()
    last_open = typing and raw[-1:].isalnum()
    positions = [len(words) - 1] if last_open else []
    if prefix == "all":
        first = {word: i for i, word in reversed(list(enumerate(words)))}
        opened = [i for i, word in enumerate(words[:-1]) if word not in STOPWORDS]
        positions = [i for i in opened if first[words[i]] == i] + positions
    return tuple(positions)


def begun_phrases(words: tuple[str, ...]) -> list[tuple[str, ...]]:
    """Lay phrases of two or more words that the typed words (the last one unfinished) are
    the beginning of, rewritten into official wording: "mini str" -> transient cerebral
    ischemic attack. (One word is better completed from the index's own words.)"""
    key = phrase_key(words)
    if len(words) < 2 or len(key) < MIN_BEGUN_PHRASE:
        return []
    table = rewrites()
    begun = [k for k in rewrites_starting(key, MAX_BEGUN_PHRASES) if " " in k]
    return [tuple(WORD.findall(table[k])) for k in begun]


def parse_day(text: str) -> date:
    """A YYYY-MM-DD date from user input, or BadQuery saying what is expected."""
    try:
        return date.fromisoformat(text.strip())
    except ValueError as exc:
        raise BadQuery(f"not a date: {text[:40]!r}; use YYYY-MM-DD, e.g. 2026-01-01") from exc


def required(words: tuple[str, ...]) -> tuple[str, ...]:
    """Words every all-words match must contain: stopwords are optional unless that is all."""
    content = tuple(word for word in words if word not in STOPWORDS)
    return content or words
