"""The coder's books and the ICD-10-PCS tables, stored as they are printed.

Two halves, like the policies step: `CoderTablesStep.load` runs with the other loaders. It
reads the Alphabetic Index, the Table of Drugs and Chemicals, the Table of Neoplasms and the
External Cause Index once, records them in the manifest and hands their headings to search as
terms of the codes they name (what `load_icd10cm` used to do); it also takes the newest
ICD-10-PCS tables (parsed once per build: `load_icd10pcs` read them first).
`CoderTablesStep.write` runs as an enricher on the written catalog and stores each book as a
tree (`coder_terms`: document order, level, subtree range, "see" targets resolved to
headings; `coder_words`: their words for filters) and the PCS tables and rows. The PCS
definitions are issue 15's `pcs_terms`.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from medcodes.catalog.coder_tables import NO_CODE
from medcodes.catalog.rows import Loaded, TermRow
from medcodes.catalog.sources_read import manifest_row, of_kind
from medcodes.sources import icd10pcs
from medcodes.sources.icd10cm_index import (
    IndexBook,
    IndexEntry,
    index_terms,
    read_external_cause_index,
    read_flat_index,
    read_table,
    stem,
)
from medcodes.sources.registry import Kind, Located
from medcodes.systems import System, code_key


@dataclass(frozen=True, slots=True)
class BookKind:
    """How one kind of index file becomes a book and search terms."""

    book: str  # the book's id in the catalog and its URLs
    title: str
    read: Callable[[Path], IndexBook]
    parser_source: str  # what `index_terms` calls it
    term_source: str  # terms.source of its headings


BOOKS: dict[Kind, BookKind] = {
    Kind.CM_INDEX: BookKind(
        "index", "ICD-10-CM Alphabetic Index", read_flat_index, "index", "index"
    ),
    Kind.CM_DRUG_INDEX: BookKind(
        "drugs", "ICD-10-CM Table of Drugs and Chemicals", read_table, "drug", "drug-index"
    ),
    Kind.CM_NEOPLASM_INDEX: BookKind(
        "neoplasms", "ICD-10-CM Table of Neoplasms", read_table, "neoplasm", "neoplasm-index"
    ),
    Kind.CM_EXTERNAL_INDEX: BookKind(
        "external",
        "ICD-10-CM External Cause of Injuries Index",
        read_external_cause_index,
        "eindex",
        "external-index",
    ),
}
SYSTEM = System.ICD10CM.value
ROWIDS_PER_BOOK = 10_000_000  # coder_words rowids: book number x this + heading number
_NOT_WORD = re.compile(r"[^0-9a-z]+")
_PARENTHESES = re.compile(r"\([^)]*\)")


def words_of(text: str) -> list[str]:
    """The words of a heading a "see" reference names, folded: `words_of("Acid (corrosive)
    NEC")` is `["acid", "corrosive", "nec"]`."""
    return _NOT_WORD.sub(" ", text.casefold()).split()


class CoderTablesStep:
    """Reads the books once (`load`), writes their tables once the codes exist (`write`)."""

    def __init__(self) -> None:
        self.books: list[tuple[BookKind, IndexBook, str]] = []  # newest file of each kind
        self.tables: list[icd10pcs.PcsTable] = []
        self.tables_source = ""

    def load(self, located: list[Located], sources_dir: Path) -> Loaded:
        loaded = Loaded()
        for kind, book_kind in BOOKS.items():
            files = of_kind(located, kind)
            for item in files:
                book = book_kind.read(item.path)
                terms = list(index_terms(book, book_kind.parser_source))
                loaded.manifest.append(manifest_row(item, sources_dir, len(terms)))
                main = f"{book_kind.term_source}-main"
                loaded.terms.extend(
                    TermRow(SYSTEM, t.code, t.term, main if t.main_term else book_kind.term_source)
                    for t in terms
                )
                if item is files[-1]:
                    self.books.append((book_kind, book, item.source.name))
        tables = of_kind(located, Kind.PCS_TABLES)
        if tables:
            self.tables = icd10pcs.parse_tables(tables[-1].path)
            self.tables_source = tables[-1].source.name
        return loaded

    def write(self, conn: sqlite3.Connection) -> list[str]:
        """Write the books and PCS tables, then let go of them (the rest of the build needs
        the memory); warn about book codes no ingested release holds."""
        rows = conn.execute("SELECT code_key FROM codes WHERE system = ?", (SYSTEM,))
        known = {key for (key,) in rows}
        warnings = []
        for number, (book_kind, book, source) in enumerate(self.books):
            tree = _Tree(book.entries)
            rows = list(_term_rows(book_kind.book, tree))
            conn.executemany("INSERT INTO coder_terms VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)", rows)
            base = number * ROWIDS_PER_BOOK
            conn.executemany(
                "INSERT INTO coder_words (rowid, title) VALUES (?, ?)",
                ((base + n, entry.title) for n, entry in enumerate(book.entries, start=1)),
            )
            conn.execute(
                "INSERT INTO coder_books VALUES (?,?,?,?,?,?,?)",
                (
                    book_kind.book,
                    book_kind.title,
                    "\t".join(book.columns),
                    source,
                    len(rows),
                    sum(entry.level == 0 for entry in book.entries),
                    base,
                ),
            )
            unknown = {
                code
                for entry in book.entries
                for code in entry.codes
                if code and code_key(stem(code)) not in known
            }
            if unknown:
                warnings.append(
                    f"{book_kind.title}: {len(unknown)} codes are in no ingested release "
                    f"(shown without a link), e.g. {', '.join(sorted(unknown)[:3])}"
                )
        conn.executemany(
            "INSERT INTO coder_pcs_tables VALUES (?,?,?,?,?,?)",
            (
                (table.prefix, seq, *(axis.label for axis in table.axes), self.tables_source)
                for seq, table in enumerate(self.tables, start=1)
            ),
        )
        conn.executemany(
            "INSERT INTO coder_pcs_rows VALUES (?,?,?,?,?,?)",
            (
                (table.prefix, number, *row.chars)
                for table in self.tables
                for number, row in enumerate(table.rows, start=1)
            ),
        )
        self.books, self.tables = [], []
        return warnings


def _term_rows(book: str, tree: _Tree) -> Iterator[tuple[object, ...]]:
    """The `coder_terms` rows of one book: ids in document order, parents, subtree ends and
    "see" targets resolved within the book."""
    for number, entry in enumerate(tree.entries, start=1):
        yield (
            book,
            number,
            tree.parents[number] or None,
            tree.ends[number],
            entry.level,
            entry.letter,
            entry.title,
            entry.nemod,
            entry.see,
            tree.find(entry.see),
            entry.see_also,
            tree.find(entry.see_also),
            " ".join(code or NO_CODE for code in entry.codes),
        )


class _Tree:
    """Parents and subtree ends of a book's entries (ids from 1; 0 is the root), and "see"
    targets resolved by walking down from the main terms."""

    def __init__(self, entries: tuple[IndexEntry, ...]) -> None:
        self.entries = entries
        count = len(entries)
        self.parents = [0] * (count + 1)
        self.ends = list(range(count + 1))
        self.children: dict[int, list[int]] = {}
        path = [0]  # ids from the root to the entry before
        for number, entry in enumerate(entries, start=1):
            for closed in path[entry.level + 1 :]:
                self.ends[closed] = number - 1
            del path[entry.level + 1 :]
            parent = path[-1]
            self.parents[number] = parent
            self.children.setdefault(parent, []).append(number)
            path.append(number)
        for closed in path[1:]:
            self.ends[closed] = count
        self._names: dict[int, dict[str, int]] = {}

    def find(self, target: str) -> int | None:
        """The heading a "see" target names ("Disease, heart"), or the nearest one above it
        that exists; None when not even its main term is in the book."""
        found = None
        node = 0
        for part in target.split(",") if target else ():
            key = _name_key(part)
            if not key:
                continue
            child = self._named_children(node).get(key)
            if child is None:
                break
            found = node = child
        return found

    def _named_children(self, node: int) -> dict[str, int]:
        """A node's children by what a "see" reference may call them: the title, or one of
        its comma-separated variants ("Disease, diseased" is "disease"), without modifiers or
        a trailing NEC; the first child of a name wins."""
        if node not in self._names:
            names: dict[str, int] = {}
            for child in self.children.get(node, ()):
                title = self.entries[child - 1].title
                for name in (title, *title.split(",")):
                    names.setdefault(_name_key(name), child)
            self._names[node] = names
        return self._names[node]


def _name_key(text: str) -> str:
    words = words_of(_PARENTHESES.sub(" ", text))
    return " ".join(words[:-1] if words[-1:] == ["nec"] else words)
