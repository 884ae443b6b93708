"""The CMS Alpha-Numeric HCPCS workbook (.xlsx): the same release as the fixed-width file,
one spreadsheet row per code or modifier.

CMS ships every quarterly release both ways; some quarters (July 2026 here) are to be had only
as the workbook. Its one sheet (`HCPC2026_JUL_contr`, `HCPC2026_JAN_ANWEB`) has a header row
naming the 48 fields of the record layout (`HCPC2026_recordlayout.txt`), in the layout's order:
`HCPC, SEQNUM, RECID, LONG DESCRIPTION, SHORT DESCRIPTION, PRICE1 ... ACTION CD`. `HCPC` holds a
modifier left-padded to five characters (`'   A1'`) as in columns 1-5 of the fixed-width record;
the long description is already joined. Rows are decoded by the fixed-width parser's own
`record_from_values`, so both formats of one release give equal records.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from medcodes.errors import SourceFormatError
from medcodes.sources.files import ReleaseFound
from medcodes.sources.hcpcs import (
    ADMINISTRATIVE_FIELDS,
    HcpcsRecord,
    record_from_values,
    release_of_quarter,
)
from medcodes.sources.workbook import sheet_names, sheet_rows

# The header row, as CMS spells it: identification, descriptions, administrative fields in
# layout order, then the four dates and action code of layout sections 31-34.
IDENTITY = ("HCPC", "SEQNUM", "RECID")
DESCRIPTIONS = ("LONG DESCRIPTION", "SHORT DESCRIPTION")
TRAILER = ("ADD DT", "ACT EFF DT", "TERM DT", "ACTION CD")
COLUMNS: tuple[str, ...] = (
    *IDENTITY,
    *DESCRIPTIONS,
    *(name for name in ADMINISTRATIVE_FIELDS if name != "ACTION_CD"),
    *TRAILER,
)
# "HCPC2026_JUL_contr", "HCPC2026_JAN_ANWEB": the year and month of the release it holds.
RELEASE_SHEET = re.compile(r"HCPC(\d{4})_(JAN|APR|JUL|OCT)", re.IGNORECASE)
MONTHS = {"JAN": 1, "APR": 4, "JUL": 7, "OCT": 10}


def identify_workbook(path: Path, member: str | None = None) -> ReleaseFound | None:
    """The release an Alpha-Numeric HCPCS workbook holds, from its sheet name; else None.

    Only the workbook's sheet list is read (no cells). A workbook that cannot be opened raises
    SourceFormatError; the header is checked when the sheet is parsed, so a release sheet with
    a missing column stops the build instead of being skipped silently.
    """
    found = _release_sheet(path, member)
    return found[1] if found else None


def parse_hcpcs_workbook(path: Path, member: str | None = None) -> list[HcpcsRecord]:
    """Every procedure and modifier row of the workbook's release sheet, in sheet order.

    `member` is the regex of the workbook inside a zip (None: `path` is the .xlsx). Raises
    SourceFormatError naming the file, sheet and row for a missing column, a row that does
    not fit the layout, or an unreadable workbook.
    """
    found = _release_sheet(path, member)
    if found is None:
        raise SourceFormatError(path, member, "no HCPCS release sheet (HCPCyyyy_MON_...)")
    sheet = found[0]
    rows = sheet_rows(path, sheet, member)
    header_row = next(rows, None)
    if header_row is None:
        raise SourceFormatError(path, f"sheet {sheet}", "the sheet is empty (no header row)")
    position = _column_positions(path, sheet, *header_row)
    records = [_record(path, sheet, number, cells, position) for number, cells in rows]
    if not records:
        raise SourceFormatError(path, f"sheet {sheet}", "no code rows below the header")
    return records


def _release_sheet(path: Path, member: str | None) -> tuple[str, ReleaseFound] | None:
    for name in sheet_names(path, member):
        match = RELEASE_SHEET.match(name)
        if match:
            month = MONTHS[match.group(2).upper()]
            return name, release_of_quarter(date(int(match.group(1)), month, 1))
    return None


def _column_positions(
    path: Path, sheet: str, number: int, header: tuple[str, ...]
) -> dict[str, int]:
    """Where each layout column is; every one of the 48 must be there (any order)."""
    position = {name.strip().upper(): index for index, name in enumerate(header) if name}
    missing = [name for name in COLUMNS if name not in position]
    if missing:
        raise SourceFormatError(
            path,
            f"sheet {sheet}, row {number}",
            f"header lacks column(s) {', '.join(missing)} of the HCPCS record layout",
        )
    return position


def _record(
    path: Path, sheet: str, number: int, cells: tuple[str, ...], position: dict[str, int]
) -> HcpcsRecord:
    def cell(name: str) -> str:
        index = position[name]
        return cells[index] if index < len(cells) else ""

    values = {name.replace(" ", "_"): cell(name) for name in COLUMNS[5:]}
    ric = cell("RECID").strip()
    # A modifier sits in columns 4-5 of the record (the sheet pads it the same way); a sheet
    # saved without the padding holds it as two characters.
    code = cell("HCPC").strip()
    code_area = code.rjust(5) if ric == "7" else code
    return record_from_values(
        path,
        f"sheet {sheet}, row {number}",
        code_area=code_area,
        ric=ric,
        long_description=cell("LONG DESCRIPTION"),
        short_description=cell("SHORT DESCRIPTION"),
        values=values,
        line=number,
    )
