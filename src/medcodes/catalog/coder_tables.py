"""Reads of the coder's books (Alphabetic Index, Table of Drugs, Table of Neoplasms, External
Cause Index) and of the ICD-10-PCS tables, as the catalog stores them (load_coder_tables.py).

A book is read in one of three ways: the headings a filter matches (every word of the filter
starts a word of the heading path), the main terms (or, for tables, all rows) of one letter,
or one heading with everything under it. Each comes as a `BookSlice`: one page of headings in
document order, each code resolved against the catalog (exists, billable, status).
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from medcodes.catalog.read import Catalog, SourceFile
from medcodes.errors import NotFound
from medcodes.serial import Serialisable
from medcodes.systems import System, code_key, icd10cm_official

NO_CODE = "--"  # a table cell without a code, as the Table of Drugs prints it (written so)

MAX_FILTER_WORDS = 8
_WORD = re.compile(r"[^\W_]+")  # letters and digits, any script
TERM_COLUMNS = (
    "id, parent_id, end_id, level, letter, title, nemod, see, see_id, see_also, see_also_id, codes"
)


@dataclass(frozen=True, slots=True)
class Book(Serialisable):
    name: str  # index, drugs, neoplasms, external
    title: str
    columns: tuple[str, ...]  # tables: the official headings of the code columns
    source: SourceFile | None
    entries: int
    main_terms: int
    letters: tuple[str, ...]  # its letter sections in order ("#", "A", ...)

    @property
    def is_table(self) -> bool:
        return bool(self.columns)


@dataclass(frozen=True, slots=True)
class BookCode:
    """A code as the book prints it, and what the catalog knows of the code it names."""

    printed: str  # "T39.1X2", "E11.-"; "" for an empty table cell
    code: str  # official form of the code it names ("E11"); "" for an empty cell
    in_catalog: bool
    billable: bool
    status: str  # active, terminated; "" when not in the catalog
    needs_more: bool  # printed incomplete ("-") or a header: more characters are needed


@dataclass(frozen=True, slots=True)
class BookTerm:
    id: int
    parent_id: int | None
    end_id: int  # last id under it: it has subterms when end_id > id
    level: int
    letter: str
    title: str
    nemod: str
    see: str
    see_id: int | None
    see_also: str
    see_also_id: int | None
    codes: tuple[BookCode, ...]
    above: tuple[tuple[int, str], ...]  # (id, title) of the headings above it, when the page
    # does not show them right before it


@dataclass(frozen=True, slots=True)
class BookSlice(Serialisable):
    """One page of headings of a book, in the order shown."""

    terms: list[BookTerm]
    total: int  # headings in the whole selection
    heading: BookTerm | None = None  # the heading whose subtree this is, when it is one
    letter: str = ""  # the letter section this is, when it is one


def book(catalog: Catalog, name: str) -> Book:
    """One book by name; NotFound naming the books there are."""
    row = catalog.conn.execute(
        "SELECT book, title, columns, source, entries, main_terms FROM coder_books WHERE book = ?",
        (name,),
    ).fetchone()
    if row is None:
        known = ", ".join(b for (b,) in catalog.conn.execute("SELECT book FROM coder_books"))
        raise NotFound(f"no book {name!r} in this catalog; there are: {known or 'none'}")
    name, title, columns, source, entries, main_terms = row
    letters = catalog.conn.execute(
        "SELECT letter FROM coder_terms WHERE book = ? AND level = 0 GROUP BY letter "
        "ORDER BY min(id)",
        (name,),
    )
    return Book(
        name,
        title,
        tuple(columns.split("\t")) if columns else (),
        catalog.source(source),
        entries,
        main_terms,
        tuple(letter for (letter,) in letters),
    )


def filter_words(text: str) -> list[str]:
    """The words of a filter, folded, at most MAX_FILTER_WORDS (the index folds diacritics
    itself: "sézary" finds Sezary)."""
    return _WORD.findall(text.casefold())[:MAX_FILTER_WORDS]


def filtered(catalog: Catalog, book: Book, text: str, limit: int, offset: int) -> BookSlice:
    """Headings under which every word of `text` starts a word ("append acute": the heading
    or one above it has a word starting "append" and one starting "acute"; a one-character
    word must be a whole word). Whole main terms that match come first, then the other
    matches, each in document order."""
    words = filter_words(text)
    if not words:
        return BookSlice([], 0)
    (base,) = catalog.conn.execute(
        "SELECT rowid_base FROM coder_books WHERE book = ?", (book.name,)
    ).fetchone()
    ranges: list[Ranges] = []
    main_ranges: set[tuple[int, int]] | None = None
    for word in words:
        rows = catalog.conn.execute(
            "SELECT t.id, t.end_id, t.level FROM coder_words w "
            "JOIN coder_terms t ON t.book = ? AND t.id = w.rowid - ? "
            "WHERE coder_words MATCH ? AND w.rowid BETWEEN ? AND ?",
            (book.name, base, _phrase(word), base + 1, base + book.entries),
        ).fetchall()
        ranges.append(_union((start, end) for start, end, _level in rows))
        mains = {(start, end) for start, end, level in rows if level == 0}
        main_ranges = mains if main_ranges is None else main_ranges & mains
    matched = ranges[0]
    for more in ranges[1:]:
        matched = _intersection(matched, more)
    whole = sorted(main_ranges or ())
    ordered = whole + _difference(matched, whole)
    total = sum(end - start + 1 for start, end in ordered)
    ids = _page(ordered, limit, offset)
    if not ids:
        return BookSlice([], total)
    rows = catalog.conn.execute(
        f"SELECT {TERM_COLUMNS} FROM coder_terms WHERE book = ? "
        f"AND id IN ({','.join('?' * len(ids))})",
        (book.name, *ids),
    ).fetchall()
    position = {term_id: index for index, term_id in enumerate(ids)}
    rows.sort(key=lambda row: position[row[0]])
    return BookSlice(_terms(catalog, book, rows), total)


Ranges = list[tuple[int, int]]  # sorted, disjoint, inclusive id ranges


def _phrase(word: str) -> str:
    """The FTS5 query for one filter word: the words it starts ("append" -> "appendicitis");
    a word of one character only itself ("2" in "type 2"; as a prefix it would match half a
    book). Quoted, so nothing a person types is FTS5 syntax."""
    return f'"{word}"' + ("" if len(word) == 1 else "*")


def _union(ranges: Iterable[tuple[int, int]]) -> Ranges:
    merged: Ranges = []
    for start, end in sorted(ranges):
        if merged and start <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _intersection(first: Ranges, second: Ranges) -> Ranges:
    found: Ranges = []
    i = j = 0
    while i < len(first) and j < len(second):
        start = max(first[i][0], second[j][0])
        end = min(first[i][1], second[j][1])
        if start <= end:
            found.append((start, end))
        if first[i][1] < second[j][1]:
            i += 1
        else:
            j += 1
    return found


def _difference(ranges: Ranges, taken: Ranges) -> Ranges:
    """The ids of `ranges` that are not in `taken`."""
    found: Ranges = []
    j = 0
    for start, end in ranges:
        while j < len(taken) and taken[j][1] < start:
            j += 1
        k = j
        while start <= end:
            if k < len(taken) and taken[k][0] <= end:
                if taken[k][0] > start:
                    found.append((start, taken[k][0] - 1))
                start = max(start, taken[k][1] + 1)
                k += 1
            else:
                found.append((start, end))
                break
    return found


def _page(ranges: Ranges, limit: int, offset: int) -> list[int]:
    """The ids at positions offset .. offset + limit of the ranges, one after another."""
    ids: list[int] = []
    for start, end in ranges:
        size = end - start + 1
        if offset >= size:
            offset -= size
            continue
        ids.extend(range(start + offset, min(end, start + offset + limit - len(ids) - 1) + 1))
        offset = 0
        if len(ids) >= limit:
            break
    return ids


def by_letter(catalog: Catalog, book: Book, letter: str, limit: int, offset: int) -> BookSlice:
    """One letter of a book: its main terms (an index) or all its rows (a table)."""
    where = "book = ? AND letter = ?" + ("" if book.is_table else " AND level = 0")
    args = (book.name, letter)
    (total,) = catalog.conn.execute(
        f"SELECT count(*) FROM coder_terms WHERE {where}", args
    ).fetchone()
    rows = catalog.conn.execute(
        f"SELECT {TERM_COLUMNS} FROM coder_terms WHERE {where} ORDER BY id LIMIT ? OFFSET ?",
        (*args, limit, offset),
    ).fetchall()
    return BookSlice(_terms(catalog, book, rows), total, letter=letter)


def subtree(catalog: Catalog, book: Book, term_id: int, limit: int, offset: int) -> BookSlice:
    """One heading (with the path above it) and a page of it and every heading under it, in
    document order; NotFound for an unknown heading number."""
    found = catalog.conn.execute(
        f"SELECT {TERM_COLUMNS} FROM coder_terms WHERE book = ? AND id = ?", (book.name, term_id)
    ).fetchall()
    if not found:
        raise NotFound(
            f"no heading {term_id} in the {book.title}; headings are numbered 1 to {book.entries}"
        )
    (heading,) = _terms(catalog, book, found)
    rows = catalog.conn.execute(
        f"SELECT {TERM_COLUMNS} FROM coder_terms WHERE book = ? AND id BETWEEN ? AND ? "
        "ORDER BY id LIMIT ? OFFSET ?",
        (book.name, term_id, heading.end_id, limit, offset),
    ).fetchall()
    return BookSlice(_terms(catalog, book, rows), heading.end_id - term_id + 1, heading)


def _terms(catalog: Catalog, book: Book, rows: Sequence[tuple[Any, ...]]) -> list[BookTerm]:
    """Rows as terms: codes resolved, and the path above each heading whose parent the page
    does not show before it."""
    codes = _resolve(catalog, (c for row in rows for c in row[-1].split() if c != NO_CODE))
    shown: set[int] = set()
    on_page = {row[0] for row in rows}
    paths = _paths(catalog.conn, book.name, {row[1] for row in rows} - on_page - {None})
    terms = []
    for row in rows:
        *fields, printed = row
        parent = fields[1]
        above = paths.get(parent, ()) if parent is not None and parent not in shown else ()
        shown.add(fields[0])
        cells = tuple(codes.get(c, _EMPTY) for c in printed.split())
        terms.append(BookTerm(*fields, cells, above))
    return terms


def _paths(
    conn: sqlite3.Connection, book: str, ids: set[int]
) -> dict[int, tuple[tuple[int, str], ...]]:
    """(id, title) from the main term down to each of `ids`, inclusive."""
    parents: dict[int, tuple[int | None, str]] = {}
    wanted = set(ids)
    while wanted:
        marks = ",".join("?" * len(wanted))
        rows = conn.execute(
            f"SELECT id, parent_id, title FROM coder_terms WHERE book = ? AND id IN ({marks})",
            (book, *wanted),
        ).fetchall()
        for term_id, parent, title in rows:
            parents[term_id] = (parent, title)
        wanted = {parent for _, parent, _ in rows if parent is not None} - parents.keys()
    paths = {}
    for term_id in ids:
        path = []
        node: int | None = term_id
        while node is not None:
            parent, title = parents[node]
            path.append((node, title))
            node = parent
        paths[term_id] = tuple(reversed(path))
    return paths


_EMPTY = BookCode("", "", False, False, "", False)


def _resolve(catalog: Catalog, printed: Iterable[str]) -> dict[str, BookCode]:
    """Printed codes -> what the catalog knows of them (one query for a page)."""
    wanted = {code: code_key(code) for code in printed}
    if not wanted:
        return {}
    keys = sorted(set(wanted.values()))
    rows = catalog.conn.execute(
        f"SELECT code_key, code, billable, status FROM codes WHERE system = ? "
        f"AND code_key IN ({','.join('?' * len(keys))})",
        (System.ICD10CM.value, *keys),
    ).fetchall()
    found = {key: (code, bool(billable), status) for key, code, billable, status in rows}
    resolved = {}
    for printed_code, key in wanted.items():
        code, billable, status = found.get(key, (icd10cm_official(key), False, ""))
        incomplete = printed_code.endswith("-")
        resolved[printed_code] = BookCode(
            printed_code, code, key in found, billable, status, incomplete or not billable
        )
    return resolved
