"""The CMS "order file" layout shared by ICD-10-CM and ICD-10-PCS releases.

Layout (CMS `icd10OrderFiles.pdf` / `icd10pcsOrderFile.pdf`), 1-based columns:
  1-5 order number (zero-padded), 7-13 code without dot (left-justified),
  15 flag: 1 = valid for HIPAA-covered transactions (billable), 0 = header,
  17-76 short description, 78-end long description.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from medcodes.errors import SourceFormatError
from medcodes.sources.files import open_text


@dataclass(frozen=True, slots=True)
class OrderRecord:
    """One row of an order file: a code (or header) with its two titles."""

    order: int
    code: str  # as in the file: no dot (`E119`, `0DTJ4ZZ`)
    billable: bool
    short_title: str
    long_title: str
    line: int


def parse_order_file(path: Path, member: str = r"order_\d{4}\.txt$") -> Iterator[OrderRecord]:
    """Yield every row of an order file (plain, `.gz` or the CMS zip).

    Raises SourceFormatError naming the line for a row that does not fit the layout.
    """
    with open_text(path, member=member, encoding="latin-1") as fh:
        for number, raw in enumerate(fh, start=1):
            line = raw.rstrip("\r\n")
            if not line.strip():
                continue
            yield _parse_order_line(path, number, line)


def _parse_order_line(path: Path, number: int, line: str) -> OrderRecord:
    if len(line) < 78:
        raise SourceFormatError(path, number, f"order-file row too short ({len(line)} < 78 chars)")
    order, code, flag = line[0:5], line[6:13].strip(), line[14]
    if not order.isdigit():
        raise SourceFormatError(path, number, f"order number {order!r} is not a number")
    if not code or not code.isalnum():
        raise SourceFormatError(path, number, f"code {code!r} is not alphanumeric")
    if flag not in "01":
        raise SourceFormatError(path, number, f"billable flag {flag!r} is neither 0 nor 1")
    long_title = line[77:].strip()
    if not long_title:
        raise SourceFormatError(path, number, "long description is empty")
    return OrderRecord(
        order=int(order),
        code=code,
        billable=flag == "1",
        short_title=line[16:76].strip(),
        long_title=long_title,
        line=number,
    )
