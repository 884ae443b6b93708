"""Typed page contexts: each template renders one of these, and `.json` twins serialise it.

Builders here only arrange what `catalog.read` returns (grouping, labels, links); they hold no
SQL, ranking or parsing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import quote, urlencode

from medcodes.catalog.code_builder import CodeBuilder
from medcodes.catalog.policies import PolicyLink
from medcodes.catalog.read import (
    Axis,
    Code,
    CodeDetails,
    Field,
    HistoryEvent,
    Link,
    Release,
    SeventhCharacter,
    SourceFile,
)
from medcodes.explain.model import Explanation
from medcodes.search.model import Hit, SearchResult
from medcodes.similar import SimilarCode
from medcodes.systems import SYSTEM_NAMES, System

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
PAGE_CHILDREN = 100  # children listed on a code page; the browse page lists the rest
PER_PAGE = 20  # search results per page
BROWSE_PER_PAGE = 200
CHANGES_PREVIEW = 25  # codes listed per change list on /releases


def code_url(system: str, code: str) -> str:
    return f"/code/{quote(system)}/{quote(code)}"


def system_name(system: str) -> str:
    return SYSTEM_NAMES.get(system, system)  # type: ignore[call-overload]


@dataclass(frozen=True, slots=True)
class CodeRef:
    """A code as a link: enough to list it anywhere."""

    system: str
    code: str
    title: str
    status: str
    billable: bool
    kind: str
    url: str


def ref(code: Code) -> CodeRef:
    return CodeRef(
        code.system,
        code.code,
        code.long_title,
        code.status,
        bool(code.billable),
        code.kind,
        code_url(code.system, code.code),
    )


@dataclass(frozen=True, slots=True)
class NoteGroup:
    kind: str
    label: str
    meaning: str
    texts: list[str]
    from_code: str
    inherited: bool
    source: str


@dataclass(frozen=True, slots=True)
class TermGroup:
    source: str
    label: str
    terms: list[str]


@dataclass(frozen=True, slots=True)
class CodePage:
    """The code page (CODE_PAGE.md): what `/code/{code}`, its `.json` twin and
    `/api/v1/codes/{code}` show. Optional blocks are filled by later features or stay empty."""

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
    sources: list[SourceFile]  # every official file a block on this page cites
    also: list[CodeRef]  # the same code in another system (A0100: HCPCS and ICD-10-CM)
    url: str
    json_url: str
    fhir_lookup_url: str
    explanation: Explanation | None = None
    policies: list[PolicyLink] = field(default_factory=list)  # Medicare first, then plans
    similar: list[SimilarCode] = field(default_factory=list)
    builder: CodeBuilder | None = None  # 7th characters / the PCS table (issue 16)


FHIR_SYSTEMS: dict[str, str] = {
    System.ICD10CM: "http://hl7.org/fhir/sid/icd-10-cm",
    System.ICD10PCS: "http://www.cms.gov/Medicare/Coding/ICD10",
    System.HCPCS: "http://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets",
    System.HCPCS_MOD: "http://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets",
}


def build_code_page(
    details: CodeDetails,
    also: list[Code],
    sources: dict[str, SourceFile],
) -> CodePage:
    """Arrange one code's details into the page's blocks, naming every source file used."""
    code = details.code
    names = {
        source: [t.term for t in details.terms if t.source == source]
        for source in {t.source for t in details.terms}
    }
    grouped: list[NoteGroup] = []
    for note in details.notes:
        last = grouped[-1] if grouped else None
        if last and (last.kind, last.from_code) == (note.kind, note.from_code):
            last.texts.append(note.text)
            continue
        label, meaning = NOTE_KINDS.get(note.kind, (note.kind, ""))
        grouped.append(
            NoteGroup(
                note.kind, label, meaning, [note.text], note.from_code, note.inherited, note.source
            )
        )
    cited = [
        code.title_source,
        *(n.source for n in details.notes),
        *(a.source for a in details.axes),
    ]
    added_now = any(e.event == "added" and e.release == code.last_release for e in details.history)
    status = code.status
    if code.status == "terminated":
        status = f"terminated {code.terminated_date or 'after ' + str(code.last_release)}"
    elif added_now and code.first_release == code.last_release:
        status = f"active, new in {code.first_release}"
    return CodePage(
        system=code.system,
        system_name=system_name(code.system),
        code=code.code,
        title=code.long_title,
        short_title=code.short_title,
        kind=code.kind,
        billable=bool(code.billable),
        status=code.status,
        status_text=status,
        release=details.source.release if details.source else "",
        brand_names=[n for s in BRAND_SOURCES for n in names.get(s, [])],
        generic_names=[n for s in GENERIC_SOURCES for n in names.get(s, [])],
        lay_names=names.get("lay", []),
        fields=details.fields,
        axes=details.axes,
        notes=grouped,
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
        + urlencode({"system": FHIR_SYSTEMS[code.system], "code": code.code}),
    )


# --- search -------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Facet:
    system: str
    label: str
    count: int
    url: str
    selected: bool


@dataclass(frozen=True, slots=True)
class HitGroup:
    system: str
    label: str
    hits: list[Hit]


@dataclass(frozen=True, slots=True)
class SearchPage:
    q: str
    system: str | None
    page: int
    result: SearchResult | None
    facets: list[Facet]
    groups: list[HitGroup]  # hits by system, groups in the order of their best hit
    prev_url: str | None
    next_url: str | None
    did_you_mean_url: str | None


def search_url(q: str, system: str | None = None, page: int = 1) -> str:
    params: dict[str, str | int] = {"q": q}
    if system:
        params["system"] = system
    if page > 1:
        params["page"] = page
    return "/search?" + urlencode(params)


def build_search_page(
    q: str, system: str | None, page: int, result: SearchResult | None
) -> SearchPage:
    if result is None:
        return SearchPage(q, system, page, None, [], [], None, None, None)
    facets = [
        Facet(s, system_name(s), count, search_url(q, None if s == system else s), s == system)
        for s, count in sorted(result.facets.items(), key=lambda item: -item[1])
    ]
    groups: dict[str, list[Hit]] = {}
    for hit in result.hits:
        groups.setdefault(hit.system, []).append(hit)
    shown = page * PER_PAGE
    return SearchPage(
        q=q,
        system=system,
        page=page,
        result=result,
        facets=facets,
        groups=[HitGroup(s, system_name(s), hits) for s, hits in groups.items()],
        prev_url=search_url(q, system, page - 1) if page > 1 else None,
        next_url=search_url(q, system, page + 1) if result.total > shown else None,
        did_you_mean_url=search_url(result.did_you_mean, system) if result.did_you_mean else None,
    )


# --- browse and releases ------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class BrowsePage:
    system: str
    system_name: str
    node: CodeRef | None
    ancestors: list[CodeRef]
    items: list[CodeRef]
    total: int
    page: int
    prev_url: str | None
    next_url: str | None


def browse_url(system: str, node: str | None = None, page: int = 1) -> str:
    url = f"/browse/{quote(system)}" + (f"/{quote(node)}" if node else "")
    return url + (f"?page={page}" if page > 1 else "")


def build_browse_page(
    system: str, node: Code | None, ancestors: list[Code], items: list[Code], total: int, page: int
) -> BrowsePage:
    node_code = node.code if node else None
    return BrowsePage(
        system=system,
        system_name=system_name(system),
        node=ref(node) if node else None,
        ancestors=[ref(c) for c in ancestors],
        items=[ref(c) for c in items],
        total=total,
        page=page,
        prev_url=browse_url(system, node_code, page - 1) if page > 1 else None,
        next_url=browse_url(system, node_code, page + 1)
        if total > page * BROWSE_PER_PAGE
        else None,
    )


@dataclass(frozen=True, slots=True)
class ChangeList:
    event: str
    total: int
    codes: list[CodeRef]
    more_url: str | None


@dataclass(frozen=True, slots=True)
class ReleaseView:
    release: Release
    system_name: str
    changes: list[ChangeList]
    url: str


@dataclass(frozen=True, slots=True)
class ReleasesPage:
    releases: list[ReleaseView]
    page: int
    prev_url: str | None
    next_url: str | None


def release_url(system: str, release: str, event: str | None = None, page: int = 1) -> str:
    url = f"/releases/{quote(system)}/{quote(release)}"
    params: dict[str, str | int] = {}
    if event:
        params["event"] = event
    if page > 1:
        params["page"] = page
    return url + ("?" + urlencode(params) if params else "")


def build_release_view(
    release: Release, changes: dict[str, list[Code]], limit: int, page: int = 1
) -> ReleaseView:
    """One release with each change list cut to `limit` codes (page `page`)."""
    start = (page - 1) * limit
    lists = [
        ChangeList(
            event,
            len(codes),
            [ref(c) for c in codes[start : start + limit]],
            release_url(release.system, release.release, event, page + 1)
            if len(codes) > start + limit
            else None,
        )
        for event, codes in changes.items()
    ]
    return ReleaseView(
        release,
        system_name(release.system),
        lists,
        release_url(release.system, release.release),
    )
