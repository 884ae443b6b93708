"""The excerpt writer: sections quoted verbatim from the documents linked to a code.

Which passage goes to which section is decided by `SECTION_RULES` below, read top to bottom
(the first rule that matches a passage's heading, its parent heading, its MedQuAD question
type or, for a passage without heading, its first sentence wins). Duration and Setting come
from sentences that state one ("It usually takes 30 to 60 minutes.", "You will have the
procedure at a hospital or outpatient center."). Nothing is reworded: a quote is trimmed at a
paragraph or list item, never inside a sentence, and the page links the whole text.

Where one topic describes several procedures in "For a colonoscopy:" / "For a virtual
colonoscopy:" blocks, only the block naming what the code is linked by is quoted.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from medcodes.catalog.knowledge_read import DocumentLink, KnowledgePassage, KnowledgeReader
from medcodes.catalog.read import Code
from medcodes.explain.model import (
    EXCERPT,
    Draft,
    ExcerptSource,
    LinkReason,
    Provenance,
    SectionSpec,
)

PROCEDURE, DIAGNOSIS = "procedure", "diagnosis"
LIST_MARK = "- "
MAX_CHARS = 1200  # a quote longer than this is trimmed at a paragraph or item
MAX_ITEMS = 14
# Links whose documents may write sections on the linked code (an approved use links an NCI
# drug page to a condition, but that page is about the drug, not the condition).
SECTION_KINDS = frozenset({"condition", "procedure", "test", "device", "drug"})


@dataclass(frozen=True, slots=True)
class SectionRule:
    """A passage goes to `section` when its heading (or parent heading) matches `heading`, its
    MedQuAD question type is one of `qtypes`, or, having no heading, its opening paragraph
    matches `lead` (`lead="^"` with `opening=True`: the document's first paragraph).
    `profile` limits the rule to procedure or diagnosis pages."""

    section: str
    profile: str
    heading: str = ""
    qtypes: tuple[str, ...] = ()
    lead: str = ""
    opening: bool = False  # only the first passage of a document


# fmt: off
SECTION_RULES: tuple[SectionRule, ...] = (
    # --- procedures, tests, devices and drugs ---------------------------------------------
    SectionRule("preparation", PROCEDURE, heading=r"\bprepare\b|\bpreparation"),
    SectionRule("procedure", PROCEDURE,
                heading=r"^what happens during|^for (?:an? |the )?\S"
                        r"|^how (?:is|are|do|does) .*\b(?:done|performed|given)\b",
                lead=r"^during (?:an? |the )"),
    SectionRule("recovery", PROCEDURE,
                heading=r"\bafter (?:an? |the |my |your )?\S|^what should i expect|recover"),
    SectionRule("risks_common", PROCEDURE,
                heading=r"\brisks?\b|side effects|complications",
                lead=r"^the most common problems?\b|^(?:the )?risks?\b|^complications\b"),
    SectionRule("indications", PROCEDURE,
                heading=r"^who needs|^why do i need|used for\b|^use in cancer$"
                        r"|^when (?:is|are|do)\b"),
    SectionRule("benefits", PROCEDURE, lead=r"\bcan:$|^benefits\b"),
    SectionRule("purpose", PROCEDURE, lead=r"^", opening=True),
    SectionRule("purpose", PROCEDURE,
                heading=r"^what (?:is|are)\b",
                lead=r"\bworks by\b|\bis (?:a |an )?(?:surgery|procedure|test|treatment)\b"),
    # --- conditions ------------------------------------------------------------------------
    SectionRule("summary", DIAGNOSIS, lead=r"^", opening=True),
    SectionRule("symptoms", DIAGNOSIS, heading=r"\bsymptoms?\b|\bsigns\b", qtypes=("symptoms",),
                lead=r"\bsymptoms\b[^.]*\b(?:include|are|may be)\b"),
    SectionRule("causes", DIAGNOSIS,
                heading=r"\bcaus(?:e|es|ed)\b|\brisk\b|\bat risk\b|\bgenetic changes\b|\binherit",
                qtypes=("causes", "susceptibility", "genetic changes", "inheritance"),
                lead=r"\bcaused by\b|(?:^|[.!?]\s)(?:often,? )?the cause\b|\brisk factors?\b"
                     r"|\bcauses of\b[^.]*\binclude|\bhas many (?:possible )?causes\b"),
    SectionRule("diagnosis", DIAGNOSIS,
                heading=r"diagnos|\btests?\b|\bexams?\b", qtypes=("exams and tests",),
                lead=r"\bdiagnos|\btests?\b[^.]*\b(?:show|find|check)"),
    SectionRule("outlook", DIAGNOSIS, heading=r"\boutlook\b|prognosis", qtypes=("outlook",)),
    SectionRule("treatment", DIAGNOSIS,
                heading=r"\btreat|\btherapy\b|\bmanag", qtypes=("treatment",),
                lead=r"\btreatments?\b|\btreated\b|\bno cure\b"),
    SectionRule("summary", DIAGNOSIS,
                heading=r"^what (?:is|are)\b"
                        r"|\bis (?:a|an) (?:type|kind|form|group|disease|disorder|condition)\b",
                qtypes=("information",)),
)
# fmt: on
_COMPILED = [
    (
        rule,
        re.compile(rule.heading, re.I) if rule.heading else None,
        re.compile(rule.lead, re.I) if rule.lead else None,
    )
    for rule in SECTION_RULES
]  # fmt: skip

# The rules that apply on a page of each profile, to a document's first passage or another.
_RULES_FOR = {
    (profile, first): [
        c for c in _COMPILED if c[0].profile == profile and (first or not c[0].opening)
    ]
    for profile in (PROCEDURE, DIAGNOSIS)
    for first in (True, False)
}
# Passages quoted whole would not read as text: flattened Human Phenotype Ontology tables, and
# MedQuAD's Genetics Home Reference "treatment" answers, which are lists of further-reading
# links run together ("These resources address the diagnosis or management of X: - Genetic
# Testing Registry: ... - Diagnostic Tests - Drug Therapy - Surgery and Rehabilitation").
UNQUOTABLE = re.compile(
    r"Human Phenotype Ontology|^These resources address the diagnosis or management of"
)
# A line that only sends the reader to another page ("Learn more in Recurrent Cancer: When
# Cancer Comes Back."): the page links the whole text instead.
CROSS_REFERENCE = re.compile(r"^Learn more (?:in|about) [^.]{1,150}\.$")
# Sentences that state how long or where, quoted whole into Duration and Setting; a span
# followed by what it takes to happen is how long something else takes ("...it takes a few
# weeks to start working", of a new kidney).
DURATION = re.compile(
    r"\b(?:takes?|lasts?)\s+(?:about|around|up to|less than|more than|only|from)?\s*"
    r"(?:\d+|a few|one|two|several)(?:\s*(?:to|-|or)\s*\d+)?\s+(?:minutes?|hours?|days?|weeks?)\b"
    r"(?!\s+(?:for \S+ )?(?:to|before) (?:start|begin|work|heal|recover|feel|go away|return))",
    re.I,
)
SETTING = re.compile(
    r"\b(?:at|in)\s+(?:a|an|the|your)\s+(?:hospital|outpatient (?:center|clinic|facility)|"
    r"(?:doctor's|provider's|health care provider's|medical) office|clinic|surgery center|"
    r"surgical center|lab)\b",
    re.I,
)
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")
# Sentence openers that lean on the sentence before ("Some people go home the same day they
# have surgery. Other people will stay in the hospital a few days."): quoted alone, such a
# sentence says something else or nothing clear.
_LEANS_BACK = re.compile(
    r"^(?:Others?|These|This|Those|They|It|Then|But|However|Also|Otherwise|Instead|Still|"
    r"So|That|Both|After that|In that case)\b"
)
_SUB_HEADING = re.compile(r"^for (?:an? |the )?(.+?):$", re.I)


def section_of(passage: KnowledgePassage, profile: str, first: bool = False) -> str | None:
    """The section a passage fills on a page of `profile`: by its MedQuAD question type or
    heading, the first matching rule; else, for a passage without heading, by the first rule
    whose lead its opening sentence matches, and only then its whole paragraph ("Treatment
    depends on the cause of your fever." is about treatment, not causes). `first` says it
    opens its document."""
    rules = _RULES_FOR[(profile, first)]
    for rule, heading, _lead in rules:
        if passage.qtype and passage.qtype in rule.qtypes:
            return rule.section
        if heading and (
            heading.search(passage.heading) or (passage.parent and heading.search(passage.parent))
        ):
            return rule.section
    if passage.heading:
        return None
    paragraph = passage.text.split("\n", 1)[0]
    for text in (_SENTENCE.split(paragraph, 1)[0], paragraph):
        for rule, _heading, lead in rules:
            if lead and lead.search(text):
                return rule.section
    return None


class ExcerptWriter:
    """Writes the sections the linked documents support, each quoting one document."""

    name = EXCERPT

    def __init__(self, reader: KnowledgeReader) -> None:
        self.reader = reader

    def write(self, code: Code, profile: str, wanted: Sequence[SectionSpec]) -> list[Draft]:
        drafts: dict[str, Draft] = {}
        for _link, _passages, found in self.quoted(code, profile):
            drafts |= {key: draft for key, draft in found.items() if key not in drafts}
        return [drafts[spec.key] for spec in wanted if spec.key in drafts]

    def grounding(self, code: Code, profile: str) -> list[str]:
        """The passages of the documents this writer quotes on `code`, whole."""
        return [p.text for _link, passages, _found in self.quoted(code, profile) for p in passages]

    def quoted(
        self, code: Code, profile: str
    ) -> list[tuple[DocumentLink, list[KnowledgePassage], dict[str, Draft]]]:
        """(link, its usable passages, the sections it can quote) for each document that
        speaks on this code: the best-ranked document with something to quote, then, on a
        condition page, the others naming the same code."""
        links = [link for link in self.reader.links(code) if link.kind in SECTION_KINDS]
        used: list[tuple[DocumentLink, list[KnowledgePassage], dict[str, Draft]]] = []
        for link in links:
            if used and not _same_subject(used[0][0], link, profile):
                continue
            passages = usable_passages(self.reader.passages(link.document), link.name)
            found = {
                key: _quote(key, chosen, link)
                for key, chosen in _by_section(passages, profile, link.name).items()
            }
            if profile == PROCEDURE:
                found |= {
                    key: _quote(key, [_alone(sentence)], link)
                    for key, sentence in _stated(passages).items()
                }
            written = {key: draft for key, draft in found.items() if draft is not None}
            if written:
                used.append((link, passages, written))
        return used


def quotable_sections(passages: list[KnowledgePassage], profile: str, name: str) -> set[str]:
    """The sections a document linked by `name` can quote on a page of `profile`."""
    usable = usable_passages(passages, name)
    found = {key for key, chosen in _by_section(usable, profile, name).items() if chosen}
    if profile == PROCEDURE:
        found |= set(_stated(usable))
    return found


def _same_subject(first: DocumentLink, other: DocumentLink, profile: str) -> bool:
    """Whether a second document may fill the sections the first left empty: on a condition
    page, when it names the same code (two texts on type 1 diabetes); never on a procedure
    page, where two documents are two procedures (colonoscopy and anoscopy are both
    0DJD8ZZ)."""
    return profile == DIAGNOSIS and other.anchor == first.anchor


def usable_passages(passages: list[KnowledgePassage], name: str) -> list[KnowledgePassage]:
    """The passages that speak of what the link names. Where a topic describes several
    procedures in "For a ...:" blocks, only the block naming it is kept, and so is no passage
    whose heading names only another of those procedures ("What is a virtual colonoscopy?"
    on a colonoscopy page)."""
    wanted = _words(name)
    blocks = [_SUB_HEADING.match(p.heading) for p in passages]
    variants = {
        block.group(1).casefold() for block in blocks if block and _words(block.group(1)) > wanted
    }
    return [
        passage
        for passage, block in zip(passages, blocks, strict=True)
        if (block is None or _words(block.group(1)) == wanted)
        and not (block is None and _only_variants(passage.heading, name, variants))
    ]


def _only_variants(heading: str, name: str, variants: set[str]) -> bool:
    """A heading naming the link's name only inside a variant's name."""
    lowered = heading.casefold()
    if not variants or name.casefold() not in lowered:
        return False
    for variant in variants:
        lowered = lowered.replace(variant, " ")
    return name.casefold() not in lowered


def _words(text: str) -> frozenset[str]:
    return frozenset(w.rstrip("s") for w in re.findall(r"[a-z0-9]+", text.casefold()))


def _by_section(
    passages: Iterable[KnowledgePassage], profile: str, name: str
) -> dict[str, list[KnowledgePassage]]:
    """The passages of each section. After a document's opening paragraph, a "What is ...?"
    passage joins the summary (or purpose) only when it asks about what the link names: on
    T36.0X5A (adverse effect of penicillins), linked to Drug Reactions, "What is a drug
    interaction?" is another subject."""
    found: dict[str, list[KnowledgePassage]] = {}
    subject = _words(name)
    for index, passage in enumerate(passages):
        if UNQUOTABLE.search(passage.text):
            continue
        key = section_of(passage, profile, first=index == 0 and not passage.heading)
        if key and _asks_about_another_subject(passage, found.get(key), subject):
            continue
        if key:
            found.setdefault(key, []).append(passage)
    return found


_WHAT_IS = re.compile(r"^what (?:is|are)\b", re.I)


def _asks_about_another_subject(
    passage: KnowledgePassage, before: list[KnowledgePassage] | None, subject: frozenset[str]
) -> bool:
    opened = bool(before) and not before[0].heading  # the section starts with the opening
    return (
        opened and bool(_WHAT_IS.match(passage.heading)) and not subject <= _words(passage.heading)
    )


def _stated(passages: Iterable[KnowledgePassage]) -> dict[str, str]:
    """The first sentence stating a duration, and the first stating a setting, each with the
    sentences before it in its paragraph that it leans on."""
    found: dict[str, str] = {}
    for passage in passages:
        for block in passage.text.split("\n"):
            sentences = [s.strip() for s in _SENTENCE.split(block.removeprefix(LIST_MARK))]
            for index, sentence in enumerate(sentences):
                for key, states in (("duration", DURATION), ("setting", SETTING)):
                    if key not in found and states.search(sentence):
                        quoted = _with_what_it_leans_on(sentences, index)
                        if quoted:
                            found[key] = quoted
    return found


def _with_what_it_leans_on(sentences: list[str], index: int) -> str:
    """The sentence at `index`, after the ones before it in the paragraph back to one that
    stands alone ("Some people go home the same day they have surgery. Other people will stay
    in the hospital a few days."); "" when the paragraph opens leaning on what came before."""
    start = index
    while start >= 0 and _LEANS_BACK.match(sentences[start]):
        start -= 1
    return " ".join(sentences[start : index + 1]) if start >= 0 else ""


def _alone(sentence: str) -> KnowledgePassage:
    return KnowledgePassage(heading="", parent="", qtype="", line=0, text=sentence)


def _quote(key: str, passages: list[KnowledgePassage], link: DocumentLink) -> Draft | None:
    """The passages as one quote, paragraphs as text and list items as items, cut at a
    paragraph, an item or (for one long paragraph) a sentence once it would pass MAX_CHARS.
    None when not even one sentence fits."""
    paragraphs: list[str] = []
    items: list[str] = []
    size = 0
    for block in (b.strip() for p in passages for b in p.text.split("\n")):
        if not block or CROSS_REFERENCE.match(block):
            continue
        if block.startswith(LIST_MARK):
            block = block[len(LIST_MARK) :]
            if size + len(block) > MAX_CHARS or len(items) >= MAX_ITEMS:
                break
            items.append(block)
        elif items:
            break  # a paragraph after the list: left for the whole text, linked
        else:
            fitting = _fitting(block, MAX_CHARS - size)
            if not fitting:
                break
            paragraphs.append(fitting)
            if fitting != block:
                break
        size += len(block)
    if not paragraphs and not items:
        return None
    return Draft(
        key, text="\n\n".join(paragraphs), items=tuple(items), provenance=_provenance(link)
    )


def _fitting(paragraph: str, room: int) -> str:
    """The paragraph, or as many of its first sentences as fit in `room` characters."""
    if len(paragraph) <= room:
        return paragraph
    kept = ""
    for sentence in _SENTENCE.split(paragraph):
        if len(kept) + len(sentence) + 1 > room:
            break
        kept = f"{kept} {sentence}".strip()
    return kept


def _provenance(link: DocumentLink) -> Provenance:
    document = link.document
    source = ExcerptSource(
        name=document.publisher,
        title=document.title,
        url=document.url,
        date=document.date,
        file=document.file,
    )
    return Provenance(
        EXCERPT,
        [source],
        date=document.date,
        verified=True,
        link=LinkReason(link.kind, link.evidence, link.general),
    )
