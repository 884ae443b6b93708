"""ICD-10-CM tabular notes read as the tabular means them: one instruction per lead-in and its
items ("Code first, for adverse effects, the nature of the adverse effect, such as: ..."),
labelled by the node that carries it, without the notes that are not instructions for the code
shown (how a chapter is organised, a 7th-character reminder on a code that has its 7th).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from itertools import groupby

from medcodes.catalog.read import AppliedNote, Code

# Plain labels; the Excludes wording is the tabular introduction's own ("NOT CODED HERE!",
# "Not included here").
KIND_LABELS = {
    "inclusionTerm": "Also used for",
    "includes": "Includes",
    "excludes1": "Not coded here (Excludes1)",
    "excludes2": "Not included here, may be coded as well (Excludes2)",
    "codeFirst": "Code first",
    "useAdditionalCode": "Use additional code",
    "codeAlso": "Code also",
    "notes": "Note",
    "sevenChrNote": "7th character",
}
LIST_KINDS = frozenset({"inclusionTerm", "includes", "excludes1", "excludes2"})
ORIGIN_KINDS = {"section": "block"}  # the tabular's sections are blocks of categories
# Notes about how the classification is laid out, not about coding the code shown.
HIERARCHY_NOTES = re.compile(
    r"^(This (section|chapter) (is structured|contains the following)"
    r"|The chapter uses the S-section"
    r"|For definition of .* see table below"
    r"|The table below)",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class Instruction:
    """One tabular instruction: a kind, its text as the tabular reads it, and where it is from."""

    kind: str  # a note kind (inclusionTerm, codeFirst, ...)
    text: str  # lead-in and items: "code(s) to specify: manifestations of poisoning; ..."
    has_lead: bool  # a lead-in governs the items: never merge it with other instructions
    origin: str  # "" for the code's own notes, else "block T36-T50", "category T46", ...
    origin_kind: str  # kind of the node carrying it: chapter, section, category, ...
    source: str  # sources.name of the tabular


def node_instructions(code: Code, node: Code, notes: list[AppliedNote]) -> list[Instruction]:
    """The instructions `node` (the code itself or one of its ancestors) gives `code`, from the
    node's own notes in tabular order."""
    found: list[Instruction] = []
    for _unit, group in groupby(notes, key=lambda note: note.unit):
        found += _instruction(code, node, list(group))
    return found


def _instruction(code: Code, node: Code, unit: list[AppliedNote]) -> list[Instruction]:
    first = unit[0]
    if first.kind == "sevenChrNote" and has_seventh_character(code):
        return []  # the code already has its 7th character
    if first.kind == "notes" and HIERARCHY_NOTES.search(first.text):
        return []
    items = [note.text for note in unit[1:]] if first.lead else [n.text for n in unit]
    body = "; ".join(items)
    text = f"{lead_in(first.text)} {body}" if first.lead else body
    origin = "" if node.id == code.id else f"{ORIGIN_KINDS.get(node.kind, node.kind)} {node.code}"
    return [Instruction(first.kind, text, first.lead, origin, node.kind, first.source)]


def lead_in(text: str) -> str:
    """A lead-in as it introduces its items: a heading ("Functional activity") gets a colon."""
    return text if text.endswith(":") else f"{text}:"


def has_seventh_character(code: Code) -> bool:
    return code.system == "ICD10CM" and len(code.code.replace(".", "")) == 7


def label(instruction: Instruction) -> str:
    """How the instruction starts: "Code first", "The block V20-V29 also covers", ..."""
    kind = instruction.kind
    if kind == "includes" and instruction.origin_kind in ("chapter", "section"):
        return f"The {instruction.origin} also covers"
    if kind == "includes" and instruction.origin:
        return f"{instruction.origin[0].upper()}{instruction.origin[1:]} includes"
    if kind == "inclusionTerm" and instruction.origin:
        return f"Also used for (inclusion term of {instruction.origin})"
    return KIND_LABELS.get(kind, kind)


@lru_cache(maxsize=65_536)
def render(instruction: Instruction, text: str | None = None) -> str:
    """The instruction as one sentence: its label joined to its text the way the tabular's
    printed notes read ("Code first, for adverse effects, ...", "Use additional code to
    identify: ..."), then its origin when inherited. Cached: ancestors' notes recur."""
    body = instruction.text if text is None else text
    start = label(instruction)
    if body.startswith(","):
        joined = start + body
    elif instruction.kind == "useAdditionalCode" and body.lower().startswith("code"):
        joined = f"Use additional {body}"
    elif instruction.kind in ("codeFirst", "codeAlso"):
        joined = f"{start} {body}"
    else:
        joined = f"{start}: {body}"
    if instruction.origin and instruction.origin.casefold() not in start.casefold():
        joined = f"{joined.rstrip('.')} [from {instruction.origin}]"
    return joined


def merged(found: Iterable[Instruction]) -> list[tuple[Instruction, str]]:
    """Instructions with the text to show; consecutive terms of one list kind and origin without
    a lead-in become one list ("Excludes2: birth trauma (P10-P15); obstetric trauma (O70-O71)"),
    as the tabular prints them under one heading. Sentences (notes, code-first, ...) stay apart."""
    shown: list[tuple[Instruction, str]] = []
    for instruction in found:
        if shown and instruction.kind in LIST_KINDS:
            last, text = shown[-1]
            same = (last.kind, last.origin) == (instruction.kind, instruction.origin)
            if same and not last.has_lead and not instruction.has_lead:
                shown[-1] = (last, f"{text}; {instruction.text}")
                continue
        shown.append((instruction, instruction.text))
    return shown
