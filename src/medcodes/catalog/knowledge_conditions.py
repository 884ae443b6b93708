"""Condition links: which ICD-10-CM codes a knowledge document is about, and why.

A document's names (title, also-called, a MeSH heading that says the whole title) are looked
up four ways; each hit is an *anchor* code, and every code below an anchor inherits the link
("about <topic> in general"):

1. index: an ICD-10-CM Alphabetic Index heading saying the same words ("Diabetes, diabetic
   (mellitus), type 2" = "type 2 diabetes"; words in parentheses are nonessential modifiers
   and may be left out) -> the code the index gives;
2. title: a tabular title or inclusion term saying the same words ("Acute lymphoblastic
   leukemia [ALL]" = "acute lymphoblastic leukemia"). An inclusion term is one condition the
   header holds, not the header: it reaches only the codes below that still say the whole
   header title ("Landau-Kleffner syndrome" of G40.8 Other epilepsy and recurrent seizures
   is not G40.81 Lennox-Gastaut syndrome; "Cocaine (topical)" of T41.3 Poisoning by ... local
   anesthetics is not T41.3X1 Poisoning by local anesthetics, accidental);
3. site: a tabular title naming the condition at a body site and nothing else ("Fracture of
   femur" for "Fractures"; "Burn of first degree of wrist" is not, "degree" being no site);
4. cancer: "<site> cancer" = a title "Malignant neoplasm of <that site ...>" (C50 for breast
   cancer; never "secondary", never "of skin of breast").

Nothing broader is inferred: a heading's subterms are other conditions ("Influenza, bird" is
under "Influenza"), so an index hit never reaches the codes of its subterms.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from medcodes.catalog.knowledge_names import (
    LATERALITY,
    NEGATING_WORDS,
    SAFE_PREMODIFIERS,
    Name,
    essential_and_optional,
    stem,
    words,
)

INDEX, TITLE, INCLUSION, SITE, CANCER = "index", "title", "inclusion", "site", "cancer"
SITE_FIRST, RESIDUAL = "site-first", "residual"
RULE_STRENGTH = {INDEX: 3, TITLE: 3, INCLUSION: 3, RESIDUAL: 2, CANCER: 2, SITE: 1, SITE_FIRST: 1}
SITE_CONNECTORS = frozenset(
    {"including", "except", "level", "region", "part", "other", "multiple", "site", "and",
     "with", "upper", "lower", "specified", "unspecified", "rib", "limb", "at", "degree",
     "first", "second", "third"}
)  # fmt: skip
# What may stand before the condition in a site title's head ("displaced fracture", "left").
# Where in a joint or organ, not what: "Anterior dislocation of left radial head" is a
# dislocation.
DIRECTIONS = frozenset({"anterior", "posterior", "lateral", "medial", "inferior", "superior"})
# Premodifiers that say how, how long, how often or from what, never another condition:
# "Pathological", "stress" and "fatigue" fractures are fractures (of a weakened or overused
# bone); a "diffuse" or "focal" traumatic brain injury is one, widespread or in one place;
# "chronic", "recurrent" and "idiopathic" (cause unknown) gout, dislocation or pancreatitis
# are those; a "crushing" injury is an injury; "calcific" tendinitis, "infective" bursitis,
# "suppurative" otitis media, a "cutaneous" abscess and "(non)exudative" (wet or dry)
# macular degeneration say its kind. Not "intentional": ICD's intentional self-harm includes
# suicide attempts, MedlinePlus Self-Harm is self-injury that usually is not.
SITE_PREMODIFIERS = SAFE_PREMODIFIERS | LATERALITY | DIRECTIONS | frozenset(
    {"pathological", "stress", "fatigue", "diffuse", "focal", "chronic", "recurrent",
     "idiopathic", "crushing", "calcific", "infective", "suppurative", "cutaneous", "exudative",
     "nonexudative"}
)  # fmt: skip
# Words of the ICD-10-PCS Body Part Key that say what or how, not where ("Distal humerus, involving
# joint", "Neck of humerus (anatomical)(surgical)", "Deep transverse perineal muscle", "Mental
# foramen"): after "of" in a code title they could change what is named.
NOT_SITES = frozenset(words("involving surgical deep superficial mental"))
# What a residual title says beyond its condition ("Other specified disorders of eyelid").
RESIDUAL_WORDS = frozenset({"other", "specified"})
RESIDUAL_SAYINGS = (frozenset({"other"}), RESIDUAL_WORDS)
CANCER_WORDS = frozenset({"cancer"})
MALIGNANT_NEOPLASM = ("malignant", "neoplasm")
# Too broad to anchor a link: the Neoplasms chapter holds benign tumours too.
NOT_ANCHORS = frozenset({"chapter"})
# How a cancer's name says its site, and how a code title does ("pancreatic" / "pancreas").
SITE_ADJECTIVES = {
    adjective: stem(noun)
    for adjective, noun in {
        "pancreatic": "pancreas", "ovarian": "ovary", "uterine": "uterus", "gastric": "stomach",
        "hepatic": "liver", "renal": "kidney", "anal": "anus", "esophageal": "esophagus",
        "cervical": "cervix", "testicular": "testis", "penile": "penis", "vaginal": "vagina",
        "vulvar": "vulva", "colonic": "colon", "rectal": "rectum", "laryngeal": "larynx",
        "oral": "mouth", "nasal": "nose",
    }.items()
}  # fmt: skip
# A site head that needs the word before it ("anal canal", "adrenal gland").
GENERIC_SITE_HEADS = frozenset({"canal", "gland", "duct", "tract", "cavity", "region", "tube"})
# How a title's head phrase ends. After "of" and "at" only body sites may follow ("Fracture of
# femur"); after the others anything may ("Poisoning by penicillins", "Fall from tree"), as it
# says how or in what, not what. "due to" ends the title's usefulness: "Influenza due to
# identified novel influenza A virus" is bird flu, not the flu.
SITE_SPLITTERS = (" of ", " at ")
# A title with no preposition may give its site after a comma ("Pathological fracture, right
# humerus"); it counts only when every word after the comma is a site word.
SITE_COMMA = ", "


# Head words a code title uses for what a patient text calls by another name, and the official
# text that says so: the block T20-T32 includes "chemical burn [corrosion]", so "Corrosion of
# second degree of right thumb" is a burn; the Table of Drugs and Chemicals gives the T51-T65
# "Toxic effect of ..." codes in its "Poisoning" columns (Venom: T63.91-T63.94), so "Toxic
# effect of carbon monoxide" reads as "Poisoning by carbon monoxide" (what follows "of" is
# then a substance, not a site); T36-T50 includes the "adverse effect of correct substance
# properly administered", a drug reaction.
@dataclass(frozen=True, slots=True)
class TitleReading:
    reads_as: tuple[str, ...]
    why: str
    names_a_substance: bool = False
    only_of: frozenset[str] = frozenset()  # words what follows the head must say


TITLE_READINGS: dict[tuple[str, ...], TitleReading] = {
    ("corrosion",): TitleReading(
        ("burn",), 'T20-T32 "Burns and corrosions" includes "chemical burn [corrosion]"'
    ),
    ("subluxation",): TitleReading(
        ("dislocation",), 'the ICD-10-CM index: "Subluxation - see also Dislocation"'
    ),
    ("traumatic", "rupture"): TitleReading(
        ("sprain",),
        'the ICD-10-CM index: "Rupture, traumatic, ligament - see also Sprain"',
        only_of=frozenset({"ligament"}),
    ),
    ("toxic", "effect"): TitleReading(
        ("poisoning",),
        'the Table of Drugs and Chemicals gives T51-T65 "Toxic effect" codes as poisonings',
        names_a_substance=True,
    ),
    ("adverse", "effect"): TitleReading(
        ("drug", "reaction"),
        'T36-T50 includes "adverse effect of correct substance properly administered", a side'
        " effect of a medicine (MedlinePlus Drug Reactions)",
        names_a_substance=True,
    ),
}
# One-word readings a head may also say beside the name ("Burn and corrosion of ...").
WORD_READINGS = {
    said_so[0]: reading
    for said_so, reading in TITLE_READINGS.items()
    if len(said_so) == 1 and len(reading.reads_as) == 1 and not reading.only_of
}
OPEN_SPLITTERS = (" by ", " from ", " on ", " into ", " against ", " in ", " with ", " without ")
BLOCKING_SPLITTERS = (" due to ", " following ", " complicating ", " associated with ")


@dataclass(frozen=True, slots=True)
class Node:
    """An ICD-10-CM code or header as the linker needs it."""

    id: int
    code: str
    kind: str  # chapter, section, category, subcategory, code
    title: str
    parent_id: int | None


@dataclass(frozen=True, slots=True)
class _Head:
    """A title of the form "<head> of <body sites>", taken apart once."""

    node_id: int
    head: tuple[str, ...]  # "displaced fracture"
    head_set: frozenset[str]  # the same words, compared with each name looked up
    complement: frozenset[str]  # the site words after "of"
    nested: bool  # a second "of" ("of skin of breast")
    site_head: frozenset[str]  # the organ the sites end on
    read_as: str = ""  # why the head is read as another word (TITLE_READINGS), if it is

    @property
    def bare_head(self) -> tuple[str, ...]:
        return tuple(w for w in self.head if w not in ("other", "specified"))


@dataclass(frozen=True, slots=True)
class Anchor:
    """A code a document names, by which rule and under which of its names."""

    code_id: int
    rule: str
    name: Name
    evidence: str


class ConditionIndex:
    """ICD-10-CM titles, inclusion terms and index headings, ready to look names up in."""

    def __init__(
        self,
        nodes: Iterable[Node],
        index_terms: Iterable[tuple[str, int]],
        main_terms: Iterable[str],
        inclusion_terms: Iterable[tuple[str, int]],
        sites: frozenset[str],
    ) -> None:
        self.nodes = {node.id: node for node in nodes}
        self.sites = sites | LATERALITY | SITE_CONNECTORS
        self.children: dict[int, list[int]] = defaultdict(list)
        for node in self.nodes.values():
            if node.parent_id is not None:
                self.children[node.parent_id].append(node.id)
        self._mains = frozenset(main_terms)
        self._index: dict[frozenset[str], list[tuple[str, int, frozenset[str]]]] = defaultdict(list)
        self._optional_vocabulary: set[str] = set()
        for heading, code_id in index_terms:
            essential, optional = self._heading_words(heading)
            self._index[frozenset(essential)].append((heading, code_id, optional))
            self._optional_vocabulary |= optional
        self._titles: dict[frozenset[str], list[tuple[str, int]]] = defaultdict(list)
        self._heads: dict[str, list[_Head]] = defaultdict(list)
        for node in self.nodes.values():
            self._add_title(node.title, node.id)
            self._add_head(node)
        for term, code_id in inclusion_terms:
            self._add_title(term, code_id)
        # the titles the cancer rule reads, with their sites as its names say them
        self._malignant = [
            (entry, frozenset(SITE_ADJECTIVES.get(w, w) for w in entry.complement))
            for entry in self._heads.get("neoplasm", ())
            if not entry.nested and entry.bare_head == MALIGNANT_NEOPLASM
        ]
        self._head_words_of: dict[int, tuple[str, ...]] = {}

    # --- building -----------------------------------------------------------------------
    def _heading_words(self, heading: str) -> tuple[tuple[str, ...], frozenset[str]]:
        """Essential and optional words of an index heading. A main term's adjective form
        ("Diabetes, diabetic", "Leukemia, leukemic") is optional like a nonessential modifier."""
        essential, optional = essential_and_optional(heading)
        parts = heading.split(", ")
        for cut in range(len(parts), 0, -1):
            main = ", ".join(parts[:cut])
            if main in self._mains:
                main_words = words(main.split("(")[0])
                if main_words:
                    alternates = {w for w in main_words[1:] if w[:4] == main_words[0][:4]}
                    optional = optional | alternates
                    essential = tuple(w for w in essential if w not in alternates)
                break
        return essential, optional

    def _add_title(self, title: str, code_id: int) -> None:
        essential, optional = essential_and_optional(title)
        self._titles[frozenset(essential)].append((title, code_id))
        if optional:
            self._titles[frozenset(essential) | optional].append((title, code_id))

    def _add_head(self, node: Node) -> None:
        """Index a title naming a condition and then where or how ("Fracture of femur",
        "Poisoning by penicillins", "Pathological fracture, right humerus") by the last word
        of its head phrase. Titles whose complement could change what is named are never
        anchors of the site and cancer rules, so they are left out here once."""
        lowered = f" {node.title.casefold()} "
        splitters = (*SITE_SPLITTERS, *OPEN_SPLITTERS, *BLOCKING_SPLITTERS)
        found = [(lowered.find(s), s) for s in splitters if s in lowered]
        if not found and SITE_COMMA in lowered:
            found = [(lowered.find(SITE_COMMA), SITE_COMMA)]
        if not found:
            return
        cut, splitter = min(found)
        if cut <= 0 or splitter in BLOCKING_SPLITTERS:
            return
        head, complement = words(lowered[:cut]), lowered[cut:]
        said = frozenset(words(complement))
        only_sites = said <= self.sites
        reading = _reading(head, said)
        substance = reading is not None and reading[1].names_a_substance
        if splitter in (*SITE_SPLITTERS, SITE_COMMA) and not only_sites and not substance:
            return
        if head and said and not said & NEGATING_WORDS:
            # a site after a comma is for the site rule only, never the cancer rule's
            nested = (
                splitter == SITE_COMMA
                or not only_sites
                or " of " in complement.removeprefix(" of ")
            )
            site_head = _site_head(complement)
            if not substance:
                self._heads[head[-1]].append(
                    _Head(node.id, head, frozenset(head), said, nested, site_head)
                )
            if reading is not None:
                read, how = reading
                self._heads[read[-1]].append(
                    _Head(node.id, read, frozenset(read), said, True, site_head, how.why)
                )

    # --- looking up ---------------------------------------------------------------------
    def anchors(self, name: Name) -> Iterator[Anchor]:
        """Every anchor one name gives, by every rule (never a whole chapter)."""
        for anchor in (
            *self._index_anchors(name),
            *self._title_anchors(name),
            *self._site_anchors(name),
            *self._cancer_anchors(name),
        ):
            if self.nodes[anchor.code_id].kind not in NOT_ANCHORS:
                yield anchor

    def _index_anchors(self, name: Name) -> Iterator[Anchor]:
        optional_here = name.words & self._optional_vocabulary
        required = name.words - optional_here
        for extra in _subsets(optional_here):
            for heading, code_id, optional in self._index.get(required | extra, ()):
                if name.words - (required | extra) <= optional:
                    code = self.nodes[code_id].code
                    evidence = f'ICD-10-CM index "{heading}" gives {code}'
                    yield Anchor(code_id, INDEX, name, evidence)

    def _title_anchors(self, name: Name) -> Iterator[Anchor]:
        yield from self._residual_anchors(name)
        for title, code_id in self._titles.get(name.words, ()):
            code = self.nodes[code_id].code
            node_title = self.nodes[code_id].title
            if title == node_title:
                yield Anchor(code_id, TITLE, name, f"ICD-10-CM title of {code} says the same")
            else:
                evidence = f'ICD-10-CM inclusion term "{title}" of {code} says the same'
                yield Anchor(code_id, INCLUSION, name, evidence)

    def _residual_anchors(self, name: Name) -> Iterator[Anchor]:
        """Titles that are the name and "other (specified)": D64 "Other anemias", E13 "Other
        specified diabetes mellitus" hold kinds of the condition coded nowhere else (an
        inclusion term of such a code is left to the inclusion rule). Not a block ("Other
        joint disorders (M20-M25)" gathers acquired deformities of limbs too)."""
        for extra in RESIDUAL_SAYINGS:
            for title, code_id in self._titles.get(name.words | extra, ()):
                node = self.nodes[code_id]
                if title == node.title and "-" not in node.code:
                    evidence = f'ICD-10-CM title of {node.code} "{title}" says it, with "other"'
                    yield Anchor(code_id, RESIDUAL, name, evidence)

    def _site_anchors(self, name: Name) -> Iterator[Anchor]:
        order = name.order
        if not order:
            return
        for entry in self._heads.get(order[-1], ()):
            co_heads = _co_heads_read_as(name.words, entry.head_set - name.words)
            extra = entry.head_set - name.words - co_heads.keys()
            if name.words <= entry.head_set and extra <= SITE_PREMODIFIERS:
                rule = SITE
            elif _says_site_first(name.words, entry):
                rule, co_heads = SITE_FIRST, {}
            else:
                continue
            node = self.nodes[entry.node_id]
            evidence = f'ICD-10-CM title of {node.code} "{node.title}" names it'
            for why in (entry.read_as, *co_heads.values()):
                if why:
                    evidence += f" ({why})"
            yield Anchor(entry.node_id, rule, name, evidence)

    def _cancer_anchors(self, name: Name) -> Iterator[Anchor]:
        site = {SITE_ADJECTIVES.get(w, w) for w in name.words - CANCER_WORDS}
        if len(site) == len(name.words) or not site:
            return
        for entry, said in self._malignant:
            if site <= said and entry.site_head & site:
                node = self.nodes[entry.node_id]
                evidence = f'ICD-10-CM title of {node.code} "{node.title}" names that site'
                yield Anchor(entry.node_id, CANCER, name, evidence)

    def below_naming(self, code_id: int, named: Name, rule: str = TITLE) -> Iterator[int]:
        """The codes under a header that are still what the header's link names: a code
        whose head phrase uses the name as a modifier of something else ("Coma scale, eyes
        open" under R40.2 Coma, "Glaucoma suspect" under Glaucoma) is left out, with the
        codes under it. Through an index entry, only codes whose title starts with the
        header's (an entry giving "C92.0-" means its remission states; one giving "E71.5-"
        leaves open which of the peroxisomal disorders below it); through an inclusion term,
        only codes whose title says every essential word of the header's (M93.01 "Acute
        slipped upper femoral epiphysis, stable (nontraumatic)" under M93.0 "Slipped upper
        femoral epiphysis (nontraumatic)"). Through a title that names one condition rather than
        a class ("Myositis", not "Eating Disorders"), not a code that names another condition
        "not elsewhere classified": ICD files M60.2 "Foreign body granuloma of soft tissue, not
        elsewhere classified" under M60 Myositis, but it is no myositis. Through a title saying
        the site after the condition, only codes still saying that site: "Traumatic rupture of
        ear drum" is under S09 "Other and unspecified injuries of head", but Head Injuries is
        about the skull and brain."""
        pending = list(self.children.get(code_id, ()))
        if not pending:  # most anchors are codes with nothing below
            return
        name = named.words
        one_condition = rule in (TITLE, RESIDUAL) and not names_a_class(named.text)
        title = self.nodes[code_id].title
        header_words = set(essential_and_optional(title)[0])  # "(CRPS I)" need not be said
        site = name & (set(words(title)) - set(_head_words(title)))
        # the words a code below must still say, by the rule that linked the header
        must_say = {INCLUSION: header_words, SITE_FIRST: site, RESIDUAL: name}.get(rule)
        allowed = name | set(words(title))
        stem = title.casefold().removesuffix(", unspecified")
        while pending:
            node_id = pending.pop()
            head = self._head_words_of.get(node_id)
            if head is None:  # codes under a category are walked again for each link to it
                head = self._head_words_of[node_id] = _head_words(self.nodes[node_id].title)
            if name & set(head) and head[-1] not in allowed:
                continue
            node_title = self.nodes[node_id].title
            if rule == INDEX and not node_title.casefold().startswith(stem):
                continue
            if must_say and not must_say <= set(words(node_title)):
                continue
            if one_condition and _another_condition(node_title, name):
                continue
            yield node_id
            pending += self.children.get(node_id, ())


def _says_site_first(name: frozenset[str], entry: _Head) -> bool:
    """Whether a name is the title with its site said first: "Eyelid Disorders" is "Other
    disorders of eyelid", "Back Injuries" "Unspecified injury of lower back". The title may
    add only "other (specified)" before and a side or where on the site ("lower back") after;
    a second site ("eyelid and orbit") is something else, and so is a kind: a "Superficial
    injury of head" (a blister of the nose) is not what Head Injuries is about."""
    site = name - entry.head_set
    return (
        bool(site)
        and entry.head_set - name <= RESIDUAL_WORDS
        and site <= entry.complement
        and entry.complement - name <= LATERALITY | SITE_CONNECTORS
    )


def _another_condition(title: str, name: frozenset[str]) -> bool:
    """A residual code of its own condition: "..., not elsewhere classified" not saying the
    name."""
    return "not elsewhere classified" in title.casefold() and not name <= set(words(title))


def names_a_class(text: str) -> bool:
    """Whether a name is a plural, a class of conditions ("Eating Disorders", "Fractures"),
    rather than one condition ("Myositis", "Asthma")."""
    found = re.findall(r"[a-z]+", text.casefold())
    return bool(found) and found[-1].endswith("s") and stem(found[-1]) != found[-1]


def _co_heads_read_as(name: frozenset[str], extra: frozenset[str]) -> dict[str, str]:
    """Words of a head that a title reading makes the name's own ("Subluxation and
    dislocation of thoracic vertebra" is a dislocation twice over), with why."""
    return {
        word: reading.why
        for word in extra
        if (reading := WORD_READINGS.get(word)) is not None and reading.reads_as[0] in name
    }


def _reading(
    head: tuple[str, ...], said: frozenset[str]
) -> tuple[tuple[str, ...], TitleReading] | None:
    """The head as a patient text would say it, if a title reading applies (a traumatic
    rupture is a sprain only of a ligament: "Traumatic rupture of ear drum" is none)."""
    for said_so, reading in TITLE_READINGS.items():
        if head[-len(said_so) :] == said_so and reading.only_of <= said:
            return (*head[: -len(said_so)], *reading.reads_as), reading
    return None


def _head_words(title: str) -> tuple[str, ...]:
    """The words of a title before its first comma or preposition ("Coma scale")."""
    lowered = f" {title.casefold()} "
    cuts = [lowered.find(s) for s in (*SITE_SPLITTERS, *OPEN_SPLITTERS, *BLOCKING_SPLITTERS)]
    cuts += [lowered.find(mark) for mark in (",", "(")]
    cut = min((c for c in cuts if c > 0), default=len(lowered))
    return words(lowered[:cut]) or ("",)


def _site_head(complement: str) -> frozenset[str]:
    """The organ a "... of <complement>" title is about: the last word before the first
    comma ("bronchus and lung" -> lung; "uterine adnexa, unspecified" -> adnexa), with the
    word before a generic head ("anal canal" -> anal, canal)."""
    found = words(complement.split(",")[0])
    if not found:
        return frozenset()
    head = {SITE_ADJECTIVES.get(found[-1], found[-1])}
    if found[-1] in GENERIC_SITE_HEADS and len(found) > 1:
        head.add(SITE_ADJECTIVES.get(found[-2], found[-2]))
    return frozenset(head)


def _subsets(items: frozenset[str]) -> Iterator[frozenset[str]]:
    ordered = sorted(items)
    for mask in range(1 << len(ordered)):
        yield frozenset(ordered[i] for i in range(len(ordered)) if mask >> i & 1)


def site_vocabulary(labels: Iterable[str]) -> frozenset[str]:
    """Words that name a body site: from ICD-10-PCS body-part values, the terms its Body Part
    Key files under them and the site headings of the Table of Neoplasms (official anatomy
    lists), less the few words of the key that say what or how rather than where."""
    found: set[str] = set()
    for label in labels:
        found.update(words(label))
    return frozenset(
        w for w in found if not w.isdigit() and w not in NEGATING_WORDS | NOT_SITES
    ) | {stem("bones")}
