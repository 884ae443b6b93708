"""Does a written sentence only restate the code's title or its parent's? The header already
shows the title, so such a sentence tells the reader nothing.

A sentence restates when every content word in it (what is left after function words and the
writer's own framing, "code", "modifier", "body part", ...) comes from the code's title, its
parent's title or their code numbers. Crude on purpose: it finds "Modifier SE signals: State
and/or federally-funded programs/services" and "Device Nonautologous Tissue Substitute." and
lets through anything that adds a definition, a term, a code, a source or an instruction.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from medcodes.catalog.read import Catalog, Code
from medcodes.explain.model import Explanation

_WORD = re.compile(r"[a-z0-9]+(?:[.'][a-z0-9]+)*")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z(\"])")
_FUNCTION_WORDS = (
    "a an the and or nor but of in on at to for from by with without as is are was were be "
    "been being it its this that these those which who whom whose there their than then so "
    "not no any all each every some such other into onto over under per via s"
)
# What the rules writer frames a restatement with: the code, its system, its axes.
_FRAME_WORDS = (
    "code codes modifier signals sits under parent diagnosis procedure icd 10 cm pcs hcpcs "
    "level ii official descriptor names form route root operation body part approach device "
    "qualifier 7th character means"
)
IGNORED = frozenset(_FUNCTION_WORDS.split()) | frozenset(_FRAME_WORDS.split())


def _stem(word: str) -> str:
    """Plural and possessive folded: "arteries" -> "artery", "devices" -> "device"."""
    word = word.removesuffix("'s")
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


@lru_cache(maxsize=16_384)
def words(text: str) -> frozenset[str]:
    """The text's words, lower-cased, possessives and plurals folded."""
    return frozenset(_stem(word) for word in _WORD.findall(text.casefold()))


@lru_cache(maxsize=16_384)
def content_words(text: str) -> frozenset[str]:
    """The words that could tell the reader something: not function words, not framing.
    Cached, like `words`: parents' titles and index entries recur across codes."""
    return frozenset(_stem(word) for word in _WORD.findall(text.casefold()) if word not in IGNORED)


def own_words(code: Code, parent: Code | None) -> set[str]:
    """The words a reader already has from the page header: title, parent title, code numbers."""
    known = set(words(f"{code.code} {code.long_title}"))
    if parent is not None:
        known |= words(f"{parent.code} {parent.long_title}")
    return known


def restates(text: str, known: set[str]) -> bool:
    """True when the text adds no content word to `known` (see own_words)."""
    return content_words(text) <= known


def sentences(text: str) -> list[str]:
    return [part for part in _SENTENCE_END.split(text.strip()) if part.strip()]


@dataclass(frozen=True, slots=True)
class Restatement:
    code: str
    section: str
    sentence: str


def restatements(
    catalog: Catalog, explanation: Explanation, code: Code
) -> tuple[int, list[Restatement]]:
    """(rules-written sentences and bullets, the ones among them that only restate)."""
    parent = catalog.by_id(code.parent_id) if code.parent_id is not None else None
    known = own_words(code, parent)
    written = list(_rules_sentences(explanation))
    found = [
        Restatement(code.code, key, sentence)
        for key, sentence in written
        if restates(sentence, known)
    ]
    return len(written), found


def _rules_sentences(explanation: Explanation) -> Iterable[tuple[str, str]]:
    for section in explanation.sections:
        if section.provenance is None or section.provenance.writer != "rules":
            continue
        for sentence in sentences(section.text):
            yield section.key, sentence
        for item in section.items:
            yield section.key, item
