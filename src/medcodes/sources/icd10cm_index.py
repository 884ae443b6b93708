"""ICD-10-CM index terms (CDC-NCHS), used as search synonyms of codes.

The index XML files (schemas `icd10cm-index-2025.xsd`, `icd-10-cm-drug-neoplasm-2025.xsd`)
have the root `<ICD10CM.index>` with `<letter>` > `<mainTerm>` > nested `<term level="n">`;
each term has a `<title>` (with non-essential modifiers in `<nemod>`), optional `<see>` /
`<seeAlso>` cross references and its codes:
- Table of Drugs and Chemicals / Table of Neoplasms: `<cell col="n">` per column named by
  `<indexHeading><head col="n">`; "--" or "-" means no code for that column.
- External Cause Index: `<code>`, or `<subcat>` / `<seecat>` pointing at a (sub)category.
A code ending in "-" is incomplete (more characters are needed); it is given as its stem.

The Alphabetic Index is read from a derived flattened CSV (columns Letter, Level, Term, See,
SeeAlso, NonEssModif, Code; one row per term in document order, Level 0 = main term), as
the official index XML is not available here.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from medcodes.errors import SourceFormatError
from medcodes.sources.files import open_text
from medcodes.sources.icd10cm import CODE_RE, clean_text, load_xml

_EINDEX_CODE_TAGS = ("code", "subcat", "seecat")
_FLAT_COLUMNS = ("Level", "Term", "See", "NonEssModif", "Code")


@dataclass(frozen=True, slots=True)
class IndexTerm:
    """One (index heading, code) pair."""

    term: str  # heading path, main term first, joined with ", "; nemod kept as "(...)"
    code: str  # with dot ("E11.65"); an incomplete "E11.-" is given as "E11"
    source: str  # "index" | "drug" | "neoplasm" | "eindex"
    column: str  # drug/neoplasm: the official column heading; "" otherwise
    line: int
    main_term: bool = False  # a main term's own code: the index's default for the condition


def parse_drug_table(path: Path) -> Iterator[IndexTerm]:
    """Every code cell of the Table of Drugs and Chemicals (`icd10cm_drug_YYYY.xml`)."""
    yield from _table_cells(path, "drug")


def parse_neoplasm_table(path: Path) -> Iterator[IndexTerm]:
    """Every code cell of the Table of Neoplasms (`icd10cm_neoplasm_YYYY.xml`)."""
    yield from _table_cells(path, "neoplasm")


def parse_external_cause_index(path: Path) -> Iterator[IndexTerm]:
    """Every code of the External Cause of Injuries Index (`icd10cm_eindex_YYYY.xml`)."""
    root = load_xml(path, "ICD10CM.index")
    for heading, element in _headings(path, root):
        for child in element.iterchildren(*_EINDEX_CODE_TAGS):
            code = _code(path, child)
            if code:
                yield IndexTerm(heading, code, "eindex", "", child.sourceline)


def _table_cells(path: Path, source: str) -> Iterator[IndexTerm]:
    root = load_xml(path, "ICD10CM.index")
    columns = {head.get("col"): _title(head) for head in root.iterfind("indexHeading/head")}
    for heading, element in _headings(path, root):
        for cell in element.iterchildren("cell"):
            if cell.get("col") not in columns:
                raise SourceFormatError(
                    path, cell.sourceline, f"cell column {cell.get('col')!r} has no heading"
                )
            code = _code(path, cell)
            if code:
                yield IndexTerm(heading, code, source, columns[cell.get("col")], cell.sourceline)


def _headings(path: Path, root: etree._Element) -> Iterator[tuple[str, etree._Element]]:
    """(heading path, element) for every mainTerm and term, in document order."""
    for main in root.iterfind("letter/mainTerm"):
        yield from _term_tree(path, main, ())


def _term_tree(
    path: Path, element: etree._Element, above: tuple[str, ...]
) -> Iterator[tuple[str, etree._Element]]:
    title = element.find("title")
    if title is None or not _title(title):
        raise SourceFormatError(path, element.sourceline, f"<{element.tag}> without a <title>")
    if above and element.get("level") != str(len(above)):
        raise SourceFormatError(
            path, element.sourceline, f"term level {element.get('level')!r} at depth {len(above)}"
        )
    heading = (*above, _title(title))
    yield ", ".join(heading), element
    for term in element.iterchildren("term"):
        yield from _term_tree(path, term, heading)


def _title(element: etree._Element) -> str:
    """Text of a title with each child (a <nemod>) set off by a space: "Acid (corrosive) NEC"."""
    parts = [element.text or ""]
    for child in element:
        parts += [" ", "".join(child.itertext()), child.tail or ""]
    return clean_text("".join(parts))


def _code(path: Path, element: etree._Element) -> str:
    """The cell's code without a trailing "-" or ".-"; "" for a "--" / empty cell."""
    raw = clean_text("".join(element.itertext()))
    return _stem(path, element.sourceline, raw)


def _stem(path: Path, line: int, raw: str) -> str:
    if not raw.strip("-"):
        return ""
    code = raw.rstrip("-").rstrip(".")
    if CODE_RE.fullmatch(code) is None:
        raise SourceFormatError(path, line, f"{raw!r} is not an ICD-10-CM code")
    return code


def parse_flat_index(path: Path) -> Iterator[IndexTerm]:
    """Every (heading, code) row of the flattened Alphabetic Index CSV; rows without a code
    (pure "see" references) are left out."""
    for heading, row, line in _flat_rows(path):
        code = _stem(path, line, row["Code"].strip())
        if code:
            yield IndexTerm(heading, code, "index", "", line, row["Level"].strip() == "0")


def parse_flat_index_see_references(path: Path) -> Iterator[tuple[str, str]]:
    """(heading path, target) for every "see" reference of the flattened index
    ("Abdominalgia" -> "Pain, abdominal"); "see also" references are not included."""
    for heading, row, _line in _flat_rows(path):
        if row["See"].strip():
            yield heading, clean_text(row["See"])


def _flat_rows(path: Path) -> Iterator[tuple[str, dict[str, str], int]]:
    """(heading path, row, line) per CSV row; the path is rebuilt from Level."""
    stack: list[str] = []
    with open_text(path, encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        missing = set(_FLAT_COLUMNS) - set(reader.fieldnames or ())
        if missing:
            raise SourceFormatError(path, 1, f"header lacks columns {sorted(missing)}")
        for row in reader:
            if None in row or None in row.values():
                raise SourceFormatError(
                    path, reader.line_num, "row does not have the header's fields"
                )
            level = _level(path, reader.line_num, row["Level"], len(stack))
            stack[level:] = [clean_text(f"{row['Term']} {row['NonEssModif']}")]
            yield ", ".join(stack), row, reader.line_num


def _level(path: Path, line: int, raw: str, depth: int) -> int:
    """Level of a row: 0 for a main term, at most one deeper than the row before."""
    if not raw.strip().isdecimal() or int(raw) > depth:
        raise SourceFormatError(path, line, f"Level {raw!r} does not follow depth {depth}")
    return int(raw)
