"""HTML pages (server-rendered; all work without JavaScript) and the `/-/` meta routes."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, Request
from starlette.responses import HTMLResponse, Response

from medcodes.api import parse_systems
from medcodes.systems import System, code_key, parse_system
from medcodes.web.cache import per_build
from medcodes.web.codes import code_html, code_json
from medcodes.web.context import (
    BROWSE_PER_PAGE,
    CHANGES_PREVIEW,
    PER_PAGE,
    ReleasesPage,
    SearchPage,
    build_browse_page,
    build_release_view,
    build_search_page,
)
from medcodes.web.deps import SiteDep
from medcodes.web.models import ManifestOut
from medcodes.web.render import JSONOut, html_response, render_html
from medcodes.web.routes.api import (
    CODE_RESPONSES,
    ERRORS,
    CodeParam,
    DiffSystemParam,
    FromParam,
    ToParam,
)
from medcodes.web.searching import MAX_Q, run_search
from medcodes.web.site import Site

router = APIRouter(tags=["pages"], default_response_class=HTMLResponse)
POLICY_CODES_PER_PAGE = 200
SystemPath = Annotated[str, Path(max_length=20, description="HCPCS, HCPCS-MOD, ICD10CM, ICD10PCS")]
PageParam = Annotated[int, Query(ge=1, le=500)]
QParam = Annotated[str, Query(max_length=MAX_Q, description="Words or a code.")]
SearchSystem = Annotated[str | None, Query(max_length=20)]
HccParam = Annotated[
    Literal["v28"] | None, Query(description="v28: only codes that map to a CMS-HCC V28 category.")
]


@router.get("/", responses=ERRORS)
async def home(site: SiteDep) -> HTMLResponse:
    """Search all medical codes: one box, instant results."""
    return html_response("home.html", site, build_search_page("", None, 1, None))


def _search_page(
    site: Site, q: str, system: str | None, page: int, hcc: str | None = None
) -> SearchPage:
    systems = parse_systems(system or "")
    hcc_v28 = hcc == "v28"
    offset = (page - 1) * PER_PAGE
    result = (
        run_search(site, q, systems, limit=PER_PAGE, offset=offset, facets=True, hcc_v28=hcc_v28)
        if q.strip()
        else None
    )
    return build_search_page(q, systems[0] if systems else None, page, result, hcc_v28)


@router.get("/search", responses=ERRORS)
async def search(
    site: SiteDep,
    q: QParam = "",
    system: SearchSystem = None,
    page: PageParam = 1,
    hcc: HccParam = None,
) -> HTMLResponse:
    """Search results as a page (paginated, filterable by system and CMS-HCC V28)."""
    return html_response("search.html", site, _search_page(site, q, system, page, hcc))


@router.get("/search/results", responses=ERRORS)
async def search_results(
    site: SiteDep,
    q: QParam = "",
    system: SearchSystem = None,
    page: PageParam = 1,
    hcc: HccParam = None,
) -> HTMLResponse:
    """Only the results block of /search: what the instant search box swaps in."""
    return html_response("_results.html", site, _search_page(site, q, system, page, hcc))


@router.get("/code/{code}.json", response_class=JSONOut, responses=CODE_RESPONSES)
async def code_page_json(site: SiteDep, code: CodeParam) -> Response:
    """The code page as JSON (same content as /api/v1/codes/{code})."""
    return JSONOut(code_json(site, code.strip(), None))


@router.get("/code/{system}/{code}.json", response_class=JSONOut, responses=CODE_RESPONSES)
async def system_code_page_json(site: SiteDep, system: SystemPath, code: CodeParam) -> Response:
    """The code page of a code in one system, as JSON."""
    return JSONOut(code_json(site, code.strip(), system))


@router.get("/code/{code}", responses=ERRORS)
async def code_page(site: SiteDep, code: CodeParam) -> HTMLResponse:
    """A code's page; where the code exists in two systems, the active one, linking the other."""
    return HTMLResponse(code_html(site, code.strip(), None))


@router.get("/code/{system}/{code}", responses=ERRORS)
async def system_code_page(site: SiteDep, system: SystemPath, code: CodeParam) -> HTMLResponse:
    """A code's page within one system (`/code/ICD10CM/A01.00`)."""
    return HTMLResponse(code_html(site, code.strip(), system))


PolicyPath = Annotated[str, Path(max_length=60, description="L33394, A52370, FEP-5.21.51")]


@per_build(1024)
def _policy(site: Site, policy_id: str, page: int) -> str:
    listing = site.codes.policy(
        policy_id, limit=POLICY_CODES_PER_PAGE, offset=(page - 1) * POLICY_CODES_PER_PAGE
    )
    return render_html(
        "policy.html", site, listing, page_number=page, per_page=POLICY_CODES_PER_PAGE
    )


@router.get("/policy/{policy_id}", responses=ERRORS)
async def policy_page(site: SiteDep, policy_id: PolicyPath, page: PageParam = 1) -> HTMLResponse:
    """A Medicare coverage document or health-plan policy and the codes it concerns."""
    return HTMLResponse(_policy(site, policy_id.strip(), page))


@router.get("/browse", responses=ERRORS)
async def browse_index(site: SiteDep) -> HTMLResponse:
    """The code systems, each a tree to browse."""
    return html_response("browse_index.html", site, list(System))


@per_build(1024)
def _browse(site: Site, system: System, node: str | None, page: int) -> str:
    offset = (page - 1) * BROWSE_PER_PAGE
    branch = site.codes.browse(system, node, limit=BROWSE_PER_PAGE, offset=offset)
    return render_html("browse.html", site, build_browse_page(branch, page))


@router.get("/browse/{system}", responses=ERRORS)
async def browse(site: SiteDep, system: SystemPath, page: PageParam = 1) -> HTMLResponse:
    """The top of a system's tree: chapters, sections or range groups."""
    return HTMLResponse(_browse(site, parse_system(system), None, page))


@router.get("/browse/{system}/{code}", responses=ERRORS)
async def browse_node(
    site: SiteDep, system: SystemPath, code: CodeParam, page: PageParam = 1
) -> HTMLResponse:
    """One node of the tree and its children, paginated."""
    return HTMLResponse(_browse(site, parse_system(system), code_key(code), page))


@per_build(256)
def _releases(site: Site, page: int) -> str:
    releases = sorted(site.codes.releases(), key=lambda r: r.effective_date, reverse=True)
    per_page = 5
    shown = releases[(page - 1) * per_page : page * per_page]
    views = [
        build_release_view(r, site.codes.release_changes(r.system, r.release), CHANGES_PREVIEW)
        for r in shown
    ]
    context = ReleasesPage(
        views,
        page,
        f"/releases?page={page - 1}" if page > 1 else None,
        f"/releases?page={page + 1}" if len(releases) > page * per_page else None,
    )
    systems = sorted({r.system for r in releases})
    diffs = [d for system in systems for d in site.codes.diffs(system)] if page == 1 else []
    return render_html("releases.html", site, context, diffs=diffs)


@router.get("/releases", responses=ERRORS)
async def releases(site: SiteDep, page: PageParam = 1) -> HTMLResponse:
    """What each release added, revised and terminated, newest first."""
    return HTMLResponse(_releases(site, page))


@per_build(1024)
def _release(site: Site, system: System, release: str, event: str | None, page: int) -> str:
    changes = site.codes.release_changes(system, release)  # BadQuery names the known ones
    found = next(r for r in site.codes.releases(system) if r.release == release)
    if event:
        changes = {event: changes.get(event, [])}
    view = build_release_view(found, changes, BROWSE_PER_PAGE, page)
    return render_html("releases.html", site, ReleasesPage([view], page, None, None))


@router.get("/releases/diff", responses=ERRORS)
async def release_diff(
    site: SiteDep, before: FromParam, after: ToParam, system: DiffSystemParam = None
) -> HTMLResponse:
    """Codes added, ended and re-described between two releases, each linked to its page."""
    return HTMLResponse(_diff(site, before, after, system))


@per_build(256)
def _diff(site: Site, before: str, after: str, system: str | None) -> str:
    return render_html("diff.html", site, site.codes.diff(before, after, system))


@router.get("/releases/{system}/{release}", responses=ERRORS)
async def release(
    site: SiteDep,
    system: SystemPath,
    release: Annotated[str, Path(max_length=20)],
    event: Annotated[str | None, Query(pattern="^(added|revised|terminated)$")] = None,
    page: PageParam = 1,
) -> HTMLResponse:
    """Every change of one release (paginated per list)."""
    return HTMLResponse(_release(site, parse_system(system), release, event, page))


@router.get("/docs", include_in_schema=False)
async def docs(request: Request, site: SiteDep) -> HTMLResponse:
    """The API reference, rendered from /openapi.json (no CDN, no script)."""
    return html_response("docs.html", site, request.app.openapi())


@router.get("/-/manifest.json", response_model=ManifestOut, response_class=JSONOut, tags=["meta"])
async def manifest(site: SiteDep) -> Response:
    """The catalog's build id and every official source file with its sha256."""
    manifest = site.manifest
    return JSONOut(
        {
            "build_id": manifest.build_id,
            "built_at": manifest.built_at,
            "releases": manifest.releases,
            "sources": manifest.sources,
        }
    )


@router.get("/-/ping", response_class=JSONOut, tags=["meta"])
async def ping() -> Response:
    """Liveness, and the benchmark's baseline: the cheapest route."""
    return JSONOut(b'{"ok":true}')
