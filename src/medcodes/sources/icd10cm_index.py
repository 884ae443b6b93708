"""ICD-10-CM index books (CDC-NCHS): the Alphabetic Index, the Table of Drugs and Chemicals,
the Table of Neoplasms and the External Cause Index, as trees of headings and as search terms.

The index XML files (schemas `icd10cm-index-2025.xsd`, `icd-10-cm-drug-neoplasm-2025.xsd`)
have the root `<ICD10CM.index>` with `<letter>` > `<mainTerm>` > nested `<term level="n">`;
each term has a `<title>` (with non-essential modifiers in `<nemod>`), optional `<see>` /
`<seeAlso>` cross references and its codes:
- Table of Drugs and Chemicals / Table of Neoplasms: `<cell col="n">` per column named by
  `<indexHeading><head col="n">` (column 1 is the heading itself); "--" or "-" means no code.
- External Cause Index: `<code>`, or `<subcat>` / `<seecat>` pointing at a (sub)category that
  needs more characters (printed here as "T75.0-" and "T71.-").
A code ending in "-" is incomplete (more characters are needed).

The Alphabetic Index is read from a derived flattened CSV (columns Letter, Level, Term, See,
SeeAlso, NonEssModif, Code; one row per term in document order, Level 0 = main term), as
the official index XML is not available here. Its titles lose the position of modifiers
(they follow the term) and its `<manif>` codes.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from medcodes.errors import SourceFormatError
from medcodes.sources.files import open_text
from medcodes.sources.icd10cm import CODE_RE, clean_text, load_xml

_EINDEX_CODE_TAGS = ("code", "subcat", "seecat")
_FLAT_COLUMNS = ("Letter", "Level", "Term", "See", "SeeAlso", "NonEssModif", "Code")
CodesOf = Callable[[etree._Element], tuple[str, ...]]  # an entry's codes from its element


@dataclass(frozen=True, slots=True)
class IndexEntry:
    """One heading of an index or table (a main term or a subterm), in document order."""

    level: int  # 0 = main term
    letter: str  # the letter section it is filed under ("#" for digits in the drug table)
    title: str  # as printed, nonessential modifiers in place: "Abasia (-astasia) (hysterical)"
    nemod: str  # the nonessential modifiers as printed, "" if none
    see: str  # "see" target heading ("Pain, abdominal"), "" if none
    see_also: str
    codes: tuple[str, ...]  # as printed ("E11.-"); tables: one per column, "" for none
    line: int


@dataclass(frozen=True, slots=True)
class IndexBook:
    """An index or table file: its code columns (tables only) and its headings in order."""

    columns: tuple[str, ...]  # the official headings of the code columns; () for an index
    entries: tuple[IndexEntry, ...]


@dataclass(frozen=True, slots=True)
class IndexTerm:
    """One (index heading, code) pair."""

    term: str  # heading path, main term first, joined with ", "; nemod kept as "(...)"
    code: str  # with dot ("E11.65"); an incomplete "E11.-" is given as "E11"
    source: str  # "index" | "drug" | "neoplasm" | "eindex"
    column: str  # drug/neoplasm: the official column heading; "" otherwise
    line: int  # the line of the heading
    main_term: bool = False  # a main term's own code: the index's default for the condition


def parse_drug_table(path: Path) -> Iterator[IndexTerm]:
    """Every code cell of the Table of Drugs and Chemicals (`icd10cm_drug_YYYY.xml`)."""
    return index_terms(read_table(path), "drug")


def parse_neoplasm_table(path: Path) -> Iterator[IndexTerm]:
    """Every code cell of the Table of Neoplasms (`icd10cm_neoplasm_YYYY.xml`)."""
    return index_terms(read_table(path), "neoplasm")


def parse_external_cause_index(path: Path) -> Iterator[IndexTerm]:
    """Every code of the External Cause of Injuries Index (`icd10cm_eindex_YYYY.xml`)."""
    return index_terms(read_external_cause_index(path), "eindex")


def parse_flat_index(path: Path) -> Iterator[IndexTerm]:
    """Every (heading, code) row of the flattened Alphabetic Index CSV; rows without a code
    (pure "see" references) are left out."""
    return index_terms(read_flat_index(path), "index")


def index_terms(book: IndexBook, source: str) -> Iterator[IndexTerm]:
    """(heading path, code stem) for every code of a book; a column's heading goes with each
    table cell. Main-term codes of the Alphabetic Index are marked as its defaults."""
    path: list[str] = []
    for entry in book.entries:
        if _is_note(entry):
            continue  # its subterms belong to the heading above it, as in the printed index
        path[entry.level :] = [entry.title]
        heading = ", ".join(path)
        columns = book.columns or ("",) * len(entry.codes)
        main_term = source == "index" and entry.level == 0
        for column, code in zip(columns, entry.codes, strict=True):
            if code:
                yield IndexTerm(heading, stem(code), source, column, entry.line, main_term)


def _is_note(entry: IndexEntry) -> bool:
    """A note printed among the subterms ("Note: heart failure stages A, B, C, and D are
    based on ..."), which the flattened index files as a heading of the subterms after it:
    not a heading, so no part of their paths."""
    return not any(entry.codes) and entry.title.startswith("Note:")


# --- books --------------------------------------------------------------------------------


def read_table(path: Path) -> IndexBook:
    """The Table of Drugs and Chemicals or the Table of Neoplasms (`icd10cm_drug_YYYY.xml`,
    `icd10cm_neoplasm_YYYY.xml`): every heading with one code (or "") per code column."""
    root = load_xml(path, "ICD10CM.index")
    heads = {head.get("col"): _title(head)[0] for head in root.iterfind("indexHeading/head")}
    columns = tuple(sorted((col for col in heads if col != "1"), key=_column_number))
    position = {col: number for number, col in enumerate(columns)}

    def cells(element: etree._Element) -> tuple[str, ...]:
        found = [""] * len(columns)
        for cell in element.iterchildren("cell"):
            col = cell.get("col")
            if col not in position:
                raise SourceFormatError(
                    path, cell.sourceline, f"cell column {col!r} has no heading"
                )
            found[position[col]] = _printed_code(path, cell)
        return tuple(found)

    entries = tuple(_entries(path, root, cells))
    return IndexBook(tuple(heads[col] for col in columns), entries)


def read_external_cause_index(path: Path) -> IndexBook:
    """The External Cause of Injuries Index (`icd10cm_eindex_YYYY.xml`)."""

    def codes(element: etree._Element) -> tuple[str, ...]:
        found = []
        for child in element.iterchildren(*_EINDEX_CODE_TAGS):
            code = _printed_code(path, child)
            if code and child.tag != "code" and not code.endswith("-"):
                code += ".-" if "." not in code else "-"
            if code:
                found.append(code)
        return tuple(found)

    return IndexBook((), tuple(_entries(path, load_xml(path, "ICD10CM.index"), codes)))


def read_flat_index(path: Path) -> IndexBook:
    """The Alphabetic Index from the flattened CSV: one entry per row."""
    entries = []
    depth = 0
    with open_text(path, encoding="utf-8") as fh:
        reader = csv.reader(fh)
        header = next(reader, [])
        missing = set(_FLAT_COLUMNS) - set(header)
        if missing:
            raise SourceFormatError(path, 1, f"header lacks columns {sorted(missing)}")
        at = [header.index(name) for name in _FLAT_COLUMNS]
        for row in reader:
            if len(row) != len(header):
                raise SourceFormatError(
                    path, reader.line_num, "row does not have the header's fields"
                )
            letter, level_text, term, see, see_also, nemod, code = (
                " ".join(row[i].split()) for i in at
            )
            line = reader.line_num
            level = _level(path, line, level_text, depth)
            depth = level + 1
            _check_code(path, line, code)
            entries.append(
                IndexEntry(
                    level,
                    letter,
                    f"{term} {nemod}" if nemod else term,
                    nemod,
                    see,
                    see_also,
                    (code,) if code else (),
                    line,
                )
            )
    return IndexBook((), tuple(entries))


def _entries(path: Path, root: etree._Element, codes_of: CodesOf) -> Iterator[IndexEntry]:
    """Every mainTerm and term in document order, with its level checked."""
    for letter in root.iterchildren("letter"):
        letter_title = letter.find("title")
        name = _title(letter_title)[0] if letter_title is not None else ""
        for main in letter.iterchildren("mainTerm"):
            yield from _term_tree(path, main, 0, name, codes_of)


def _term_tree(
    path: Path, element: etree._Element, level: int, letter: str, codes_of: CodesOf
) -> Iterator[IndexEntry]:
    title = element.find("title")
    if title is None or not _title(title)[0]:
        raise SourceFormatError(path, element.sourceline, f"<{element.tag}> without a <title>")
    if level and element.get("level") != str(level):
        raise SourceFormatError(
            path, element.sourceline, f"term level {element.get('level')!r} at depth {level}"
        )
    text, nemod = _title(title)
    yield IndexEntry(
        level=level,
        letter=letter,
        title=text,
        nemod=nemod,
        see=_child_text(element, "see"),
        see_also=_child_text(element, "seeAlso"),
        codes=codes_of(element),
        line=element.sourceline,
    )
    for term in element.iterchildren("term"):
        yield from _term_tree(path, term, level + 1, letter, codes_of)


def _title(element: etree._Element) -> tuple[str, str]:
    """Text of a title with each child (a <nemod>) set off by a space: "Acid (corrosive) NEC",
    and the nonessential modifiers alone: "(corrosive)"."""
    parts = [element.text or ""]
    modifiers = []
    for child in element:
        text = "".join(child.itertext())
        modifiers.append(text)
        parts += [" ", text, child.tail or ""]
    return clean_text("".join(parts)), clean_text(" ".join(modifiers))


def _child_text(element: etree._Element, tag: str) -> str:
    child = element.find(tag)
    return "" if child is None else clean_text("".join(child.itertext()))


def _column_number(col: str | None) -> int:
    return int(col) if col and col.isdecimal() else 0


def _printed_code(path: Path, element: etree._Element) -> str:
    """The element's code as printed ("C50.9-"); "" for a "--" / "-" / empty cell."""
    raw = " ".join((element.text if len(element) == 0 else "".join(element.itertext())).split())
    if not raw.strip("-"):
        return ""
    _check_code(path, element.sourceline, raw)
    return raw


def _check_code(path: Path, line: int, raw: str) -> None:
    if raw and CODE_RE.fullmatch(stem(raw)) is None:
        raise SourceFormatError(path, line, f"{raw!r} is not an ICD-10-CM code")


def stem(printed: str) -> str:
    """A printed code without its "needs more characters" mark: "E11.-" -> "E11".

    >>> stem("C50.9-"), stem("E11.-"), stem("E11.9")
    ('C50.9', 'E11', 'E11.9')
    """
    return printed.rstrip("-").rstrip(".")


def _level(path: Path, line: int, raw: str, depth: int) -> int:
    """Level of a row: 0 for a main term, at most one deeper than the row before."""
    if not raw.strip().isdecimal() or int(raw) > depth:
        raise SourceFormatError(path, line, f"Level {raw!r} does not follow depth {depth}")
    return int(raw)
