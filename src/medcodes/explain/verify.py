"""The verifier: every generated explainer passes it before it is shown.

It rejects text that names a drug or brand belonging to another code (the "Adcetris on the
blinatumomab page" error), a route or billing unit the descriptor contradicts, a body part or
side the code's title and axes contradict, or another code's number the facts never mention.
It cannot tell whether a sentence about symptoms or risks is medically right: that is what the
"generated" label on the page is for.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from medcodes.catalog.read import Catalog
from medcodes.explain.facts import (
    DOSE_UNIT,
    FactsCard,
    drug_name_from_descriptor,
)
from medcodes.explain.facts import (
    UNIT_WORDS as UNIT_WORDS_PATTERN,
)
from medcodes.explain.model import Draft
from medcodes.systems import System

DRUG_TERM_SOURCES = frozenset({"asp-brand", "drug-table", "drug-table-brand"})
MIN_NAME_LENGTH = 4
MAX_NAME_WORDS = 6
MIN_QUOTED_FACT = 12
NAME_FACT_KEYS = frozenset({"brand_name", "generic_name", "descriptor_drug"})
STOP_WORDS = frozenset({"with", "without", "from", "other", "than", "approach", "open"})
_WORD = re.compile(r"[a-z0-9]+(?:[-'][a-z0-9]+)*")
_CODE_SHAPE = re.compile(
    r"\b([A-Z]\d{4}|[A-Z]\d{2}(?:\.[0-9A-Z]{1,4})?|[0-9A-HJ-NP-Z][0-9A-HJ-NP-Z]{6})\b"
)

# Route classes: a descriptor naming one class contradicts text giving the drug another way.
ROUTE_CLASSES = {
    "parenteral": (
        "injection",
        "injected",
        "injectable",
        "infusion",
        "infused",
        "intravenous",
        "intravenously",
        "subcutaneous",
        "subcutaneously",
        "intramuscular",
        "intramuscularly",
        "intrathecal",
        "intravitreal",
        "intradermal",
        "epidural",
        "intravesical",
        "iv drip",
    ),
    "oral": (
        "oral",
        "orally",
        "by mouth",
        "tablet",
        "tablets",
        "capsule",
        "capsules",
        "pill",
        "pills",
        "swallowed",
    ),
    "inhaled": ("inhalation", "inhaled", "inhaler", "nebulizer", "nebuliser", "nebulized"),
    "topical": ("topical", "topically", "cream", "ointment", "applied to the skin"),
}
DESCRIPTOR_ROUTE_CLASS = {
    "injection": "parenteral",
    "infusion": "parenteral",
    "intravenous": "parenteral",
    "subcutaneous": "parenteral",
    "intramuscular": "parenteral",
    "intrathecal": "parenteral",
    "intravitreal": "parenteral",
    "intradermal": "parenteral",
    "epidural": "parenteral",
    "intravesical": "parenteral",
    "oral": "oral",
    "inhalation": "inhaled",
    "topical": "topical",
}
# Parenteral routes a descriptor may pin down; naming another one contradicts it.
SPECIFIC_ROUTES = {
    "intravenous": ("intravenous", "intravenously"),
    "subcutaneous": ("subcutaneous", "subcutaneously", "under the skin"),
    "intramuscular": ("intramuscular", "intramuscularly", "into a muscle"),
    "intrathecal": ("intrathecal", "intrathecally"),
}
UNIT_SPELLINGS = {
    "microgram": "mcg",
    "micrograms": "mcg",
    "mcg": "mcg",
    "ug": "mcg",
    "milligram": "mg",
    "milligrams": "mg",
    "mg": "mg",
    "gram": "g",
    "grams": "g",
    "gm": "g",
    "g": "g",
    "milliliter": "ml",
    "milliliters": "ml",
    "ml": "ml",
    "cc": "ml",
    "unit": "units",
    "units": "units",
    "iu": "units",
}
_BILLING_UNIT = re.compile(
    r"(?:\bper\b|\beach\b|\bunit(?:s)? of\b|\bunit (?:is|equals|represents|=)|\bbilled (?:in|by))"
    r"\s+(?:one\s+|a\s+)?" + DOSE_UNIT.pattern.replace(r"(?:\bper\s+)?", ""),
    re.IGNORECASE,
)
BODY_PARTS = (
    "appendix",
    "gallbladder",
    "stomach",
    "esophagus",
    "liver",
    "pancreas",
    "spleen",
    "kidney",
    "kidneys",
    "bladder",
    "ureter",
    "urethra",
    "prostate",
    "uterus",
    "ovary",
    "ovaries",
    "cervix",
    "colon",
    "rectum",
    "anus",
    "duodenum",
    "jejunum",
    "ileum",
    "heart",
    "aorta",
    "lung",
    "lungs",
    "trachea",
    "bronchus",
    "larynx",
    "thyroid",
    "brain",
    "spinal cord",
    "femur",
    "tibia",
    "fibula",
    "humerus",
    "radius",
    "ulna",
    "pelvis",
    "hip",
    "knee",
    "ankle",
    "shoulder",
    "elbow",
    "wrist",
    "skull",
    "eye",
    "retina",
    "cornea",
    "lens",
    "ear",
    "breast",
    "testis",
    "testicle",
    "adrenal",
    "tonsils",
    "tongue",
    "nose",
    "sinus",
)
SIDES = {"left": "right", "right": "left"}
_QUANTITY = re.compile(
    r"(?<![\w.])(\d+(?:\.\d+)?)\s*(minutes?|hours?|days?|weeks?|months?|years?|"
    + UNIT_WORDS_PATTERN
    + r"|%|percent)(?![\w-])",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class Verdict:
    ok: bool
    reasons: tuple[str, ...]


def normalise(text: str) -> str:
    return " ".join(_WORD.findall(text.casefold()))


class NameIndex:
    """Drug and brand names -> the HCPCS codes they belong to (catalog terms and descriptors)."""

    def __init__(self, names: dict[str, set[str]]) -> None:
        self.names = names

    @classmethod
    def from_catalog(cls, catalog: Catalog) -> NameIndex:
        names: dict[str, set[str]] = {}
        codes, _ = catalog.subtree("", systems=(System.HCPCS.value,), limit=100_000)
        for code in codes:
            found = [t.term for t in catalog.terms(code) if t.source in DRUG_TERM_SOURCES]
            drug = drug_name_from_descriptor(code.long_title)
            for name in [*found, *([drug] if drug else [])]:
                key = normalise(name)
                if len(key) >= MIN_NAME_LENGTH:
                    names.setdefault(key, set()).add(code.code)
        return cls(names)

    def mentioned(self, text: str) -> Iterable[tuple[str, set[str]]]:
        """(name, its codes) for every indexed name the text spells out."""
        words = normalise(text).split()
        for start in range(len(words)):
            for length in range(1, MAX_NAME_WORDS + 1):
                phrase = " ".join(words[start : start + length])
                if phrase in self.names:
                    yield phrase, self.names[phrase]


class Verifier:
    """Checks drafts against one code's facts card and the catalog-wide name index."""

    def __init__(self, catalog: Catalog, names: NameIndex) -> None:
        self.catalog = catalog
        self.names = names

    def check(self, card: FactsCard, drafts: Iterable[Draft]) -> Verdict:
        reasons: list[str] = []
        allowed = normalise(card.text())
        quoted = [fragment.casefold() for fragment in _quotable(card)]
        for draft in drafts:
            text = " ".join([draft.text, *draft.items])
            own = _without_quoted_facts(quoted, text)
            found = [
                *self._foreign_names(card, own, allowed),
                *_route_conflicts(card, own),
                *_unit_conflicts(card, own),
                *_side_conflicts(card, own),
                *_body_part_conflicts(card, text, allowed),
                *self._foreign_codes(card, text),
                *_unsupported_quantities(text, card.text()),
            ]
            reasons += [f"{draft.key}: {reason}" for reason in dict.fromkeys(found)]
        return Verdict(not reasons, tuple(reasons))

    def _foreign_names(self, card: FactsCard, text: str, allowed: str) -> Iterable[str]:
        for name, codes in self.names.mentioned(text):
            if card.code.code in codes or f" {name} " in f" {allowed} ":
                continue
            owners = ", ".join(sorted(codes)[:5])
            yield f"names {name!r}, a drug or brand of {owners}, not of {card.code.code}"

    def _foreign_codes(self, card: FactsCard, text: str) -> Iterable[str]:
        facts = card.text()
        for token in dict.fromkeys(_CODE_SHAPE.findall(text)):
            if token == card.code.code or token in facts:
                continue
            if self.catalog.lookup(token):
                yield f"cites code {token}, which the facts of {card.code.code} never mention"


def _without_quoted_facts(fragments: list[str], text: str) -> str:
    """The text, case-folded, minus the facts it quotes word for word ("Drugs administered other
    than oral method" is a group title, not a claim that the drug is oral). `fragments` are the
    card's quotable facts, case-folded, longest first; plain string search (a regex per fragment
    cost more than everything else the verifier does)."""
    text = text.casefold()
    for fragment in fragments:
        if fragment in text:
            text = text.replace(fragment, " ")
    return text


def _quotable(card: FactsCard) -> list[str]:
    """Fact values, their titles without a leading code, and their comma-separated parts."""
    fragments: set[str] = set()
    for fact in card.facts:
        title = fact.value.split(" ", 1)[-1]
        parts = [fact.value, title, *fact.value.split(","), *title.split(",")]
        fragments.update(
            part.strip()
            for part in parts
            if len(part.strip()) >= MIN_QUOTED_FACT or fact.key in NAME_FACT_KEYS
        )
    return sorted(fragments, key=len, reverse=True)


def _mentions(text: str, phrases: Iterable[str]) -> list[str]:
    lowered = f" {normalise(text)} "
    return [p for p in phrases if f" {normalise(p)} " in lowered]


def _route_conflicts(card: FactsCard, text: str) -> Iterable[str]:
    routes = [fact.value for fact in card.of("route")]
    classes = {DESCRIPTOR_ROUTE_CLASS[r] for r in routes if r in DESCRIPTOR_ROUTE_CLASS}
    if not classes:
        return
    for route_class, words in ROUTE_CLASSES.items():
        said = _mentions(text, words)
        if route_class not in classes and said:
            yield f"says {said[0]!r}, but the descriptor gives the route as {', '.join(routes)}"
    pinned = [r for r in routes if r in SPECIFIC_ROUTES]
    if pinned:
        for route, words in SPECIFIC_ROUTES.items():
            said = _mentions(text, words)
            if route not in pinned and said:
                yield f"says {said[0]!r}, but the descriptor says {', '.join(pinned)}"


def _unit(amount: str, unit: str) -> tuple[float, str]:
    return float(amount.replace(",", "")), UNIT_SPELLINGS.get(unit.casefold(), unit.casefold())


def _unit_conflicts(card: FactsCard, text: str) -> Iterable[str]:
    fact = card.first("dose_unit")
    if fact is None:
        return
    official = DOSE_UNIT.search(fact.value)
    if official is None:
        return
    expected = _unit(official.group(1), official.group(2))
    for match in _BILLING_UNIT.finditer(text):
        if _unit(match.group(1), match.group(2)) != expected:
            said = match.group(0)
            yield f"gives the billing unit as {said!r}, but the descriptor says {fact.value}"


def _own_sides(card: FactsCard) -> set[str]:
    own = normalise(" ".join([card.code.long_title, *(f.value for f in card.of("axis"))]))
    return {side for side in SIDES if f" {side} " in f" {own} "}


def _side_conflicts(card: FactsCard, text: str) -> Iterable[str]:
    sides = _own_sides(card)
    if len(sides) != 1:
        return
    (side,) = sides
    wrong = SIDES[side]
    title_words = {w for w in normalise(card.code.long_title).split() if len(w) >= MIN_NAME_LENGTH}
    own_words = (title_words - STOP_WORDS - set(SIDES)) | set(BODY_PARTS) | {"side", "sided"}
    words = normalise(text).split()
    for index, word in enumerate(words):
        if word == wrong and own_words & set(words[index + 1 : index + 4]):
            phrase = " ".join(words[index : index + 3])
            yield f"says {phrase!r}, but {card.code.code} is for the {side} side"
            return


def _body_part_conflicts(card: FactsCard, text: str, allowed: str) -> Iterable[str]:
    if card.code.system not in (System.ICD10PCS.value, System.ICD10CM.value):
        return
    for part in _mentions(text, BODY_PARTS):
        if f" {part}" not in f" {allowed}":
            yield f"names the {part}, which is not the body part of {card.code.code}"


def _unsupported_quantities(text: str, facts: str) -> Iterable[str]:
    """An amount or duration with a number the facts do not give ("51 days", "2 hours")."""
    for match in _QUANTITY.finditer(text):
        number, unit = match.group(1), match.group(2)
        given = rf"(?<![\d.]){re.escape(number)}\s*{re.escape(unit)}"
        if not re.search(given, facts, re.IGNORECASE):
            yield f"states {match.group(0)!r}, a number the facts do not give"
