"""The CMS Alpha-Numeric HCPCS file (Level II codes and modifiers) and its processing notes.

Record layout "HCPCS Contractor Record" (`HCPC2026_recordlayout.txt`; the 2017-2019 layouts have
the same positions): 320-character fixed-width lines, 1-based columns:
  1-5 HCPCS code (a modifier is in 4-5, 1-3 blank), 6-10 sequence number, 11 record
  identification code (RIC): 3 = procedure, 4 = procedure description continued, 7 = modifier,
  8 = modifier description continued; 12-91 long description (continued over RIC 4/8 lines);
  92-119 short description; 120-293 administrative fields (`_FIELDS` below, dates `_DATES`);
  294-320 filler. Continuation lines hold nothing after column 91.

What the real files hold besides clean 320-character records, and what is accepted:
  * leading disclaimer lines (2018-2020) before the first record: skipped. A record starts with
    a code area (`[A-Z0-9 ]{5}`) and a 5-digit sequence number; after the first record every
    non-blank line must be a valid record;
  * blank lines (2026 ends with one of 296 spaces): skipped;
  * trailing filler trimmed: continuation lines of 91 characters (2017, 2020) or 316 (2019);
    a procedure or modifier record must still reach column 293 (the action code);
  * lines longer than 320 whose excess is blank (one 546-character record in 2026): accepted;
  * 2018 only: five records lost their ASC group "YY" and carry the ASC date two columns early
    (columns 231-238); `_realign_asc_date` moves the date back and leaves the group blank.
Text is latin-1 (records are ASCII; a disclaimer line of 2020 holds a cp1252 quote).
"""

from __future__ import annotations

import re
import zipfile
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from medcodes.errors import SourceFormatError
from medcodes.sources.files import ReleaseFound, open_text
from medcodes.sources.hcpcs_fields import FIELD_TABLES

HCPCS_MEMBER = r"ANWEB.*\.txt$"
PROC_NOTES_MEMBER = r"proc_notes.*\.txt$"

_RECORD_LENGTH = 320
_DESCRIPTION_END = 91  # last column of the long description
_MIN_RECORD_LENGTH = 293  # a procedure/modifier record must reach its action code
_RECORD_START = re.compile(r"[A-Z0-9 ]{5}\d{5}")
_PROCEDURE_CODE = re.compile(r"[A-Z0-9]{5}")
_MODIFIER_CODE = re.compile(r" {3}[A-Z0-9]{2}")
_FIRST_LINE = {"3": False, "7": True}  # RIC of a record's first line -> is a modifier
_CONTINUES = {"4": "3", "8": "7"}  # RIC of a continuation line -> RIC of its record


@dataclass(frozen=True, slots=True)
class HcpcsField:
    """One non-blank administrative field of a record, with its decoded meaning."""

    name: str  # layout field name as in the CMS .xlsx header: "PRICE1", "COV", "TOS2"
    label: str  # human label: "Pricing indicator"
    value: str  # raw value as in the file, stripped
    meaning: str  # words from the layout's code table; "" for free-form fields


@dataclass(frozen=True, slots=True)
class HcpcsRecord:
    """A procedure code or modifier: its first line joined with its continuation lines."""

    code: str  # "J9039", or "LT" for a modifier
    is_modifier: bool
    long_description: str
    short_description: str
    fields: tuple[HcpcsField, ...]  # non-blank administrative fields in layout order
    xrefs: tuple[str, ...]  # XREF1-XREF5, non-blank
    add_date: date | None
    action_effective_date: date | None
    termination_date: date | None
    action_code: str
    line: int  # line of the record's first line in the file


# (name, label, first column, last column) of the administrative fields, layout sections 9-30.
_FIELDS: tuple[tuple[str, str, int, int], ...] = (
    *((f"PRICE{n}", "Pricing indicator", 118 + 2 * n, 119 + 2 * n) for n in range(1, 5)),
    ("MULT_PI", "Multiple pricing indicator", 128, 128),
    *((f"CIM{n}", "Coverage Issues Manual reference", 123 + 6 * n, 128 + 6 * n) for n in (1, 2, 3)),
    *(
        (f"MCM{n}", "Medicare Carriers Manual reference", 139 + 8 * n, 146 + 8 * n)
        for n in (1, 2, 3)
    ),
    ("STATUTE", "Statute", 171, 180),
    *((f"LABCERT{n}", "Lab certification", 178 + 3 * n, 180 + 3 * n) for n in range(1, 9)),
    *((f"XREF{n}", "Cross-reference code", 200 + 5 * n, 204 + 5 * n) for n in range(1, 6)),
    ("COV", "Coverage code", 230, 230),
    ("ASC_GRP", "ASC payment group", 231, 232),
    ("ASC_DT", "ASC payment group effective date", 233, 240),
    ("OPPS", "Outpatient (MOG) payment group", 241, 243),
    ("OPPS_PI", "Outpatient (MOG) payment policy indicator", 244, 244),
    ("OPPS_DT", "Outpatient (MOG) payment group effective date", 245, 252),
    ("PROCNOTE", "Processing note", 253, 256),
    ("BETOS", "BETOS code", 257, 259),
    *((f"TOS{n}", "Type of service", 260 + n, 260 + n) for n in range(1, 6)),
    ("ANEST_BU", "Anesthesia base units", 266, 268),
    ("ACTION_CD", "Action code", 293, 293),
)
ADMINISTRATIVE_FIELDS = tuple(name for name, *_ in _FIELDS)
# Dates (YYYYMMDD) checked on every record; the last three become HcpcsRecord attributes.
_DATES: tuple[tuple[str, int, int], ...] = (
    ("ASC_DT", 233, 240),
    ("OPPS_DT", 245, 252),
    ("ADD_DT", 269, 276),
    ("ACT_EFF_DT", 277, 284),
    ("TERM_DT", 285, 292),
)


def parse_hcpcs(path: Path, member: str = HCPCS_MEMBER) -> list[HcpcsRecord]:
    """Every procedure and modifier record of an Alpha-Numeric HCPCS file, in file order.

    `path` is the CMS zip (the member matching regex `member` is read), a `.gz` or the plain
    .txt. Raises SourceFormatError naming file and line for anything that does not fit the
    layout.
    """
    return [_build_record(path, group) for group in _record_groups(path, member)]


# A quarter's release dates its own changes (ACT EFF DT) on its first day; a few records
# announce later quarters early (2018-01 holds one record each for 2018-04 and 2018-07), so a
# quarter counts only when at least this many records take effect on it.
RELEASE_MIN_RECORDS = 10
QUARTER_MONTHS = (1, 4, 7, 10)
_PREAMBLE_LINES = 40  # disclaimer lines before the first record (2018-2020 hold a few)


def identify_release(path: Path, member: str | None = HCPCS_MEMBER) -> ReleaseFound | None:
    """The release an Alpha-Numeric fixed-width file holds, or None if it is not one.

    The records carry no release name, so the release is the latest quarter (January, April,
    July, October 1) on which at least RELEASE_MIN_RECORDS records take effect (ACT EFF DT,
    columns 277-284): the quarter whose changes the file brings. Stops after the first
    lines of a file that holds no record; an unreadable file raises SourceFormatError.
    """
    effective: Counter[date] = Counter()
    records = 0
    for number, line in _numbered_lines(path, member):
        if _RECORD_START.match(line) and len(line) >= _MIN_RECORD_LENGTH and line[10] in "37":
            records += 1
            day = _ymd(line[276:284])
            if day is not None and day.day == 1 and day.month in QUARTER_MONTHS:
                effective[day] += 1
        elif not records and number >= _PREAMBLE_LINES:
            return None
    quarters = [day for day, count in effective.items() if count >= RELEASE_MIN_RECORDS]
    return release_of_quarter(max(quarters)) if quarters else None


def release_of_quarter(day: date) -> ReleaseFound:
    """HCPCS releases are quarterly and named by their month of effect: 2026-07-01 -> 2026-07."""
    return ReleaseFound(f"{day.year}-{day.month:02d}", day)


def _record_groups(path: Path, member: str) -> list[list[tuple[int, str]]]:
    """The record lines of the file, grouped: a RIC 3/7 line followed by its continuations."""
    groups: list[list[tuple[int, str]]] = []
    number = 0
    for number, line in _numbered_lines(path, member):
        if not line.strip() or (not groups and not _RECORD_START.match(line)):
            continue
        record = _check_line(path, number, line)
        ric = record[10]
        if ric in _FIRST_LINE:
            groups.append([(number, record)])
        else:
            _check_continuation(path, number, record, groups)
            groups[-1].append((number, record))
    if not groups:
        raise SourceFormatError(path, max(number, 1), "no HCPCS records (empty or truncated file)")
    return groups


def _numbered_lines(path: Path, member: str | None) -> Iterator[tuple[int, str]]:
    """(line number, line without its end-of-line) of a latin-1 text file; read errors named."""
    try:
        with open_text(path, member=member, encoding="latin-1") as fh:
            for number, raw in enumerate(fh, start=1):
                yield number, raw.rstrip("\r\n")
    except (EOFError, OSError, zipfile.BadZipFile) as exc:  # truncated gzip, bad zip member
        raise SourceFormatError(path, None, f"cannot read: {exc}") from exc


def _check_line(path: Path, number: int, line: str) -> str:
    """The line padded to 320 columns, after checking its shape and record identification code."""
    if not _RECORD_START.match(line):
        raise SourceFormatError(
            path, number, "not a HCPCS record (no code in columns 1-5 and number in 6-10)"
        )
    if len(line) < 11:
        raise SourceFormatError(path, number, f"line too short ({len(line)} characters)")
    ric = line[10]
    if ric not in _FIRST_LINE and ric not in _CONTINUES:
        raise SourceFormatError(
            path, number, f"unknown record identification code {ric!r} (layout: 3, 4, 7, 8)"
        )
    if line[_RECORD_LENGTH:].strip():
        raise SourceFormatError(
            path, number, f"record longer than {_RECORD_LENGTH} characters ({len(line)})"
        )
    if ric in _FIRST_LINE and len(line) < _MIN_RECORD_LENGTH:
        raise SourceFormatError(
            path,
            number,
            f"record too short ({len(line)} characters; fields run to column {_MIN_RECORD_LENGTH})",
        )
    return line[:_RECORD_LENGTH].ljust(_RECORD_LENGTH)


def _check_continuation(
    path: Path, number: int, line: str, groups: list[list[tuple[int, str]]]
) -> None:
    """A RIC 4/8 line must continue a record of the same code and kind and hold only text."""
    code = line[:5].strip()
    if not groups:
        raise SourceFormatError(path, number, f"continuation line of {code} with no record before")
    first = groups[-1][0][1]
    if first[10] != _CONTINUES[line[10]] or first[:5] != line[:5]:
        raise SourceFormatError(
            path,
            number,
            f"continuation line (RIC {line[10]}) of {code} follows record "
            f"{first[:5].strip()} (RIC {first[10]})",
        )
    if not line[11:_DESCRIPTION_END].strip():
        raise SourceFormatError(path, number, f"continuation line of {code} has no description")
    if line[_DESCRIPTION_END:].strip():
        raise SourceFormatError(
            path, number, f"continuation line of {code} holds data after column {_DESCRIPTION_END}"
        )


def _build_record(path: Path, group: list[tuple[int, str]]) -> HcpcsRecord:
    number, line = group[0]
    line = _realign_asc_date(line)
    values = {name: line[start - 1 : end] for name, _, start, end in _FIELDS}
    values.update((name, line[start - 1 : end]) for name, start, end in _DATES)
    return record_from_values(
        path,
        number,
        code_area=line[:5],
        ric=line[10],
        long_description=" ".join(text[11:_DESCRIPTION_END].strip() for _, text in group),
        short_description=line[91:119],
        values=values,
        line=number,
    )


def record_from_values(
    path: Path,
    where: int | str,
    *,
    code_area: str,
    ric: str,
    long_description: str,
    short_description: str,
    values: Mapping[str, str],
    line: int,
) -> HcpcsRecord:
    """A record from its layout values, however the file laid them out (fixed-width columns or
    workbook cells): the one place fields are decoded and dates checked, so that both formats
    of a release give equal records. `values` maps the layout's field names (`PRICE1`,
    `ADD_DT`, ...) to raw text; `where` names the place for errors (a line number, or
    "sheet S, row N"), `line` is the line or row number kept on the record."""
    if ric not in _FIRST_LINE:
        raise SourceFormatError(
            path, where, f"unknown record identification code {ric!r} (layout: 3, 7)"
        )
    is_modifier = _FIRST_LINE[ric]
    dates = {name: _date(path, where, name, values.get(name, "")) for name, _, _ in _DATES}
    fields = tuple(_fields(path, where, values))
    return HcpcsRecord(
        code=_code(path, where, code_area, is_modifier),
        is_modifier=is_modifier,
        long_description=_one_line(long_description),
        short_description=_one_line(short_description),
        fields=fields,
        xrefs=tuple(f.value for f in fields if f.name.startswith("XREF")),
        add_date=dates["ADD_DT"],
        action_effective_date=dates["ACT_EFF_DT"],
        termination_date=dates["TERM_DT"],
        action_code=values.get("ACTION_CD", "").strip(),
        line=line,
    )


def _one_line(text: str) -> str:
    """A description with its spacing made plain: the fixed-width file joins its 80-column
    pieces with one space where the workbook keeps the original double spaces."""
    return " ".join(text.split())


def _code(path: Path, where: int | str, code_area: str, is_modifier: bool) -> str:
    """Columns 1-5: a 5-character procedure code, or blanks and a 2-character modifier."""
    pattern = _MODIFIER_CODE if is_modifier else _PROCEDURE_CODE
    if not pattern.fullmatch(code_area):
        kind = "modifier (columns 4-5)" if is_modifier else "procedure code (columns 1-5)"
        raise SourceFormatError(path, where, f"{code_area!r} is not a valid {kind}")
    return code_area.strip()


def _realign_asc_date(line: str) -> str:
    """Repair the 2018 shift: an ASC date written in columns 231-238 instead of 233-240."""
    shifted = line[230:238]
    if _ymd(shifted) is not None and not line[238:240].strip():
        return line[:230] + "  " + shifted + line[240:]
    return line


def _fields(path: Path, where: int | str, values: Mapping[str, str]) -> Iterator[HcpcsField]:
    for name, label, _, _ in _FIELDS:
        value = values.get(name, "").strip()
        if value:
            yield HcpcsField(name, label, value, _meaning(path, where, name, value))


def _meaning(path: Path, where: int | str, name: str, value: str) -> str:
    """Words for a coded value; "" for a free-form field. Unknown codes are errors."""
    if name == "ANEST_BU" and not (value.isascii() and value.isdigit()):
        raise SourceFormatError(path, where, f"anesthesia base units {value!r} is not a number")
    table = FIELD_TABLES.get(name)
    if table is None:
        return ""
    if value not in table:
        raise SourceFormatError(path, where, f"unknown coded value {value!r} for field {name}")
    return table[value]


def _ymd(raw: str) -> date | None:
    """The date of 8 ASCII digits YYYYMMDD, else None."""
    if not (len(raw) == 8 and raw.isascii() and raw.isdigit()):
        return None
    try:
        return date(int(raw[:4]), int(raw[4:6]), int(raw[6:8]))
    except ValueError:
        return None


def _date(path: Path, where: int | str, name: str, raw: str) -> date | None:
    """A YYYYMMDD field; blank is None."""
    if not raw.strip():
        return None
    parsed = _ymd(raw)
    if parsed is None:
        raise SourceFormatError(path, where, f"invalid date {raw!r} in {name} (YYYYMMDD)")
    return parsed


_NOTE_START = re.compile(r"\s*(\d{4})--(.*)")
_NOTE_BORDER = re.compile(r"\s*\*?\s*$")  # the right-hand border of asterisks


def parse_processing_notes(path: Path) -> dict[str, str]:
    """Processing-note number ("0088") -> its full text, from `proc_notes_*.txt`.

    `path` is the plain file or the CMS zip holding it. A note starts `NNNN--text` and runs
    on over indented lines; the right-hand `*` border and line wraps are removed.
    """
    notes: dict[str, list[str]] = {}
    current: list[str] | None = None
    number = 0
    for number, line in _numbered_lines(path, PROC_NOTES_MEMBER):
        text = _NOTE_BORDER.sub("", line).strip()
        start = _NOTE_START.match(line)
        if start:
            current = _new_note(path, number, start.group(1), notes)
            text = _NOTE_BORDER.sub("", start.group(2)).strip()
        if current is not None and text:
            current.append(text)
    if not notes:
        raise SourceFormatError(path, max(number, 1), "no processing notes (NNNN--text)")
    return {key: " ".join(parts) for key, parts in notes.items()}


def _new_note(path: Path, number: int, key: str, notes: dict[str, list[str]]) -> list[str]:
    if key in notes:
        raise SourceFormatError(path, number, f"processing note {key} appears twice")
    notes[key] = []
    return notes[key]
