"""Typed page contexts: each template renders one of these, and `.json` twins serialise it.

The code page renders the library's code view (`medcodes.api.CodeView`) as it is; builders
here only arrange what the facade returns for the other pages (grouping, labels, links).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import quote, urlencode

from medcodes.api import Branch, CodeRef, Hit, Release, SearchResult
from medcodes.systems import system_name

PER_PAGE = 20  # search results per page
BROWSE_PER_PAGE = 200
CHANGES_PREVIEW = 25  # codes listed per change list on /releases


# --- search -------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Facet:
    system: str
    label: str
    count: int
    url: str
    selected: bool


@dataclass(frozen=True, slots=True)
class FilterFacet:
    """A chip beside the systems: hits found from an NDC, or that map to a CMS-HCC V28
    category (a link turning that filter on or off; None where it filters nothing)."""

    label: str
    count: int
    url: str | None
    selected: bool


FILTER_LABELS = {"ndc": "Found from an NDC", "hcc-v28": "Maps to a CMS-HCC V28 category"}


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
    filters: list[FilterFacet] = field(default_factory=list)
    hcc_v28: bool = False  # the filter "maps to a CMS-HCC V28 category" is on


def search_url(q: str, system: str | None = None, page: int = 1, hcc_v28: bool = False) -> str:
    params: dict[str, str | int] = {"q": q}
    if system:
        params["system"] = system
    if hcc_v28:
        params["hcc"] = "v28"
    if page > 1:
        params["page"] = page
    return "/search?" + urlencode(params)


def build_search_page(
    q: str, system: str | None, page: int, result: SearchResult | None, hcc_v28: bool = False
) -> SearchPage:
    if result is None:
        return SearchPage(q, system, page, None, [], [], None, None, None, [], hcc_v28)
    facets = [
        Facet(
            s,
            system_name(s),
            count,
            search_url(q, None if s == system else s, hcc_v28=hcc_v28),
            s == system,
        )
        for s, count in sorted(result.facets.items(), key=lambda item: -item[1])
    ]
    filters = [
        FilterFacet(
            label,
            result.filter_facets.get(name, 0),
            search_url(q, system, hcc_v28=not hcc_v28) if name == "hcc-v28" else None,
            name == "hcc-v28" and hcc_v28,
        )
        for name, label in FILTER_LABELS.items()
        if result.filter_facets.get(name) or (name == "hcc-v28" and hcc_v28)
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
        prev_url=search_url(q, system, page - 1, hcc_v28) if page > 1 else None,
        next_url=search_url(q, system, page + 1, hcc_v28) if result.total > shown else None,
        did_you_mean_url=(
            search_url(result.did_you_mean, system, hcc_v28=hcc_v28)
            if result.did_you_mean
            else None
        ),
        filters=filters,
        hcc_v28=hcc_v28,
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


def build_browse_page(branch: Branch, page: int) -> BrowsePage:
    node_code = branch.node.code if branch.node else None
    return BrowsePage(
        system=branch.system,
        system_name=system_name(branch.system),
        node=branch.node,
        ancestors=branch.ancestors,
        items=branch.items,
        total=branch.total,
        page=page,
        prev_url=browse_url(branch.system, node_code, page - 1) if page > 1 else None,
        next_url=browse_url(branch.system, node_code, page + 1)
        if branch.total > page * BROWSE_PER_PAGE
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
    release: Release, changes: dict[str, list[CodeRef]], limit: int, page: int = 1
) -> ReleaseView:
    """One release with each change list cut to `limit` codes (page `page`)."""
    start = (page - 1) * limit
    lists = [
        ChangeList(
            event,
            len(codes),
            codes[start : start + limit],
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
