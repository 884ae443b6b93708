"""Procedure, test and device links: which ICD-10-PCS and HCPCS codes a MedlinePlus topic or
medical test is about, and why.

- ICD-10-PCS: an ICD-10-PCS Index heading saying the topic's name, give or take a side and
  the word "joint" ("Replacement, Joint, Hip, Right" = "hip replacement"), gives its codes.
  Headings that point at a whole table (0SR, "Replacement, hip") are left out: a table mixes
  body parts (hip and knee share 0SR).
- HCPCS: a descriptor whose leading phrase, in some part of it, is the name
  ("Colorectal cancer screening; colonoscopy on individual at high risk" is a colonoscopy;
  "...; alternative to g0105, screening colonoscopy, barium enema" is a barium enema, and
  "Influenza virus vaccine" is a vaccine, not the flu).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from medcodes.catalog.knowledge_names import (
    LATERALITY,
    Name,
    essential_and_optional,
    words,
)

PCS_INDEX, PCS_AXIS, HCPCS_DESCRIPTOR = "pcs-index", "pcs-axis", "descriptor"
# Axes whose values name a kind of procedure: the section ("Radiation Therapy"), the body
# system where a section names its kinds of care by it ("Rehabilitation", F0) and the third
# character (root operation or imaging type: "Computerized Tomography (CT Scan)").
PCS_NAMING_AXES = (1, 2, 3)
_ALTERNATE = re.compile(r"^(.*?)\s*\(([^()]+)\)\s*$")
PCS_TOLERATED = LATERALITY | frozenset({"joint"})
# Words of an axis label a name may leave out: "plain" only sets plain radiography (an x-ray,
# "Radiography" to MedlinePlus) apart from fluoroscopy and CT.
AXIS_TOLERATED = frozenset({"plain"})
# Axis labels a patient text names otherwise, and why: the ICD-10-PCS definitions of the three
# nuclear medicine imaging types are "introduction of radioactive materials into the body for
# ... display of images developed from the capture of radioactive emissions", a nuclear scan.
NUCLEAR_SCAN = "nuclear scan", "by its definition, images of radioactive emissions: a nuclear scan"
AXIS_READINGS: dict[str, tuple[str, str]] = {
    "Planar Nuclear Medicine Imaging": NUCLEAR_SCAN,
    "Tomographic (Tomo) Nuclear Medicine Imaging": NUCLEAR_SCAN,
    "Positron Emission Tomographic (PET) Imaging": NUCLEAR_SCAN,
}
PCS_CODE_LENGTH = 7
# Where a descriptor's leading phrase ends ("Colonoscopy on individual ...", "Hearing aid,
# monaural"): the phrase before is what the line bills.
_PHRASE_END = re.compile(
    r"\s(?:of|on|for|with|without|by|in|into|to|per|including|each|via|at|from|and|or|"
    r"when|that|which|used|under|over)\s|\(|\d"
)
DEVICE_PREFIXES = ("A4", "A5", "A6", "A7", "A8", "A9", "E", "K", "L", "V")
# CMS quality-data codes report a measure ("Ct scan of the paranasal sinuses ordered at the
# time of diagnosis for documented reasons"), they bill no service: G8000-G9999, M1000-M1999.
QUALITY_REPORTING_PREFIXES = ("G8", "G9", "M1")
# What may stand before the name in a descriptor's leading phrase ("screening colonoscopy",
# "digital hearing aid"); anything else ("Patients who have had a hysterectomy", "Low dose ct
# scan") says the line is about something else or something narrower.
PROCEDURE_PREMODIFIERS = frozenset(
    {"screening", "diagnostic", "routine", "flexible", "rigid", "surgical", "bilateral",
     "unilateral", "digital", "analog", "programmable", "nonprogrammable", "intensive",
     "annual", "initial", "subsequent", "complete", "partial", "total", "home"}
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class ProcedureAnchor:
    code_id: int
    rule: str
    name: Name
    evidence: str


class ProcedureIndex:
    """ICD-10-PCS index headings and HCPCS descriptor phrases, ready to look names up in."""

    def __init__(
        self,
        pcs_terms: Iterable[tuple[str, int, str]],
        hcpcs_titles: Iterable[tuple[int, str, str]],
        pcs_codes: Iterable[tuple[int, str]] = (),
        pcs_table_labels: Iterable[tuple[str, int, str]] = (),
    ) -> None:
        self._pcs: dict[frozenset[str], list[tuple[str, int, str, frozenset[str]]]] = defaultdict(
            list
        )
        taken_apart: dict[str, tuple[frozenset[str], frozenset[str]]] = {}
        self._body_systems: dict[str, set[str]] = defaultdict(set)
        for heading, code_id, code in pcs_terms:
            if len(code) != PCS_CODE_LENGTH:
                continue
            if heading not in taken_apart:  # ~15,000 headings give ~115,000 codes
                taken_apart[heading] = _pcs_heading_words(heading)
            key, allowed = taken_apart[heading]
            self._pcs[key].append((heading, code_id, code, allowed))
            self._body_systems[heading].add(code[:2])
        self._tables: dict[frozenset[str], set[tuple[str, int, str]]] = defaultdict(set)
        labels = list(pcs_table_labels)
        others = {table for table, position, label in labels if _is_catch_all(position, label)}
        for table, position, label in labels:
            if position in (1, 2) and table in others:
                continue  # "Other Radiation" (hyperthermia, laser thermal therapy) is not
                # what its section's name says
            for alternative in _alternatives(label):
                said = frozenset(words(alternative))
                for key in {said, said - AXIS_TOLERATED} - {frozenset()}:
                    self._tables[key].add((table, position, label))
            if label in AXIS_READINGS:
                self._tables[frozenset(words(AXIS_READINGS[label][0]))].add(
                    (table, position, label)
                )
        self._codes_of_table: dict[str, list[tuple[int, str]]] = defaultdict(list)
        for code_id, code in pcs_codes:
            self._codes_of_table[code[:3]].append((code_id, code))
        self._phrases: dict[str, list[tuple[int, str, tuple[str, ...], str]]] = defaultdict(list)
        for code_id, code, title in hcpcs_titles:
            if code.startswith(QUALITY_REPORTING_PREFIXES):
                continue
            for phrase in leading_phrases(title):
                said = words(phrase)
                if said:
                    self._phrases[said[-1]].append((code_id, code, said, title))

    def anchors(self, name: Name) -> Iterator[ProcedureAnchor]:
        yield from self._pcs_anchors(name)
        yield from self._hcpcs_anchors(name)

    def axis_anchors(self, name: Name) -> Iterator[ProcedureAnchor]:
        """Every ICD-10-PCS code whose section, root operation or imaging type is the name
        ("Radiation Therapy", "Magnetic Resonance Imaging"): all of them are that procedure."""
        for table, position, label in sorted(self._tables.get(name.words, ())):
            what = {1: f"section {table[0]}", 2: f"body system {table[:2]}"}.get(
                position, f"table {table}"
            )
            evidence = f'ICD-10-PCS {what} is "{label}"'
            if label in AXIS_READINGS:
                evidence += f" ({AXIS_READINGS[label][1]})"
            for code_id, code in self._codes_of_table.get(table, ()):
                yield ProcedureAnchor(code_id, PCS_AXIS, name, f"{evidence} ({code} is in it)")

    def _pcs_anchors(self, name: Name) -> Iterator[ProcedureAnchor]:
        """Codes an index heading saying the name gives. A heading whose codes span body
        systems ("Punch biopsy" see Excision with qualifier Diagnostic, of any body part)
        links only the document it is the own name of (MedlinePlus Biopsy), never one that
        lists it as another name ("punch biopsy" of the medical test Skin biopsy)."""
        for heading, code_id, code, allowed in self._pcs.get(name.words - PCS_TOLERATED, ()):
            if not name.is_primary and len(self._body_systems[heading]) > 1:
                continue
            if name.words <= allowed:
                evidence = f'ICD-10-PCS index "{heading}" gives {code}'
                yield ProcedureAnchor(code_id, PCS_INDEX, name, evidence)

    def _hcpcs_anchors(self, name: Name) -> Iterator[ProcedureAnchor]:
        order = name.order
        if not order:
            return
        for code_id, code, said, title in self._phrases.get(order[-1], ()):
            premodifiers = set(said) - name.words
            if name.words <= set(said) and premodifiers <= PROCEDURE_PREMODIFIERS:
                evidence = f'HCPCS descriptor of {code} "{title}" bills it'
                yield ProcedureAnchor(code_id, HCPCS_DESCRIPTOR, name, evidence)


def _pcs_heading_words(heading: str) -> tuple[frozenset[str], frozenset[str]]:
    """An ICD-10-PCS index heading's lookup key (its essential words but a side or "joint")
    and every word it allows (essential and nonessential)."""
    essential, optional = essential_and_optional(heading)
    return frozenset(essential) - PCS_TOLERATED, frozenset(essential) | optional


def leading_phrases(title: str) -> list[str]:
    """The phrase each `;`-part of a descriptor opens with, up to its first comma or
    preposition: "Colorectal cancer screening; colonoscopy on individual at high risk" ->
    ["Colorectal cancer screening", "colonoscopy"]."""
    phrases = []
    for part in title.split(";"):
        clause = part.split(",")[0].strip()
        cut = _PHRASE_END.search(f"{clause} ")
        phrase = clause[: cut.start()] if cut else clause
        if phrase.strip():
            phrases.append(phrase.strip())
    return phrases


def _is_catch_all(position: int, label: str) -> bool:
    """A table whose third character is a catch-all ("Other Radiation", "Other Imaging")."""
    return position == 3 and label.startswith("Other ")


def _alternatives(label: str) -> list[str]:
    """A label and the name it gives in parentheses: "Computerized Tomography (CT Scan)"."""
    found = _ALTERNATE.match(label)
    return [found.group(1), found.group(2)] if found else [label]


def hcpcs_kind(code: str) -> str:
    """A HCPCS code's link kind: supplies and equipment are devices."""
    return "device" if code.startswith(DEVICE_PREFIXES) else "procedure"
