"""The curated lay-terms and abbreviations dictionary (`lay_terms.tsv`, shipped in the package).

Rows are `kind<TAB>term<TAB>target`, `#` starts a comment (each entry cites its source):
- `phrase`: lay words -> official wording, searched as a rewrite of the query;
- `abbr`: an abbreviation -> its expansion, also a rewrite;
- `code`: lay words -> codes (`*` suffix = prefix), indexed as a synonym of those codes.
"""

from __future__ import annotations

import bisect
import functools
import re
from dataclasses import dataclass
from importlib import resources

KINDS = ("phrase", "abbr", "code")
WORD = re.compile(r"[a-z0-9]+")  # the query's word pattern (search/query.py uses this one)


@dataclass(frozen=True, slots=True)
class LayTerm:
    kind: str
    term: str  # lower case
    target: str
    line: int


@functools.cache
def load_lay_terms() -> tuple[LayTerm, ...]:
    """Every entry of the shipped dictionary, in file order."""
    text = resources.files("medcodes.search").joinpath("lay_terms.tsv").read_text("utf-8")
    return tuple(parse_lay_terms(text))


def parse_lay_terms(text: str) -> list[LayTerm]:
    """Entries from the TSV text; malformed rows are a packaging bug, so they raise."""
    entries: list[LayTerm] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        cells = [cell.strip() for cell in line.split("\t") if cell.strip()]
        if len(cells) < 3 or cells[0] not in KINDS:
            raise ValueError(f"lay_terms.tsv line {number}: expected kind, term, target: {raw!r}")
        entries.append(LayTerm(cells[0], cells[1].lower(), cells[2], number))
    return entries


@functools.cache
def rewrites() -> dict[str, str]:
    """Lay phrase or abbreviation, as query words joined by spaces -> official wording.

    Keys are split into words the way queries are ("lou gehrig's" -> "lou gehrig s").
    """
    return {
        phrase_key(WORD.findall(e.term)): e.target.lower()
        for e in load_lay_terms()
        if e.kind in ("phrase", "abbr")
    }


@functools.cache
def _sorted_rewrite_keys() -> tuple[str, ...]:
    return tuple(sorted(rewrites()))


def rewrites_starting(prefix: str, limit: int) -> list[str]:
    """Rewrite keys that begin with `prefix` (a phrase key whose last word is being typed),
    in alphabetical order.

    >>> rewrites_starting("heart att", 3)
    ['heart attack']
    """
    keys = _sorted_rewrite_keys()
    start = bisect.bisect_left(keys, prefix)
    found = []
    for key in keys[start : start + limit]:
        if not key.startswith(prefix):
            break
        found.append(key)
    return found


PHRASE_STOPWORDS = frozenset({"a", "an", "the", "of", "in", "on", "my", "to", "for"})


def phrase_key(words: list[str] | tuple[str, ...]) -> str:
    """Words as a lookup key: singular and plural alike, small words ignored
    ("ringing in ears" = "ringing in the ears").

    >>> phrase_key(["stones", "in", "the", "kidney"])
    'stone kidney'
    """
    return " ".join(
        w[:-1] if len(w) > 3 and w.endswith("s") and not w.endswith("ss") else w
        for w in words
        if w not in PHRASE_STOPWORDS
    )


@functools.cache
def phrase_codes() -> dict[str, tuple[str, ...]]:
    """Lay phrase key -> codes or `*` prefixes, for phrases found inside longer queries."""
    found: dict[str, tuple[str, ...]] = {}
    for term, codes in code_terms():
        key = phrase_key(WORD.findall(term))
        found[key] = tuple(dict.fromkeys((*found.get(key, ()), *codes)))
    return found


def code_terms() -> list[tuple[str, list[str]]]:
    """(lay term, codes or `*` prefixes) for the index."""
    return [
        (e.term, [code.strip() for code in e.target.split(",") if code.strip()])
        for e in load_lay_terms()
        if e.kind == "code"
    ]
