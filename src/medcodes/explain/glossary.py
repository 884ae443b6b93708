"""The glossary (`glossary.tsv`, shipped in the package): terms the rules writer explains once
per page, each with its source. Where the ICD-10-CM tabular's introduction defines a term, the
text is the tabular's own, read from the catalog; elsewhere it is our wording, labelled so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources

from medcodes.catalog.read import Convention
from medcodes.explain.model import OWN_WORDING

TABULAR_PREFIX = "tabular: "
PLACES = frozenset({"title", "seventh", "page"})
MARKER = re.compile(r"<[A-Za-z0-9-]+>")


@dataclass(frozen=True, slots=True)
class Entry:
    """One glossary row: where it applies and what it says (or which convention says it)."""

    term: str
    match: re.Pattern[str]
    marker: str  # the match when it is a marker ("<excludes1>"): a set lookup, not a search
    place: str  # title, seventh or page (see glossary.tsv)
    systems: frozenset[str]
    convention: str  # the tabular convention's title; "" for our own wording
    text: str  # our wording; "" when the tabular's convention gives the text


@dataclass(frozen=True, slots=True)
class Definition:
    """A glossary entry with its text, as a page shows it."""

    term: str
    text: str
    source: str  # sources.name of the tabular, or OWN_WORDING


@cache
def entries() -> tuple[Entry, ...]:
    """The glossary's rows, read once from the shipped TSV; a malformed row names its line."""
    text = resources.files("medcodes.explain").joinpath("glossary.tsv").read_text("utf-8")
    rows = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
    found = []
    for number, row in enumerate(rows[1:], start=2):
        found.append(_entry(number, row.split("\t")))
    return tuple(found)


def _entry(number: int, cells: list[str]) -> Entry:
    if len(cells) != 6:
        raise ValueError(f"glossary.tsv row {number}: expected 6 tab-separated cells")
    term, match, place, systems, source, text = (cell.strip() for cell in cells)
    convention = source.removeprefix(TABULAR_PREFIX) if source.startswith(TABULAR_PREFIX) else ""
    if place not in PLACES or (source != OWN_WORDING and not convention):
        raise ValueError(f"glossary.tsv row {number}: bad place {place!r} or source {source!r}")
    if bool(convention) == bool(text):
        raise ValueError(f"glossary.tsv row {number}: give a text or a tabular convention")
    return Entry(
        term,
        re.compile(match, re.IGNORECASE),
        match if MARKER.fullmatch(match) else "",
        place,
        frozenset(systems.split(",")),
        convention,
        text,
    )


def terms_in(system: str, place: str, text: str) -> frozenset[str]:
    """The terms of `system` whose match is found in `text` at `place` (title, seventh, page)."""
    searched, anything = _searched(system, place)
    if not anything.search(text):
        return frozenset()
    return frozenset(entry.term for entry in searched if entry.match.search(text))


@lru_cache(maxsize=32_768)
def recurring_terms_in(system: str, place: str, text: str) -> frozenset[str]:
    """terms_in, cached, for texts that recur on many pages (ancestors' notes, axis values)."""
    return terms_in(system, place, text)


@cache
def _searched(system: str, place: str) -> tuple[tuple[Entry, ...], re.Pattern[str]]:
    """The entries of one system looked for at one place by a search (not a marker), and one
    pattern matching where any of them would: most texts hold no term, and one search says so."""
    found = tuple(e for e in entries() if system in e.systems and e.place == place and not e.marker)
    either = "|".join(f"(?:{e.match.pattern})" for e in found) or "(?!)"
    return found, re.compile(either, re.IGNORECASE)


def marked(system: str, markers: set[str]) -> set[str]:
    """The terms of `system` whose marker ("<excludes1>", "<placeholder>") is in `markers`."""
    return {e.term for e in entries() if system in e.systems and e.marker and e.marker in markers}


def definitions(system: str, terms: set[str], conventions: list[Convention]) -> list[Definition]:
    """The definitions of `terms`, in glossary order, with their text; an entry whose tabular
    convention the catalog lacks is left out."""
    official = {convention.title: convention for convention in conventions}
    found = []
    for entry in entries():
        if system not in entry.systems or entry.term not in terms:
            continue
        if not entry.convention:
            found.append(Definition(entry.term, entry.text, OWN_WORDING))
        elif entry.convention in official:
            convention = official[entry.convention]
            found.append(Definition(entry.term, convention.text, convention.source))
    return found
