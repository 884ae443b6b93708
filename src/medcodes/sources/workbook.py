"""Reading official Excel workbooks (.xlsx) as CMS ships them, alone or inside a zip.

CMS publishes several files only as spreadsheets (the quarterly Alpha-Numeric HCPCS workbook,
payment-limit and edit tables). Cells are read as text exactly as shown in the sheet: every
value a layout defines as characters ("0010", "  0", "20260401") stays a string; a cell Excel
stored as a number is written back in its plain digits, never as 2.026e7.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any

from medcodes.errors import SourceFormatError
from medcodes.sources.files import open_binary

XLSX_MAGIC = b"PK\x03\x04"
_SHEET_NAME = re.compile(rb'<sheet\b[^>]*\bname="([^"]*)"')
Row = tuple[str, ...]


def is_workbook(head: bytes, names: list[str]) -> bool:
    """Whether a zip container (first bytes `head`, member `names`) is an .xlsx workbook."""
    return head.startswith(XLSX_MAGIC) and "xl/workbook.xml" in names


def sheet_names(path: Path, member: str | None = None) -> list[str]:
    """The workbook's sheet names, in order, read from `xl/workbook.xml` without loading cells.

    Cheap enough to call while sniffing a sources folder: no shared strings, no sheet XML.
    """
    with _workbook_zip(path, member) as archive:
        try:
            xml = archive.read("xl/workbook.xml")
        except KeyError as exc:
            raise SourceFormatError(
                path, member, "not an .xlsx workbook (no xl/workbook.xml)"
            ) from exc
    return [name.decode("utf-8") for name in _SHEET_NAME.findall(xml)]


def sheet_rows(path: Path, sheet: str, member: str | None = None) -> Iterator[tuple[int, Row]]:
    """(row number, cells as text) of one sheet, 1-based as Excel numbers them, blank rows
    skipped. A corrupt workbook raises SourceFormatError naming the file and, where it
    failed mid-sheet, the row."""
    import openpyxl  # ~0.2 s to import: only builds that read a workbook pay for it

    number = 0
    with _workbook_bytes(path, member) as data:
        try:
            book = openpyxl.load_workbook(data, read_only=True, data_only=True, keep_links=False)
        except Exception as exc:  # openpyxl raises anything from KeyError to XML errors
            raise SourceFormatError(path, member, f"not a readable .xlsx workbook ({exc})") from exc
        try:
            if sheet not in book.sheetnames:
                raise SourceFormatError(
                    path, member, f"no sheet {sheet!r} (sheets: {', '.join(book.sheetnames)})"
                )
            rows = book[sheet].iter_rows(values_only=True)
            for number, values in enumerate(rows, start=1):
                cells = tuple(_text(value) for value in values)
                if any(cells):
                    yield number, cells
        except SourceFormatError:
            raise
        except Exception as exc:  # a damaged sheet XML surfaces while iterating
            raise SourceFormatError(
                path, f"sheet {sheet}, row {number + 1}", f"unreadable workbook ({exc})"
            ) from exc
        finally:
            book.close()


def _text(value: Any) -> str:
    """A cell as the text the sheet shows: strings as they are, integral numbers as digits."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return str(value).upper()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date):
        return value.strftime("%Y%m%d")
    return str(value)


@contextmanager
def _workbook_bytes(path: Path, member: str | None) -> Iterator[IO[bytes]]:
    """The workbook as a seekable stream (a zip member is read into memory: openpyxl seeks)."""
    if member is None and path.suffix.lower() != ".zip":
        with path.open("rb") as fh:
            yield fh
        return
    with open_binary(path, member) as fh:
        yield io.BytesIO(fh.read())


@contextmanager
def _workbook_zip(path: Path, member: str | None) -> Iterator[zipfile.ZipFile]:
    with _workbook_bytes(path, member) as data:
        try:
            with zipfile.ZipFile(data) as archive:
                yield archive
        except zipfile.BadZipFile as exc:
            raise SourceFormatError(path, member, f"not a readable .xlsx workbook ({exc})") from exc
