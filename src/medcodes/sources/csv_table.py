"""CSV tables as CMS and the staged extracts publish them: banner lines, a header row, data.

CMS spreadsheets saved as CSV (the ASP files) open with a few banner lines (title, effective
dates, notes) before the header row, pad every line with empty columns and are Windows-1252
encoded; the third-party extracts are UTF-8 and may hold newlines inside quoted fields.
`read_table` finds the header row by its column names, so next quarter's file (whose first
column is `_2026_CODE`) reads the same way, and numbers rows by their first physical line.

Rows that do not fit are never fatal: a parser raises `RowProblem` for the row, `build_rows`
turns that into a `SkippedRow` appended to the caller's warnings list. Only a missing or
unreadable file, or one without the expected header, raises.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from medcodes.errors import SourceFormatError
from medcodes.sources.files import read_bytes

T = TypeVar("T")

Columns = dict[str, str]
"""Field name -> regex that the header cell must match in full (case-insensitive)."""


@dataclass(frozen=True, slots=True)
class SkippedRow:
    """A row, or part of one, that a parser left out, and why."""

    file: str
    line: int
    why: str


class RowProblem(Exception):
    """Raised by a row builder: the row is left out and recorded as a SkippedRow."""


@dataclass(frozen=True, slots=True)
class TableRow:
    """One data row: its first physical line and the raw cell of every known field."""

    line: int
    cells: dict[str, str]

    def text(self, field: str) -> str:
        """The cell with whitespace (including no-break spaces and newlines) collapsed."""
        return clean_text(self.cells[field])


def clean_text(text: str) -> str:
    """`text` on one line: runs of whitespace, no-break spaces and newlines become one space."""
    return " ".join(text.replace("\xa0", " ").split())


def note_skipped(warnings: list[SkippedRow] | None, path: Path, line: int, why: str) -> None:
    """Append a SkippedRow to `warnings` (when the caller keeps a list)."""
    if warnings is not None:
        warnings.append(SkippedRow(str(path), line, why))


def read_table(
    path: Path,
    required: Columns,
    optional: Columns | None = None,
    *,
    member: str | None = None,
    header_within: int = 20,
    warnings: list[SkippedRow] | None = None,
) -> Iterator[TableRow]:
    """Yield the data rows of CSV `path` (plain, `.gz` or zip member) below its header row.

    The header is the first of the first `header_within` rows naming every `required` column;
    `optional` columns the file lacks read as "". Blank rows (padding) are passed over; a row
    too short to reach a required column is recorded in `warnings` and left out.
    """
    text = _decode(read_bytes(path, member))
    records = _Records(path, text)
    positions = _find_header(path, records, required, header_within)
    found = _locate(records.header, optional or {})
    needed = max(positions.values()) + 1
    for line, cells in records:
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) < needed:
            note_skipped(warnings, path, line, f"only {len(cells)} columns, need {needed}")
            continue
        values = {field: cells[index].strip() for field, index in positions.items()}
        values |= {f: cells[i].strip() if i < len(cells) else "" for f, i in found.items()}
        values |= {f: "" for f in (optional or {}) if f not in found}
        yield TableRow(line, values)


def read_banner(
    path: Path, required: Columns, *, member: str | None = None, header_within: int = 20
) -> list[str]:
    """The non-empty cells above the header row, one line each: a CMS file's title,
    effective dates and notes."""
    records = _Records(path, _decode(read_bytes(path, member)))
    lines: list[str] = []
    for line, cells in records:
        if len(_locate(cells, required)) == len(required) or line >= header_within:
            break
        lines.extend(text for text in map(clean_text, cells) if text)
    return lines


def build_rows(
    path: Path,
    rows: Iterable[TableRow],
    build: Callable[[TableRow], T],
    warnings: list[SkippedRow] | None,
) -> Iterator[T]:
    """`build(row)` for every row; a row whose builder raises RowProblem goes to `warnings`."""
    for row in rows:
        try:
            yield build(row)
        except RowProblem as exc:
            note_skipped(warnings, path, row.line, str(exc))


def _decode(data: bytes) -> str:
    """UTF-8 (with or without BOM), else Windows-1252 as CMS spreadsheets are exported."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


class _Records:
    """The CSV records of a text with their first physical line; `header` once found."""

    def __init__(self, path: Path, text: str) -> None:
        self.path = path
        self.reader = csv.reader(io.StringIO(text, newline=""))
        self.header: list[str] = []
        self.last_line = 0

    def __iter__(self) -> Iterator[tuple[int, list[str]]]:
        try:
            for cells in self.reader:
                first, self.last_line = self.last_line + 1, self.reader.line_num
                yield first, cells
        except csv.Error as exc:
            raise SourceFormatError(self.path, self.last_line + 1, f"not CSV: {exc}") from exc


def _find_header(
    path: Path, records: _Records, required: Columns, header_within: int
) -> dict[str, int]:
    for line, cells in records:
        positions = _locate(cells, required)
        if len(positions) == len(required):
            records.header = cells
            return positions
        if line >= header_within:
            break
    wanted = ", ".join(required.values())
    raise SourceFormatError(
        path, None, f"no header row with columns {wanted} in the first {header_within} rows"
    )


def _locate(header: list[str], columns: Columns) -> dict[str, int]:
    """Index of the first header cell matching each column's regex; unmatched ones omitted."""
    cells = [clean_text(cell) for cell in header]
    positions: dict[str, int] = {}
    for field, pattern in columns.items():
        for index, cell in enumerate(cells):
            if re.fullmatch(pattern, cell, re.IGNORECASE):
                positions[field] = index
                break
    return positions
