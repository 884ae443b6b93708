"""The code view: everything known about one code, as one typed object.

`Medcodes.code()` returns it; the code page renders it, and `/code/X.json`,
`/api/v1/codes/X`, `medcodes show X --json` and the MCP `get_code` tool serialise it with its
one serialiser (`to_dict()` / `to_json()`). The builder here only arranges what the catalog,
explainer, policies and similar-codes readers return (grouping, labels, links): no SQL,
ranking or parsing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

# The blocks' types are imported, not only named: the MCP SDK reads the view's annotations
# (pydantic) to publish get_code's output schema.
from medcodes.catalog.billing import BillingFacts
from medcodes.catalog.code_builder import CodeBuilder
from medcodes.catalog.diff import DiffLink
from medcodes.catalog.knowledge_read import CodeKnowledge
from medcodes.catalog.policies import PolicyLink
from medcodes.catalog.read import (
    Axis,
    Code,
    CodeDetails,
    Field,
    HistoryEvent,
    Link,
    SeventhCharacter,
    SourceFile,
)
from medcodes.code_ref import CodeRef, code_url, ref, resource_uri
from medcodes.explain.model import Explanation
from medcodes.explain.notes import lead_in
from medcodes.serial import Serialisable
from medcodes.similar import SimilarCode
from medcodes.systems import FHIR_SYSTEMS, System, system_name

# Convention meanings paraphrase the ICD-10-CM Official Guidelines, section I.A.12-13 and I.B.
NOTE_KINDS: dict[str, tuple[str, str]] = {
    "inclusionTerm": ("Inclusion terms", "Conditions this code is used for."),
    "includes": ("Includes", "Terms that further define the content of the category."),
    "excludes1": (
        "Excludes1",
        "Never coded together with this code: the conditions exclude each other.",
    ),
    "excludes2": (
        "Excludes2",
        "Not part of this condition; both codes may be used together when the patient has both.",
    ),
    "codeFirst": ("Code first", "Sequence the code of the underlying condition first."),
    "useAdditionalCode": ("Use additional code", "Add a code that completes the picture."),
    "codeAlso": ("Code also", "A second code may be needed; the encounter decides the order."),
    "notes": ("Notes", ""),
    "sevenChrNote": ("7th character note", ""),
    "processingNote": ("Processing notes", "CMS instructions for claims processing."),
}
# Where each kind of alternative name comes from (terms.source in the catalog).
TERM_SOURCES: dict[str, str] = {
    "asp-brand": "Brand name, CMS ASP drug crosswalk",
    "drug-table-brand": "Brand name, drug table",
    "drug-table": "Generic name, drug table",
    "lay": "Lay term, medcodes curated list",
    "inclusion": "Inclusion term, ICD-10-CM tabular",
    "index": "ICD-10-CM Alphabetic Index",
    "drug-index": "ICD-10-CM Table of Drugs and Chemicals",
    "neoplasm-index": "ICD-10-CM Neoplasm Table",
    "external-index": "ICD-10-CM External Cause Index",
    "pcs-index": "ICD-10-PCS Index",
}
BRAND_SOURCES = ("asp-brand", "drug-table-brand")
GENERIC_SOURCES = ("drug-table",)
VIEW_CHILDREN = 100  # children listed in a code view; browsing lists the rest


@dataclass(frozen=True, slots=True)
class NoteUnit:
    """One instruction of a note group as the tabular means it: a lead-in ("code to identify:")
    and the items it governs, never shown apart; or one note on its own (lead "")."""

    lead: str
    items: list[str]


@dataclass(frozen=True, slots=True)
class NoteGroup:
    kind: str
    label: str
    meaning: str
    texts: list[str]  # one whole instruction each: a lead-in with its items, or one note
    from_code: str
    inherited: bool
    source: str
    units: list[NoteUnit] = field(default_factory=list)  # the same, lead-in and items apart


@dataclass(frozen=True, slots=True)
class TermGroup:
    source: str
    label: str
    terms: list[str]


@dataclass(frozen=True, slots=True)
class CodeView(Serialisable):
    """One code as every interface shows it (../shared/design/CODE_PAGE.md, top to bottom).

    Extending it: a feature adds ONE optional field at the end, defaulting to None (or an
    empty list), whose type is a frozen dataclass defined in that feature's own module
    (`knowledge`, `billing`, `builder`, ...), and fills it in `Medcodes.code()` with one
    keyword of `build_code_view`. Nothing else changes: the page gets one `{% include %}`,
    and the JSON API, `show --json` and MCP `get_code` carry the field through `to_dict()`.
    """

    system: str
    system_name: str
    code: str
    title: str
    short_title: str
    kind: str
    billable: bool
    status: str
    status_text: str
    release: str  # the release the descriptor comes from
    first_release: str | None  # the oldest release in this catalog that holds the code
    last_release: str | None
    added_date: str | None  # official effective date (HCPCS ADD DT), when published
    terminated_date: str | None  # last day the code is valid, when it has ended
    brand_names: list[str]
    generic_names: list[str]
    lay_names: list[str]
    fields: list[Field]
    axes: list[Axis]
    notes: list[NoteGroup]
    seventh_characters: list[SeventhCharacter]
    terms: list[TermGroup]
    ancestors: list[CodeRef]
    children: list[CodeRef]
    children_total: int
    links: list[Link]
    history: list[HistoryEvent]
    caveats: list[str]
    source: SourceFile | None
    sources: list[SourceFile]  # every official file a block of this view cites
    also: list[CodeRef]  # the same code in another system (A0100: HCPCS and ICD-10-CM)
    url: str
    json_url: str
    fhir_lookup_url: str
    resource_uri: str  # the MCP resource: this view as Markdown
    explanation: Explanation | None = None
    policies: list[PolicyLink] = field(default_factory=list)  # Medicare first, then plans
    similar: list[SimilarCode] = field(default_factory=list)
    history_diffs: list[DiffLink] = field(default_factory=list)  # release diffs of `history`
    billing: BillingFacts | None = None  # NDCs, payment limit, MUE, CMS-HCC (issue 14)
    builder: CodeBuilder | None = None  # 7th characters; the PCS table and row (issue 16)
    # issue 9: linked plain-language documents, with why; the drug <-> condition lists
    knowledge: CodeKnowledge | None = None


def status_text(code: Code, history: list[HistoryEvent]) -> str:
    """`active`, `active, new in FY2027` or `terminated 2015-12-31`."""
    if code.status == "terminated":
        return f"terminated {code.terminated_date or 'after ' + str(code.last_release)}"
    added_now = any(e.event == "added" and e.release == code.last_release for e in history)
    if added_now and code.first_release == code.last_release:
        return f"active, new in {code.first_release}"
    return code.status


def build_code_view(
    details: CodeDetails, also: list[Code], sources: dict[str, SourceFile], **blocks: Any
) -> CodeView:
    """Arrange one code's details into the view's blocks, naming every source file used.

    `blocks` are the optional fields (explanation, policies, similar, ...), passed through.
    """
    code = details.code
    names = {
        source: [t.term for t in details.terms if t.source == source]
        for source in {t.source for t in details.terms}
    }
    cited = [
        code.title_source,
        *(n.source for n in details.notes),
        *(a.source for a in details.axes),
    ]
    return CodeView(
        system=code.system,
        system_name=system_name(code.system),
        code=code.code,
        title=code.long_title,
        short_title=code.short_title,
        kind=code.kind,
        billable=bool(code.billable),
        status=code.status,
        status_text=status_text(code, details.history),
        release=details.source.release if details.source else "",
        first_release=code.first_release,
        last_release=code.last_release,
        added_date=code.added_date,
        terminated_date=code.terminated_date,
        brand_names=[n for s in BRAND_SOURCES for n in names.get(s, [])],
        generic_names=[n for s in GENERIC_SOURCES for n in names.get(s, [])],
        lay_names=names.get("lay", []),
        fields=details.fields,
        axes=details.axes,
        notes=group_notes(details),
        seventh_characters=details.seventh_characters,
        terms=[
            TermGroup(source, TERM_SOURCES.get(source, source), terms)
            for source, terms in sorted(names.items())
            if source not in (*BRAND_SOURCES, *GENERIC_SOURCES, "lay")
        ],
        ancestors=[ref(c) for c in details.ancestors],
        children=[ref(c) for c in details.children],
        children_total=details.children_total,
        links=details.links,
        history=details.history,
        caveats=details.caveats,
        source=details.source,
        sources=[sources[name] for name in dict.fromkeys(cited) if name in sources],
        also=[ref(c) for c in also],
        url=code_url(code.system, code.code),
        json_url=code_url(code.system, code.code) + ".json",
        fhir_lookup_url="/fhir/CodeSystem/$lookup?"
        + urlencode({"system": FHIR_SYSTEMS[System(code.system)], "code": code.code}),
        resource_uri=resource_uri(code.system, code.code),
        **blocks,
    )


def group_notes(details: CodeDetails) -> list[NoteGroup]:
    """Consecutive notes of one kind from one node become one labelled group, and within it
    a lead-in and its items one instruction (T36-T50: "Code first, for adverse effects, the
    nature of the adverse effect, such as:" above the six conditions it names)."""
    grouped: list[NoteGroup] = []
    unit = None
    for note in details.notes:
        last = grouped[-1] if grouped else None
        if not last or (last.kind, last.from_code) != (note.kind, note.from_code):
            label, meaning = NOTE_KINDS.get(note.kind, (note.kind, ""))
            last = NoteGroup(
                note.kind, label, meaning, [], note.from_code, note.inherited, note.source, []
            )
            grouped.append(last)
            unit = None
        if note.lead or note.unit != unit or not last.units:
            lead = lead_in(note.text.removeprefix(",").strip()) if note.lead else ""
            last.units.append(NoteUnit(lead, [] if note.lead else [note.text]))
        else:
            last.units[-1].items.append(note.text)
        unit = note.unit
    for group in grouped:
        group.texts.extend(_whole(u) for u in group.units)
    return grouped


def _whole(unit: NoteUnit) -> str:
    return f"{unit.lead} {'; '.join(unit.items)}".strip() if unit.lead else unit.items[0]
