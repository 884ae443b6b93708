"""Page contexts of the coder tools: the index books and tables, and the PCS table builder.

Each template renders one of these dataclasses, and its `/api/v1/` twin serialises the same
object. Builders here only arrange what the catalog reads return (links, labels, paging).
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from medcodes.api import (
    Book,
    BookCode,
    BookSlice,
    BookTerm,
    PcsBuild,
    PcsGridRow,
    PcsSelection,
    PcsValue,
    SourceFile,
    code_url,
    pcs_url,
)
from medcodes.systems import System

# Where each book lives on the site (its JSON twin is the same path under /api/v1).
BOOK_PATHS = {
    "index": "/index/icd10cm",
    "drugs": "/tables/drugs",
    "neoplasms": "/tables/neoplasms",
    "external": "/index/external",
}
BOOK_ORDER = ("index", "drugs", "neoplasms", "external")
ROWS_PER_PAGE = {"index": 200, "external": 200, "drugs": 100, "neoplasms": 100}
DERIVED_INDEX_NOTE = (
    "Derived from the FY2025 release. The official Alphabetic Index XML is not available "
    "here, so this index is read from a flattened copy of it: terms, levels, nonessential "
    "modifiers, see and see-also references and codes are kept; lost are where a modifier "
    "stood inside a term and the index's manifestation codes."
)


@dataclass(frozen=True, slots=True)
class Link:
    text: str
    url: str


@dataclass(frozen=True, slots=True)
class CodeCell:
    """A code as the book prints it, linked to its page where the catalog has it."""

    printed: str  # "" for a table cell without a code
    code: str
    url: str | None
    needs_more: bool  # incomplete ("E11.-") or a header: its page lists the full codes
    status: str  # active, terminated; "" when no release in the catalog has it


@dataclass(frozen=True, slots=True)
class BookRow:
    id: int
    level: int
    title: str  # nonessential modifiers included, as printed
    nemod: str
    url: str  # the heading with everything under it
    subterms: int
    see: Link | None
    see_also: Link | None
    codes: list[CodeCell]
    above: list[Link]  # the headings above it, when the page does not show them first


@dataclass(frozen=True, slots=True)
class BookPage:
    book: str
    title: str
    is_table: bool
    base_url: str  # the book's own address: where its filter goes
    url: str
    api_url: str
    note: str  # what the book is and which release it comes from
    columns: list[str]  # a table's code columns
    source: SourceFile | None
    books: list[Link]  # the other books and the PCS tables, for the tabs
    letters: list[Link]
    q: str
    letter: str
    heading: BookRow | None  # one heading's view: the heading shown
    rows: list[BookRow]
    total: int
    page: int
    first: int  # 1-based position of the first row shown
    prev_url: str | None
    next_url: str | None
    message: str  # why nothing is listed, or "" when rows are


def book_url(book: str, term_id: int | None = None, **params: str | int) -> str:
    url = BOOK_PATHS[book] + (f"/{term_id}" if term_id else "")
    shown = {key: value for key, value in params.items() if value not in ("", None, 1)}
    return url + ("?" + urlencode(shown) if shown else "")


def book_tabs() -> list[Link]:
    titles = {
        "index": "Alphabetic Index",
        "drugs": "Table of Drugs",
        "neoplasms": "Table of Neoplasms",
        "external": "External Cause Index",
    }
    return [Link(titles[name], BOOK_PATHS[name]) for name in BOOK_ORDER] + [
        Link("ICD-10-PCS Tables", "/pcs")
    ]


def build_book_page(
    book: Book,
    found: BookSlice,
    *,
    q: str = "",
    page: int = 1,
    current_release: str = "",
) -> BookPage:
    """One page of a book: a filter's matches, a letter, or one heading and what is under it."""
    per_page = ROWS_PER_PAGE[book.name]
    heading, letter = found.heading, found.letter
    term_id = heading.id if heading else None

    def page_url(number: int) -> str:
        return book_url(book.name, term_id, q=q, letter=letter, page=number)

    rows = [_row(book.name, term) for term in found.terms]
    return BookPage(
        book=book.name,
        title=book.title,
        is_table=book.is_table,
        base_url=BOOK_PATHS[book.name],
        url=page_url(page),
        api_url="/api/v1" + page_url(page),
        note=_note(book, current_release),
        columns=list(book.columns),
        source=book.source,
        books=book_tabs(),
        letters=[Link(name, book_url(book.name, letter=name)) for name in book.letters],
        q=q,
        letter=letter,
        heading=_row(book.name, heading) if heading else None,
        rows=rows,
        total=found.total,
        page=page,
        first=(page - 1) * per_page + 1,
        prev_url=page_url(page - 1) if page > 1 else None,
        next_url=page_url(page + 1) if found.total > page * per_page else None,
        message=_message(book, found, q, letter, page, per_page),
    )


def _note(book: Book, current_release: str) -> str:
    release = book.source.release if book.source else ""
    if book.name == "index":
        return DERIVED_INDEX_NOTE
    current = f" (current: {current_release})" if current_release else ""
    return (
        f"The {release} {book.title}, as CDC-NCHS publishes it. Each code links to its page "
        f"in this catalog's releases{current}, where its full form is built."
    )


def _message(book: Book, found: BookSlice, q: str, letter: str, page: int, per: int) -> str:
    if found.terms:
        return ""
    if found.total:
        pages = -(-found.total // per)
        return f"Page {page} is past the end: {found.total:,} headings make {pages} pages."
    if q:
        return (
            f"No heading of the {book.title} has words starting with every word of {q!r}. "
            "Try fewer or shorter words."
        )
    return f"The {book.title} has no section {letter!r}; choose one of the letters above."


def _row(book: str, term: BookTerm) -> BookRow:
    return BookRow(
        id=term.id,
        level=term.level,
        title=term.title,
        nemod=term.nemod,
        url=book_url(book, term.id),
        subterms=term.end_id - term.id,
        see=_reference(book, term.see, term.see_id),
        see_also=_reference(book, term.see_also, term.see_also_id),
        codes=[_cell(code) for code in term.codes],
        above=[Link(title, book_url(book, term_id)) for term_id, title in term.above],
    )


def _reference(book: str, text: str, target: int | None) -> Link | None:
    """A "see" reference, linked to its heading when the book has it, else to a filter."""
    if not text:
        return None
    if target is not None:
        return Link(text, book_url(book, target))
    other = {"table of drugs and chemicals": "drugs", "table of neoplasms": "neoplasms"}
    if text.casefold() in other:
        return Link(text, BOOK_PATHS[other[text.casefold()]])
    return Link(text, book_url(book, q=text))


def _cell(code: BookCode) -> CodeCell:
    url = code_url(System.ICD10CM.value, code.code) if code.in_catalog else None
    return CodeCell(code.printed, code.code, url, code.needs_more, code.status)


# --- ICD-10-PCS tables --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PcsChoice:
    char: str
    label: str
    definition: str
    explanation: str
    includes: list[str]
    state: str  # chosen, offered (a link builds on), or "" (not possible with the choices)
    url: str | None  # choosing it
    first: bool  # its first place in the grid: the page shows its definition there


@dataclass(frozen=True, slots=True)
class PcsColumn:
    position: int
    title: str
    values: list[PcsChoice]


@dataclass(frozen=True, slots=True)
class PcsRowView:
    number: int
    anchor: str  # "row-3"
    possible: bool  # allows every choice made so far
    marked: bool  # the row of the finished code
    columns: list[PcsColumn]


@dataclass(frozen=True, slots=True)
class PcsPage:
    table: str
    title: str
    url: str
    api_url: str
    table_page_url: str  # the table's code page
    books: list[Link]
    heading: list[PcsColumn]  # positions 1-3, one value each
    rows: list[PcsRowView]
    code: str  # the characters chosen so far
    chosen: list[PcsChoice]  # positions 4.. chosen so far, in order
    next_title: str  # the axis to choose next, "" once the code is complete
    complete: Link | None  # the finished code's page
    start_over_url: str
    problem: str
    source: SourceFile | None
    definitions_source: SourceFile | None


def build_pcs_page(built: PcsBuild) -> PcsPage:
    """The table as the official grid with the choices made so far, and the finished code
    once seven characters are chosen."""
    pcs_grid, selection, finished = built.grid, built.selection, built.finished
    table = pcs_grid.table.code
    code = selection.code
    seen: set[tuple[int, str]] = set()
    rows = [_pcs_row(table, row, selection, finished is not None, seen) for row in pcs_grid.rows]
    first_possible = next((row for row in pcs_grid.rows if row.number in selection.rows), None)
    chosen = [
        _choice(value, "chosen", None)
        for axis, char in zip(first_possible.axes if first_possible else (), code[3:], strict=False)
        for value in axis.values
        if value.char == char
    ]
    next_title = (
        first_possible.axes[selection.next_position - 4].title
        if first_possible and selection.next_position
        else ""
    )
    return PcsPage(
        table=table,
        title=pcs_grid.table.long_title,
        url=pcs_url(table, code),
        api_url="/api/v1" + pcs_url(table, code),
        table_page_url=code_url(System.ICD10PCS.value, table),
        books=book_tabs(),
        heading=[
            PcsColumn(axis.position, axis.title, [_choice(v, "chosen", None) for v in axis.values])
            for axis in pcs_grid.heading
        ],
        rows=rows,
        code=code,
        chosen=chosen,
        next_title=next_title,
        complete=Link(
            f"{finished.code} {finished.long_title}", code_url(finished.system, finished.code)
        )
        if finished
        else None,
        start_over_url=pcs_url(table),
        problem=selection.problem,
        source=pcs_grid.source,
        definitions_source=pcs_grid.definitions_source,
    )


def _pcs_row(
    table: str,
    row: PcsGridRow,
    selection: PcsSelection,
    finished: bool,
    seen: set[tuple[int, str]],
) -> PcsRowView:
    """One row of the grid: in a row that allows the choices so far, the chosen values are
    marked and the values valid next are links that choose them. `seen` holds the values
    met in earlier rows (their definitions are shown once, where they first appear)."""
    possible = row.number in selection.rows
    code = selection.code
    columns = []
    for axis in row.axes:
        chosen = code[axis.position - 1] if len(code) >= axis.position else ""
        offered = selection.offered if axis.position == selection.next_position else frozenset()
        values = []
        for value in axis.values:
            first = (value.position, value.char) not in seen
            seen.add((value.position, value.char))
            if possible and value.char == chosen:
                values.append(_choice(value, "chosen", None, first))
            elif possible and value.char in offered:
                url = pcs_url(table, code + value.char) + "#builder"
                values.append(_choice(value, "offered", url, first))
            else:
                values.append(_choice(value, "", None, first))
        columns.append(PcsColumn(axis.position, axis.title, values))
    return PcsRowView(row.number, f"row-{row.number}", possible, possible and finished, columns)


def _choice(value: PcsValue, state: str, url: str | None, first: bool = True) -> PcsChoice:
    return PcsChoice(
        value.char,
        value.label,
        value.definition,
        value.explanation,
        list(value.includes),
        state,
        url,
        first,
    )
