"""Query understanding, engine-free: normalise, spot code shapes, split words, rewrite lay
terms and abbreviations. Never raises on any input: the worst outcome is an empty plan with
a message.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from medcodes.errors import BadQuery
from medcodes.ndc import ndc11_candidates
from medcodes.search.lay_terms import WORD, phrase_codes, phrase_key, rewrites
from medcodes.search.model import MAX_QUERY_CHARS, CodeShape, QueryPlan
from medcodes.systems import code_key

# One token a person may type for a code: J9039, e11.9, E11., 0DTJ4ZZ, LT, J90*, E11-.
CODE_TOKEN = re.compile(r"^[a-z0-9]{1,7}(\.[a-z0-9]{0,4})?[.*\-]?$")
STOPWORDS = frozenset({"a", "an", "the", "of", "and", "or", "for", "in", "on", "to", "by", "at"})
MAX_PHRASE_WORDS = 5


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


def code_shapes(text: str) -> tuple[CodeShape, ...]:
    """The code the text could be, if it is one token shaped like a code.

    A code needs a digit, except two-letter HCPCS modifiers (LT, RT, GA).
    >>> code_shapes("e11.")
    (CodeShape(key='E11', prefix=True, dotted=True),)
    """
    token = text.strip().lower()
    if " " in token or not CODE_TOKEN.match(token):
        return ()
    key = code_key(token)
    if not key or not (any(ch.isdigit() for ch in key) or len(key) == 2):
        return ()
    return (CodeShape(key, prefix=token.endswith((".", "*", "-")), dotted="." in token),)


def rewrite(words: tuple[str, ...]) -> tuple[tuple[str, ...], list[str]]:
    """Replace lay phrases and abbreviations with official wording, longest phrase first,
    twice, so that an expanded abbreviation can complete a phrase ("high bp")."""
    once, notes = _rewrite_pass(words)
    twice, more = _rewrite_pass(once) if notes else (once, [])
    return twice, notes + more


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


def plan(text: str) -> QueryPlan:
    """Everything the engine needs to know about what was typed."""
    normal = normalise(text if isinstance(text, str) else "")
    if not normal:
        return QueryPlan("", (), (), (), (), message="Type a code or some words to search.")
    words = tuple(WORD.findall(normal))
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
        ndc11_candidates(normal),
    )


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
