"""CMS NCCI Medically Unlikely Edits (MUE), practitioner services table, as CMS publishes it.

The CSV opens with the AMA's copyright notice (one quoted cell spanning several lines), then
the header `HCPCS/CPT Code, Practitioner Services MUE Values, MUE Adjudication Indicator, MUE
Rationale`, then one row per code: the most units of service Medicare pays for one patient
on one date of service, the adjudication indicator as CMS writes it ("3 Date of Service Edit:
Clinical"), and the rationale ("Prescribing Information"). Windows-1252.

Most rows are CPT codes (numbers, no descriptors). medcodes carries no CPT: only HCPCS Level II
rows (a letter and four digits) are yielded; CPT rows are passed over without being kept.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from medcodes.sources.csv_table import RowProblem, SkippedRow, TableRow, build_rows, read_table

LEVEL2 = re.compile(r"[A-Z]\d{4}")
CPT = re.compile(r"\d{4}[0-9A-Z]")
# MUE Adjudication Indicator: "1 Line Edit", "2 Date of Service Edit: Policy", "3 ...: Clinical".
_INDICATOR = re.compile(r"([123])\b.*")
_COLUMNS = {
    "code": r"HCPCS/ ?CPT Code",
    "units": r"Practitioner Services MUE Values",
    "indicator": r"MUE Adjudication Indicator",
    "rationale": r"MUE Rationale",
}


@dataclass(frozen=True, slots=True)
class UnitEdit:
    """One HCPCS Level II code's MUE: units per patient per date of service (or per line)."""

    hcpcs: str
    units: int
    indicator: int  # 1 line edit, 2 date-of-service edit (policy), 3 (clinical)
    rationale: str
    line: int


def parse_mue(path: Path, warnings: list[SkippedRow] | None = None) -> Iterator[UnitEdit]:
    """Yield the Level II rows of an MUE table (plain, `.gz` or zip member).

    A row whose code is neither Level II nor CPT, whose units are not a whole number, or
    whose indicator is not 1, 2 or 3 is appended to `warnings` and left out.
    """
    rows = read_table(path, _COLUMNS, member=r"\.csv$", warnings=warnings)
    return (edit for edit in build_rows(path, rows, _unit_edit, warnings) if edit is not None)


def _unit_edit(row: TableRow) -> UnitEdit | None:
    code = row.text("code").upper()
    if CPT.fullmatch(code):
        return None  # CPT (the AMA's): never kept
    if not LEVEL2.fullmatch(code):
        raise RowProblem(f"code {code!r} is neither HCPCS Level II nor CPT")
    units = row.text("units")
    if not units.isdigit():
        raise RowProblem(f"MUE value {units!r} is not a whole number of units")
    indicator = _INDICATOR.fullmatch(row.text("indicator"))
    if indicator is None:
        raise RowProblem(f"adjudication indicator {row.text('indicator')!r} is not 1, 2 or 3")
    return UnitEdit(code, int(units), int(indicator.group(1)), row.text("rationale"), row.line)
