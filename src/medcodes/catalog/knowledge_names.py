"""Names as bags of words, the way documents and code titles are compared for links.

A name matches a code title or an index heading when both say the same words, in any order
("Diabetes, type 2" = "type 2 diabetes"), after light normalisation: lower case, hyphens as
spaces, plural -s dropped, and the few words that never change what is named ("of", "the",
"unspecified", "NOS") left out. Which extra words a rule tolerates (a side, a body site) is
that rule's business; the vocabularies are here so they can be read in one place.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass

from medcodes.sources.knowledge.model import Document
from medcodes.sources.knowledge.publishers import MEDQUAD, NCI_PDQ

_WORD = re.compile(r"[a-z0-9]+")
_BRACKETS = re.compile(r"\[[^\]]*\]")
_PARENS = re.compile(r"\([^()]*\)")
_ABBREVIATION = re.compile(r"^[A-Z0-9/-]{1,6}$")
# Words that never change what a name names.
FILLER = frozenset({"of", "the", "a", "an", "and", "or", "nos", "unspecified", "nec", "s"})
# Sides and the words code titles use to say which side or encounter.
LATERALITY = frozenset({"left", "right", "bilateral", "unilateral", "side", "sided"})
# Premodifiers that keep a condition what it is ("displaced fracture" is a fracture).
SAFE_PREMODIFIERS = frozenset(
    {"other", "specified", "displaced", "nondisplaced", "closed", "open", "multiple",
     "superficial", "traumatic", "acute", "initial", "subsequent", "part", "site"}
)  # fmt: skip
# Words inside a premodifier that turn it into something else ("non-Hodgkin", "secondary").
NEGATING_WORDS = frozenset(
    {"non", "not", "pseudo", "secondary", "history", "personal", "family", "screening",
     "suspected", "without", "absence", "absent", "fear", "observation", "sequela", "sequelae",
     "contact", "exposure", "carrier", "encounter", "risk", "underdosing", "adverse", "effect",
     "situ"}
)  # fmt: skip
MIN_NAME_CHARS = 4
PRIMARY_ORIGINS = frozenset({"title", "focus", "mesh", "pdq-title", "title-part"})


@functools.cache
def stem(word: str) -> str:
    """Plural to singular, crudely but the same way on both sides of every comparison."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


class _Normalised(dict[str, str]):
    """Each word as `words` keeps it: its stem, or "" for a filler word (a stem is never
    empty). Filled as words are met; looked up at C speed by `words`."""

    def __missing__(self, word: str) -> str:
        kept = "" if word in FILLER else stem(word)
        self[word] = kept
        return kept


_NORMALISED = _Normalised()


@functools.lru_cache(maxsize=1 << 16)
def words(text: str) -> tuple[str, ...]:
    """The normalised words of a text, in order, filler left out.

    >>> words("Diabetes Mellitus, Type 2")
    ('diabete', 'mellitus', 'type', '2')
    """
    plain = text.casefold().replace("®", " ")
    if "[" in plain:  # most titles have none; a build calls this ~250,000 times
        plain = _BRACKETS.sub(" ", plain)
    found = _WORD.findall(plain.replace("'s", ""))
    return tuple(filter(None, map(_NORMALISED.__getitem__, found)))


def essential_and_optional(heading: str) -> tuple[tuple[str, ...], frozenset[str]]:
    """An index heading's words that must be said, and those that may be (the nonessential
    modifiers in parentheses): "Diabetes, diabetic (mellitus) (sugar)". A parenthesis of one
    or two letters ("Cancer (o)", "M6 (a)(b)") is a mark, not a modifier, and stays essential."""
    if "(" not in heading:
        return words(heading), frozenset()
    modifiers = [part for part in _PARENS.findall(heading) if len(part.strip("() ")) > 2]
    optional = frozenset(w for part in modifiers for w in words(part))
    essential = words(
        _PARENS.sub(lambda m: " " if m.group(0) in modifiers else m.group(0), heading)
    )
    return essential, optional


@dataclass(frozen=True, slots=True)
class Name:
    """One name of a document and where the document gives it."""

    text: str
    words: frozenset[str]
    origin: str  # title, also-called, mesh, focus, synonym, pdq-title

    @property
    def is_primary(self) -> bool:
        """A name the document stands under (title, restating MeSH, PDQ cancer name), rather
        than one of its also-called names: the second are used only when the first find
        nothing (MedQuAD synonyms include related but different conditions)."""
        return self.origin in PRIMARY_ORIGINS

    @property
    def order(self) -> tuple[str, ...]:
        return words(self.text)


def document_names(document: Document) -> list[Name]:
    """The names a document is known by, best first: its title (and a PDQ summary's cancer
    name), a MeSH heading only when it restates the title (every word of the title and at most
    one more: "Diabetes Mellitus, Type 2" for Diabetes Type 2; MeSH headings are often broader,
    "Leukemia, Lymphoid" on Acute Lymphocytic Leukemia, or narrower), then NLM's also-called
    names. MedQuAD's synonyms are not used: GARD lists broader and related names among them
    ("B-cell lymphoma" for Plasmablastic lymphoma).
    Abbreviations ("ALL", "AML") and one-word names shorter than four letters are left out:
    they collide with ordinary words."""
    title_words = frozenset(words(document.title))
    found: list[Name] = []
    origin_of_title = "focus" if document.source == MEDQUAD else "title"
    candidates: list[tuple[str, str]] = [(document.title, origin_of_title)]
    synonym_origin = "synonym" if document.source == MEDQUAD else "also-called"
    if document.source == NCI_PDQ:
        synonym_origin = "pdq-title"
    candidates += [(part, "title-part") for part in _title_parts(document)]
    if document.source != MEDQUAD:  # MedQuAD synonyms include broader and related names
        candidates += [(name, synonym_origin) for name in document.also_called]
    for heading in document.mesh:
        mesh_words = frozenset(words(_invert(heading)))
        if title_words and title_words <= mesh_words and len(mesh_words - title_words) <= 1:
            candidates.append((_invert(heading), "mesh"))
    seen: set[frozenset[str]] = set()
    for text, origin in candidates:
        bag = frozenset(words(text))
        if not _usable(text, bag) or bag in seen:
            continue
        seen.add(bag)
        found.append(Name(text, bag, origin))
    return found


def _title_parts(document: Document) -> list[str]:
    """ "A and B" titles that NLM indexes as both A and B ("Sprains and Strains" under the MeSH
    heading "Sprains and Strains"; "Nausea and Vomiting" under "Nausea" and "Vomiting") name
    two things; "Diabetes and Pregnancy" (MeSH "Pregnancy in Diabetics") names one."""
    parts = document.title.split(" and ")
    if len(parts) != 2 or not all(len(p.split()) == 1 for p in parts):
        return []
    headings = {frozenset(words(h)) for h in document.mesh}
    whole = frozenset(words(document.title)) in headings
    each = all(frozenset(words(p)) in headings for p in parts)
    return parts if whole or each else []


def _invert(heading: str) -> str:
    """A MeSH heading in reading order: "Diabetes Mellitus, Type 2" -> "Type 2 Diabetes
    Mellitus" (only two-part headings are inverted)."""
    parts = [p.strip() for p in heading.split(",")]
    return f"{parts[1]} {parts[0]}" if len(parts) == 2 else heading


def _usable(text: str, bag: frozenset[str]) -> bool:
    if not bag or _ABBREVIATION.match(text.strip()):
        return False
    return len(bag) > 1 or len(next(iter(bag))) >= MIN_NAME_CHARS


def subsets_by_size(bag: frozenset[str], smallest: int) -> Iterable[frozenset[str]]:
    """Every subset of a (small) bag with at least `smallest` words, largest first."""
    items = sorted(bag)
    count = len(items)
    masks = sorted(range(1, 1 << count), key=lambda m: -bin(m).count("1"))
    for mask in masks:
        if bin(mask).count("1") < smallest:
            break
        yield frozenset(items[i] for i in range(count) if mask >> i & 1)
