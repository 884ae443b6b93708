"""The coder tools: the index books and tables (`/index/...`, `/tables/...`) and the ICD-10-PCS
table builder (`/pcs/...`), as pages that work without JavaScript, each with a JSON twin under
`/api/v1`. Pages are built once per catalog and parameters (the catalog is immutable)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import APIRouter, Path, Query
from starlette.responses import HTMLResponse, Response

from medcodes.systems import System
from medcodes.web.cache import per_build
from medcodes.web.coder_pages import (
    BOOK_PATHS,
    ROWS_PER_PAGE,
    BookPage,
    PcsPage,
    book_tabs,
    build_book_page,
    build_pcs_page,
)
from medcodes.web.deps import SiteDep
from medcodes.web.render import JSONOut, render_html, to_json
from medcodes.web.routes.api import ERRORS
from medcodes.web.site import Site

pages = APIRouter(tags=["coder tools"], default_response_class=HTMLResponse)
api = APIRouter(prefix="/api/v1", tags=["coder tools"])
CACHED_PAGES = 1024
MAX_FILTER = 100

FilterParam = Annotated[
    str,
    Query(
        max_length=MAX_FILTER,
        description="Words; a heading matches when each word starts a word of it or of a "
        "heading above it (one-character words must be whole words).",
    ),
]
LetterParam = Annotated[str, Query(max_length=2, description="A letter section: A, B, ... or #.")]
PageParam = Annotated[int, Query(ge=1, le=1000)]
TermPath = Annotated[int, Path(ge=1, le=10_000_000, description="Heading number in the book.")]
TablePath = Annotated[
    str, Path(max_length=10, description="An ICD-10-PCS table (0DT), or a code in it.")
]
CodeParam = Annotated[
    str, Query(max_length=10, description="The characters chosen so far (0DTJ4), or a code.")
]


@per_build(CACHED_PAGES)
def book_page(
    site: Site, book: str, q: str, letter: str, page: int, term_id: int | None
) -> BookPage:
    """One page of a book: one heading and what is under it, a filter's matches, or a letter
    (the first one when none is given)."""
    per_page = ROWS_PER_PAGE[book]
    found = site.codes.book_headings(
        book, q=q, letter=letter, under=term_id, limit=per_page, offset=(page - 1) * per_page
    )
    current = next((r.release for r in site.current if r.system == System.ICD10CM), "")
    return build_book_page(
        site.codes.book(book), found, q=q.strip(), page=page, current_release=current
    )


@per_build(CACHED_PAGES)
def book_html(site: Site, book: str, q: str, letter: str, page: int, term_id: int | None) -> str:
    return render_html("book.html", site, book_page(site, book, q, letter, page, term_id))


@per_build(CACHED_PAGES)
def pcs_page(site: Site, table: str, code: str) -> PcsPage:
    """Table `table` as the official grid with the characters of `code` chosen."""
    return build_pcs_page(site.codes.pcs_table(table, code))


@per_build(4)
def pcs_index_html(site: Site) -> str:
    return render_html("pcs_index.html", site, site.codes.pcs_tables(), books=book_tabs())


def _book_routes(book: str, path: str) -> None:
    """The page, one heading's page and their JSON twins of one book."""

    async def listing(
        site: SiteDep, q: FilterParam = "", letter: LetterParam = "", page: PageParam = 1
    ) -> HTMLResponse:
        return HTMLResponse(book_html(site, book, q, letter, page, None))

    async def heading(site: SiteDep, term_id: TermPath, page: PageParam = 1) -> HTMLResponse:
        return HTMLResponse(book_html(site, book, "", "", page, term_id))

    async def listing_json(
        site: SiteDep, q: FilterParam = "", letter: LetterParam = "", page: PageParam = 1
    ) -> Response:
        return JSONOut(to_json(book_page(site, book, q, letter, page, None)))

    async def heading_json(site: SiteDep, term_id: TermPath, page: PageParam = 1) -> Response:
        return JSONOut(to_json(book_page(site, book, "", "", page, term_id)))

    routes: list[tuple[APIRouter, str, Callable[..., Awaitable[Response]], str]] = [
        (pages, path, listing, "A letter of the book, or the headings a filter matches."),
        (pages, path + "/{term_id}", heading, "One heading and everything under it."),
        (api, path, listing_json, "A letter or a filter's matches, as JSON."),
        (api, path + "/{term_id}", heading_json, "One heading and what is under it, as JSON."),
    ]
    for router, route, endpoint, summary in routes:
        endpoint.__doc__ = summary
        router.add_api_route(
            route,
            endpoint,
            methods=["GET"],
            name=f"{book}_{endpoint.__name__}",
            responses=ERRORS,
            response_model=BookPage if router is api else None,
            response_class=HTMLResponse if router is pages else JSONOut,
        )


for _book, _path in BOOK_PATHS.items():
    _book_routes(_book, _path)


@pages.get("/pcs", responses=ERRORS)
async def pcs_tables(site: SiteDep) -> HTMLResponse:
    """Every ICD-10-PCS table by section and body system."""
    return HTMLResponse(pcs_index_html(site))


@pages.get("/pcs/{table}", responses=ERRORS)
async def pcs_table(site: SiteDep, table: TablePath, code: CodeParam = "") -> HTMLResponse:
    """An ICD-10-PCS table as the official grid: choose one value per axis to build a code."""
    return HTMLResponse(render_html("pcs.html", site, pcs_page(site, table, code)))


@api.get("/pcs/{table}", response_model=PcsPage, response_class=JSONOut, responses=ERRORS)
async def pcs_table_json(site: SiteDep, table: TablePath, code: CodeParam = "") -> Response:
    """An ICD-10-PCS table's rows, values and definitions, and the code built so far."""
    return JSONOut(to_json(pcs_page(site, table, code)))
