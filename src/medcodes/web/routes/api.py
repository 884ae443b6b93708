"""JSON API: `/api/v1/search`, `/api/v1/codes/{code}` and `/api/v1/diff`."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query
from starlette.responses import Response

from medcodes.api import CodeView, code_url, parse_systems
from medcodes.serial import to_json
from medcodes.web.cache import per_build
from medcodes.web.codes import code_json
from medcodes.web.deps import SiteDep
from medcodes.web.models import ErrorOut, HitOut, MatchOut, SearchOut
from medcodes.web.render import JSONOut
from medcodes.web.searching import CACHED_SEARCHES, MAX_Q, search_once
from medcodes.web.site import Site

router = APIRouter(prefix="/api/v1", tags=["api"])
ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorOut, "description": "Bad parameter (unknown system, ...)"},
    404: {"model": ErrorOut, "description": "Unknown code, with close real codes"},
    422: {"model": ErrorOut, "description": "Parameter out of range or malformed"},
}
CODE_RESPONSES: dict[int | str, dict[str, Any]] = {200: {"model": CodeView}, **ERRORS}
SystemParam = Annotated[
    str | None,
    Query(
        max_length=60,
        description="Only these systems, comma-separated: HCPCS, HCPCS-MOD, ICD10CM, ICD10PCS.",
    ),
]
CodeParam = Annotated[str, Path(max_length=40, description="A code in any form: J9039, e119.")]
FromParam = Annotated[
    str, Query(alias="from", max_length=20, description="A release: 2026-01, FY2026.")
]
ToParam = Annotated[str, Query(alias="to", max_length=20, description="Another release.")]
DiffSystemParam = Annotated[
    str | None, Query(max_length=20, description="HCPCS, HCPCS-MOD, ICD10CM or ICD10PCS.")
]


@router.get("/search", response_model=SearchOut, responses=ERRORS)
async def search(
    site: SiteDep,
    q: Annotated[str, Query(max_length=MAX_Q, description="Words or a code.")],
    system: SystemParam = None,
    billable: Annotated[bool, Query(description="Billable codes only.")] = False,
    include_terminated: Annotated[bool, Query(description="Also terminated codes.")] = False,
    active_on: Annotated[date | None, Query(description="Codes valid on this day.")] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 10,
    offset: Annotated[int, Query(ge=0, le=10_000)] = 0,
    facets: Annotated[bool, Query(description="Also count hits per system.")] = False,
    hcc_v28: Annotated[
        bool, Query(description="Only codes that map to a CMS-HCC V28 category.")
    ] = False,
) -> Response:
    """Codes matching words, a code or an NDC (any written form), best first; with
    `facets=true`, hits per system and in `filter_facets`."""
    filters = (parse_systems(system), billable, include_terminated, active_on, limit, offset)
    return JSONOut(search_json(site, q, *filters, facets, hcc_v28))


@per_build(CACHED_SEARCHES)
def search_json(
    site: Site,
    q: str,
    systems: tuple[str, ...],
    billable: bool,
    include_terminated: bool,
    active_on: date | None,
    limit: int,
    offset: int,
    facets: bool,
    hcc_v28: bool = False,
) -> bytes:
    """The answer of /api/v1/search, serialised once per distinct request (the bytes are
    what is cached: not the result too, which can hold 1,000 hits)."""
    result = search_once(
        site,
        q,
        systems,
        billable_only=billable,
        include_terminated=include_terminated,
        active_on=active_on,
        limit=limit,
        offset=offset,
        facets=facets,
        hcc_v28=hcc_v28,
    )
    out = SearchOut(
        query=result.query,
        total=result.total,
        took_ms=result.took_ms,
        results=[
            HitOut(
                system=hit.system,
                code=hit.code,
                title=hit.title,
                status=hit.status,
                billable=hit.billable,
                kind=hit.kind,
                score=hit.score,
                matched=MatchOut(
                    rule=hit.matched.rule, field=hit.matched.field, text=hit.matched.text
                ),
                url=code_url(hit.system, hit.code),
                ndc=hit.ndc,
            )
            for hit in result.hits
        ],
        facets=result.facets,
        message=result.message,
        did_you_mean=result.did_you_mean,
        release={release.system: release.release for release in site.current},
        filter_facets=result.filter_facets,
    )
    return out.__pydantic_serializer__.to_json(out)


@router.get("/codes/{code}", responses=CODE_RESPONSES)
async def code(site: SiteDep, code: CodeParam, system: SystemParam = None) -> Response:
    """Everything the code page shows: descriptors, names, official fields decoded, notes,
    hierarchy, cross-references, history and the source file of each block."""
    return JSONOut(code_json(site, code.strip(), system))


@router.get("/diff", responses=ERRORS)
async def diff(
    site: SiteDep, before: FromParam, after: ToParam, system: DiffSystemParam = None
) -> Response:
    """Codes added, ended and re-described from release `from` to release `to`, for `system`
    or every system holding both (as `medcodes diff`); an unknown release is a 404 naming
    the releases held."""
    return JSONOut(diff_json(site, before, after, system))


@per_build(256)
def diff_json(site: Site, before: str, after: str, system: str | None) -> bytes:
    return to_json(site.codes.diff(before, after, system))
