"""The coder's books and PCS tables in the real catalog: counts equal the official files."""

from __future__ import annotations

import gzip
import sqlite3
from collections.abc import Iterator
from math import prod
from pathlib import Path

import pytest
from lxml import etree

from medcodes.catalog.load_coder_tables import words_of
from medcodes.catalog.read import Catalog

DRUG = "icd10cm/icd10cm_drug_2025.xml.gz"
NEOPLASM = "icd10cm/icd10cm_neoplasm_2025.xml"
EINDEX = "icd10cm/icd10cm_eindex_2025.xml"
PCS_TABLES = "icd10pcs/icd10pcs_tables_2026.xml.gz"


@pytest.fixture(scope="module")
def conn(built_catalog: Path) -> Iterator[sqlite3.Connection]:
    with Catalog(built_catalog) as catalog:
        yield catalog.conn


def _xml(path: Path) -> etree._Element:
    data = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
    return etree.fromstring(data)


def _count(conn: sqlite3.Connection, sql: str, *args: object) -> int:
    return conn.execute(sql, args).fetchone()[0]


@pytest.mark.parametrize(
    ("book", "file", "main_terms", "subterms"),
    [
        ("drugs", DRUG, 5_177, 2_251),
        ("neoplasms", NEOPLASM, 1, 1_938),
        ("external", EINDEX, 314, 7_750),
    ],
)
def test_books_hold_every_heading_of_their_file(
    conn: sqlite3.Connection,
    sources_dir: Path,
    book: str,
    file: str,
    main_terms: int,
    subterms: int,
) -> None:
    root = _xml(sources_dir / file)
    in_file = (sum(1 for _ in root.iter("mainTerm")), sum(1 for _ in root.iter("term")))
    assert in_file == (main_terms, subterms)  # the published counts (PROVENANCE.md)
    stored = (
        _count(conn, "SELECT count(*) FROM coder_terms WHERE book = ? AND level = 0", book),
        _count(conn, "SELECT count(*) FROM coder_terms WHERE book = ? AND level > 0", book),
    )
    assert stored == in_file
    assert _count(conn, "SELECT main_terms FROM coder_books WHERE book = ?", book) == main_terms


def test_tables_keep_every_cell(conn: sqlite3.Connection, sources_dir: Path) -> None:
    for book, file in (("drugs", DRUG), ("neoplasms", NEOPLASM)):
        cells = sum(1 for _ in _xml(sources_dir / file).iter("cell"))
        stored = sum(
            len(codes.split())
            for (codes,) in conn.execute("SELECT codes FROM coder_terms WHERE book = ?", (book,))
        )
        headings = _count(conn, "SELECT count(*) FROM coder_terms WHERE book = ?", book)
        assert stored == headings * 6  # six code columns per row, "--" where the file has none
        assert cells <= stored


def test_alphabetic_index_rows(conn: sqlite3.Connection) -> None:
    # the flattened FY2025 index: 81,024 rows, 8,100 of them main terms
    assert _count(conn, "SELECT count(*) FROM coder_terms WHERE book = 'index'") == 81_024
    assert _count(conn, "SELECT main_terms FROM coder_books WHERE book = 'index'") == 8_100
    row = conn.execute(
        "SELECT level, title, nemod, codes, end_id - id FROM coder_terms "
        "WHERE book = 'index' AND title LIKE 'Appendicitis%' AND level = 0"
    ).fetchone()
    assert row == (
        0,
        "Appendicitis (pneumococcal) (retrocecal)",
        "(pneumococcal) (retrocecal)",
        "K37",
        58,
    )


def test_see_references_point_at_their_headings(conn: sqlite3.Connection) -> None:
    target = conn.execute(
        "SELECT s.title, p.title FROM coder_terms t "
        "JOIN coder_terms s ON s.book = t.book AND s.id = t.see_id "
        "JOIN coder_terms p ON p.book = t.book AND p.id = s.parent_id "
        "WHERE t.book = 'index' AND t.title = 'Abdominalgia'"
    ).fetchone()
    assert target == ("abdominal", "Pain (s)")


def test_pcs_tables_hold_every_row(conn: sqlite3.Connection, sources_dir: Path) -> None:
    root = _xml(sources_dir / PCS_TABLES)
    assert sum(1 for _ in root.iter("pcsTable")) == 914
    rows_in_file = sum(1 for _ in root.iter("pcsRow"))
    assert _count(conn, "SELECT count(DISTINCT table_code) FROM coder_pcs_rows") == 914
    assert _count(conn, "SELECT count(*) FROM coder_pcs_tables") == 914
    assert _count(conn, "SELECT count(*) FROM coder_pcs_rows") == rows_in_file
    codes = sum(
        prod(map(len, chars))
        for (*chars,) in conn.execute("SELECT chars4, chars5, chars6, chars7 FROM coder_pcs_rows")
    )
    assert codes == 79_115  # every FY2026 code, each in exactly one row


def test_words_of() -> None:
    assert words_of("Acid (corrosive) NEC") == ["acid", "corrosive", "nec"]
    assert words_of("Pain(s), Abdominal") == ["pain", "s", "abdominal"]
    assert words_of("--") == []


def test_filter_words_are_indexed_per_heading(conn: sqlite3.Connection) -> None:
    base, entries = conn.execute(
        "SELECT rowid_base, entries FROM coder_books WHERE book = 'drugs'"
    ).fetchone()
    rows = conn.execute(
        "SELECT t.title FROM coder_words w JOIN coder_terms t "
        "ON t.book = 'drugs' AND t.id = w.rowid - ? "
        "WHERE coder_words MATCH '\"acetaminoph\"*' AND w.rowid BETWEEN ? AND ?",
        (base, base + 1, base + entries),
    ).fetchall()
    assert rows == [("Acetaminophen",)]
