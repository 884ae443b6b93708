"""ICD-10-CM tabular XML and order addenda (CDC-NCHS / CMS releases).

Tabular list (`icd10cm_tabular_YYYY.xml`, schema `icd-10-cm-tabular-2025.xsd`): the root
`<ICD10CM.tabular>` holds `<chapter>` elements (`<name>` = chapter number, `<desc>` ending in
the code range, e.g. "(E00-E89)"), each with `<section id="E08-E13">` children that hold
nested `<diag>` trees (`<name>` = code with dot, `<desc>` = long title). Chapters, sections and
diags carry instructional notes as `<includes><note>..</note></includes>` and likewise
`inclusionTerm`, `excludes1`, `excludes2`, `codeFirst`, `useAdditionalCode`, `codeAlso`,
`notes`; a diag may define 7th characters with `<sevenChrNote>` and
`<sevenChrDef><extension char="A">initial encounter</extension>...</sevenChrDef>`.
The root's `<introduction>` defines the tabular's conventions (`<introSection
type="instruction">` with a `<title>` and `<instruction><note>`s: Includes, Excludes1, ...).

A note element's `<note>`s are not always separate instructions: one ending in ":" is a
lead-in ("Code first, for adverse effects, the nature of the adverse effect, such as:") and the
notes after it in the same element are its items. Each Note carries the instruction (`unit`)
it belongs to, so readers keep a lead-in and its items together.

Order addenda (`icd10cm_order_addenda_YYYY.txt`, CMS `icd10OrderFiles.pdf`): one change per
line in the order-file layout behind a 13-column action label (`Add:`, `Delete:`,
`Revise from:`, `Revise to:`), 1-based columns: 14 flag (1 = billable, 0 = header),
16-22 code without dot, 24-83 short title, 85-end long title; then a summary block
("Headers" / "Codes": counts before and after, additions, deletions, revisions).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from medcodes.errors import SourceFormatError
from medcodes.sources.files import open_text, read_bytes

NOTE_KINDS = (
    "inclusionTerm",
    "includes",
    "excludes1",
    "excludes2",
    "codeFirst",
    "useAdditionalCode",
    "codeAlso",
    "notes",
)
CODE_RE = re.compile(r"[A-Z][0-9A-Z]{2}(?:\.[0-9A-Z]{1,4})?")
_CATEGORY = r"[A-Z][0-9A-Z]{2}"
_CHAPTER_RANGE = re.compile(rf"\(({_CATEGORY})-({_CATEGORY})\)\s*$")
_SECTION_ID = re.compile(rf"({_CATEGORY})(?:-({_CATEGORY}))?")
_HEADING_END = re.compile(r"[.:;!?]$")
MAX_HEADING_WORDS = 6


@dataclass(frozen=True, slots=True)
class Note:
    """One `<note>` of an instructional element; `kind` is the element name (NOTE_KINDS).

    Notes with the same `unit` form one instruction: a lead-in (`lead`) and its items.
    """

    kind: str
    text: str
    unit: int  # number of the instruction within its node, from 0
    lead: bool  # True for a lead-in ("code to identify:") that its unit's items complete


@dataclass(frozen=True, slots=True)
class Convention:
    """One instructional convention of the tabular's introduction ("Excludes1", ...)."""

    title: str  # as the file gives it, e.g. "Excludes1", "7th characters and placeholder X"
    text: str  # its <note>s joined by a space
    line: int


@dataclass(frozen=True, slots=True)
class TabularNode:
    """A chapter, section or diag of the tabular list, with its own notes."""

    kind: str  # "chapter" | "section" | "diag"
    code: str  # diag: "E11.9"; section: its id "E08-E13"; chapter: its number "4"
    title: str  # the official <desc>, as is (chapter/section descs end in their range)
    parent: str | None  # code of the enclosing node; None for a chapter
    first_code: str  # chapter/section: first category of the range; diag: its code
    last_code: str  # chapter/section: last category of the range; diag: its code
    notes: tuple[Note, ...]  # every note element directly on this node, document order
    seven_chr_note: str  # text of <sevenChrNote>, "" if none
    seven_chr_def: tuple[tuple[str, str], ...]  # (character, meaning) from <sevenChrDef>
    # <note>s inside <sevenChrDef>: extra wording for the extension before them, as
    # (character, text), e.g. ("B", "initial encounter for open fracture NOS") under S52.
    seven_chr_inclusions: tuple[tuple[str, str], ...]
    line: int


@dataclass(frozen=True, slots=True)
class AddendaChange:
    """One code added, deleted or retitled between two order files."""

    action: str  # "add" | "delete" | "revise"
    code: str  # as in the file: no dot
    billable: bool
    short_title: str
    long_title: str  # for revise: the new title
    previous_long_title: str  # for revise: the "Revise from" title; "" otherwise
    line: int


@dataclass(frozen=True, slots=True)
class AddendaSummary:
    """One block ("headers" or "codes") of the summary at the end of an order addenda."""

    kind: str  # "headers" | "codes"
    before: int
    after: int
    additions: int
    deletions: int
    revisions: int


def load_xml(path: Path, root_tag: str, member: str | None = None) -> etree._Element:
    """Parse a CDC XML file (plain, `.gz` or zip member); check the root element's name.

    Entities are not resolved and nothing is fetched from the network.
    """
    data = read_bytes(path, member)
    parser = etree.XMLParser(resolve_entities=False, no_network=True, remove_comments=True)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise SourceFormatError(path, exc.lineno, f"not well-formed XML: {exc.msg}") from exc
    if root.tag != root_tag:
        raise SourceFormatError(path, 1, f"root element is <{root.tag}>, expected <{root_tag}>")
    return root


def clean_text(text: str) -> str:
    """Collapse runs of whitespace (the XML wraps and indents long notes) to one space."""
    return " ".join(text.split())


def parse_tabular(path: Path, member: str = r"tabular.*\.xml$") -> Iterator[TabularNode]:
    """Yield every chapter, section and diag of a tabular XML in document order.

    `member` picks the XML inside a CDC zip. Raises SourceFormatError naming the file and
    line for XML that is not well-formed or an element missing its name, title or range.
    """
    root = load_xml(path, "ICD10CM.tabular", member)
    for chapter in root.iterchildren("chapter"):
        yield from _chapter(path, chapter)


def _chapter(path: Path, element: etree._Element) -> Iterator[TabularNode]:
    number = _child_text(path, element, "name", "chapter")
    title = _child_text(path, element, "desc", f"chapter {number}")
    match = _CHAPTER_RANGE.search(title)
    if match is None:
        raise SourceFormatError(
            path, element.sourceline, f"chapter {number} title {title!r} ends in no code range"
        )
    yield _node(path, element, "chapter", number, title, None, match.group(1), match.group(2))
    for section in element.iterchildren("section"):
        yield from _section(path, section, number)


def _section(path: Path, element: etree._Element, chapter: str) -> Iterator[TabularNode]:
    section_id = element.get("id", "")
    match = _SECTION_ID.fullmatch(section_id)
    if match is None:
        raise SourceFormatError(
            path, element.sourceline, f"section id {section_id!r} is not a code range"
        )
    title = _child_text(path, element, "desc", f"section {section_id}")
    first, last = match.group(1), match.group(2) or match.group(1)
    yield _node(path, element, "section", section_id, title, chapter, first, last)
    yield from _diags(path, element, section_id, "")


def _diags(
    path: Path, container: etree._Element, parent: str, prefix: str
) -> Iterator[TabularNode]:
    """The diag children of `container`, depth first; each code must extend `prefix`."""
    for element in container.iterchildren("diag"):
        code = _child_text(path, element, "name", "diag")
        if CODE_RE.fullmatch(code) is None or not code.startswith(prefix):
            raise SourceFormatError(
                path, element.sourceline, f"diag name {code!r} is not a code under {parent}"
            )
        title = _child_text(path, element, "desc", f"diag {code}")
        yield _node(path, element, "diag", code, title, parent, code, code)
        yield from _diags(path, element, code, code)


def _node(
    path: Path,
    element: etree._Element,
    kind: str,
    code: str,
    title: str,
    parent: str | None,
    first_code: str,
    last_code: str,
) -> TabularNode:
    definition, inclusions = _seven_chr_def(path, element)
    return TabularNode(
        kind=kind,
        code=code,
        title=title,
        parent=parent,
        first_code=first_code,
        last_code=last_code,
        notes=_notes(element),
        seven_chr_note=" ".join(_text(n) for n in element.iterfind("sevenChrNote/note")),
        seven_chr_def=definition,
        seven_chr_inclusions=inclusions,
        line=element.sourceline,
    )


def _notes(element: etree._Element) -> tuple[Note, ...]:
    """The node's notes in document order, each with the instruction (unit) it belongs to.

    A lead-in starts a unit that its element's following notes join, up to the next lead-in;
    notes before any lead-in, and notes of different elements, are instructions of their own.
    """
    notes: list[Note] = []
    unit = -1
    for group in element.iterchildren(*NOTE_KINDS):
        texts = [_text(note) for note in group.iterchildren("note")]
        in_lead = False
        for index, text in enumerate(texts):
            lead = _is_lead_in(group.tag, texts, index)
            if lead or not in_lead:
                unit += 1
            in_lead = in_lead or lead
            notes.append(Note(group.tag, text, unit, lead))
    return tuple(notes)


def _is_lead_in(kind: str, texts: list[str], index: int) -> bool:
    """A note ending in ":" with items after it, or, in a `<notes>` element, a short heading
    between paragraphs ("Functional activity" above the paragraph it titles, chapter 2)."""
    text = texts[index]
    if index + 1 == len(texts):
        return False
    if text.endswith(":"):
        return True
    after, before = texts[index + 1], texts[index - 1] if index else "."
    return (
        kind == "notes"
        and len(text.split()) <= MAX_HEADING_WORDS
        and _HEADING_END.search(text) is None
        and after.endswith(".")
        and before.endswith(".")
    )


def parse_conventions(path: Path, member: str = r"tabular.*\.xml$") -> list[Convention]:
    """The instructional conventions of a tabular's `<introduction>`, in file order.

    Raises SourceFormatError for XML that is not well-formed or a convention without a title
    or text.
    """
    root = load_xml(path, "ICD10CM.tabular", member)
    found = []
    for section in root.iterfind("introduction/introSection[@type='instruction']"):
        title = _child_text(path, section, "title", "introSection").removesuffix(":")
        text = " ".join(_text(note) for note in section.iterfind("instruction/note"))
        if not text:
            raise SourceFormatError(path, section.sourceline, f"convention {title!r} has no text")
        found.append(Convention(title, text, section.sourceline))
    return found


def _seven_chr_def(
    path: Path, element: etree._Element
) -> tuple[tuple[tuple[str, str], ...], tuple[tuple[str, str], ...]]:
    """(character, meaning) pairs and (character, extra wording) pairs of <sevenChrDef>."""
    definition: list[tuple[str, str]] = []
    inclusions: list[tuple[str, str]] = []
    for child in element.iterfind("sevenChrDef/*"):
        if child.tag == "extension":
            char = child.get("char", "").strip()
            if not char.isalnum():
                raise SourceFormatError(
                    path, child.sourceline, f"7th character {char!r} is invalid"
                )
            definition.append((char, _text(child)))
        elif child.tag == "note":
            inclusions.append((definition[-1][0] if definition else "", _text(child)))
    return tuple(definition), tuple(inclusions)


def _child_text(path: Path, element: etree._Element, tag: str, what: str) -> str:
    child = element.find(tag)
    text = "" if child is None else _text(child)
    if not text:
        raise SourceFormatError(path, element.sourceline, f"{what} has no <{tag}>")
    return text


def _text(element: etree._Element) -> str:
    return clean_text("".join(element.itertext()))


# --- order addenda -----------------------------------------------------------------------

_LABELS = {"Add:": "add", "Delete:": "delete", "Revise from:": "from", "Revise to:": "to"}
_SUMMARY_HEADINGS = {"Headers": "headers", "Codes": "codes"}
_COUNT_IN_FILE = re.compile(r"(\d+) (?:headers|codes) in \S+")
_CHANGE_COUNT = re.compile(r"(\d+) (additions|deletions|revisions)")


@dataclass(frozen=True, slots=True)
class _AddendaLine:
    label: str  # "add" | "delete" | "from" | "to"
    billable: bool
    code: str
    short_title: str
    long_title: str
    line: int


def parse_order_addenda(
    path: Path, member: str = r"order_addenda_\d{4}\.txt$"
) -> Iterator[AddendaChange]:
    """Yield the changes of an order addenda (plain, `.gz` or the CMS zip) in file order.

    A "Revise from:" line and the "Revise to:" line after it become one "revise" change.
    Raises SourceFormatError naming the line for a row that does not fit the layout.
    """
    pending: _AddendaLine | None = None
    for row in _addenda_lines(path, member):
        if row.label == "to":
            yield _revision(path, pending, row)
            pending = None
        elif pending is not None:
            raise SourceFormatError(
                path, pending.line, "'Revise from:' not followed by 'Revise to:'"
            )
        elif row.label == "from":
            pending = row
        else:
            yield AddendaChange(
                row.label, row.code, row.billable, row.short_title, row.long_title, "", row.line
            )
    if pending is not None:
        raise SourceFormatError(path, pending.line, "'Revise from:' not followed by 'Revise to:'")


def _revision(path: Path, before: _AddendaLine | None, after: _AddendaLine) -> AddendaChange:
    if before is None or before.code != after.code:
        raise SourceFormatError(
            path, after.line, f"'Revise to:' {after.code} without a 'Revise from:' line for it"
        )
    return AddendaChange(
        action="revise",
        code=after.code,
        billable=after.billable,
        short_title=after.short_title,
        long_title=after.long_title,
        previous_long_title=before.long_title,
        line=before.line,
    )


def _addenda_lines(path: Path, member: str) -> Iterator[_AddendaLine]:
    """The change lines, up to the summary block (which starts with "Headers" or "Codes")."""
    with open_text(path, member=member, encoding="latin-1") as fh:
        for number, raw in enumerate(fh, start=1):
            line = raw.rstrip("\r\n")
            if line.strip() in _SUMMARY_HEADINGS:
                return
            if line.strip():
                yield _addenda_line(path, number, line)


def _addenda_line(path: Path, number: int, line: str) -> _AddendaLine:
    label = _LABELS.get(line[:13].strip())
    if label is None:
        raise SourceFormatError(
            path, number, f"line starts with no Add/Delete/Revise label: {line[:30]!r}"
        )
    if len(line) < 85:
        raise SourceFormatError(path, number, f"addenda row too short ({len(line)} < 85 chars)")
    flag, code = line[13], line[15:22].strip()
    if flag not in "01":
        raise SourceFormatError(path, number, f"billable flag {flag!r} is neither 0 nor 1")
    if not code.isalnum() or line[14] != " ":
        raise SourceFormatError(path, number, f"code {line[14:22]!r} is not alphanumeric")
    long_title = line[84:].strip()
    if not long_title:
        raise SourceFormatError(path, number, "long description is empty")
    return _AddendaLine(label, flag == "1", code, line[23:83].strip(), long_title, number)


def parse_order_addenda_summary(
    path: Path, member: str = r"order_addenda_\d{4}\.txt$"
) -> dict[str, AddendaSummary]:
    """The addenda's own summary, keyed "headers" and "codes", to check a parse against."""
    blocks: dict[str, list[str]] = {}
    current: list[str] | None = None
    with open_text(path, member=member, encoding="latin-1") as fh:
        for raw in fh:
            text = raw.strip()
            if text in _SUMMARY_HEADINGS:
                current = blocks.setdefault(_SUMMARY_HEADINGS[text], [])
            elif current is not None:
                current.append(text)
    return {kind: _summary(path, kind, lines) for kind, lines in blocks.items()}


def _summary(path: Path, kind: str, lines: list[str]) -> AddendaSummary:
    totals = [int(m.group(1)) for m in map(_COUNT_IN_FILE.fullmatch, lines) if m]
    changes: dict[str, int] = {}
    for match in filter(None, map(_CHANGE_COUNT.fullmatch, lines)):
        changes.setdefault(match.group(2), int(match.group(1)))
    if len(totals) != 2 or len(changes) != 3:
        raise SourceFormatError(path, f"summary block {kind!r}", "counts missing or repeated")
    return AddendaSummary(kind, totals[0], totals[1], **changes)
