"""CMS's ICD-10-CM to CMS-HCC / RxHCC mapping workbook for one payment year (official .xlsx).

One sheet: title rows ("ICD-10-CM Codes, ESRD, CMS-HCC and RxHCC Models", "Includes ICD-10
codes valid in FY2025 and FY2026"), a header row, one row per diagnosis code (no dot: `E119`),
then notes. The header names each model's category column ("CMS-HCC Model Category V28",
"RxHCC Model Category V08", "CMS-HCC ESRD Model Category V24") and, for each, a column "...
for 2026 Payment Year" holding Yes or No. Columns are found by those names, so another
year's workbook with other models reads the same way.

A code that maps to two categories of a model repeats on a second row; that row holds `--`
for the models in which the code maps to one category only (CMS's note 1). An empty cell
means no category in that model. Note 2 names a few V28 categories with their labels
("HCC 223 [Heart Assist Device/Artificial Heart]"): the only labels the workbook gives.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from medcodes.errors import SourceFormatError
from medcodes.sources.csv_table import SkippedRow, clean_text, note_skipped
from medcodes.sources.files import read_bytes

_CATEGORY = re.compile(r"(?P<family>CMS-HCC|RxHCC)(?P<esrd> ESRD)? Model Category (?P<v>V\d\d)")
_PAYMENT = re.compile(r"(?P<model>.+ V\d\d) for (?P<year>\d{4}) Payment Year")
_CODE = re.compile(r"[A-Z]\d[0-9A-Z]{1,5}")
_COVERS = re.compile(r"FY\s?\d{4}")
_LABEL = re.compile(r"HCC (\d+) \[([^\]]+)\]")
_NOTE_MODEL = re.compile(r"\b(V\d\d) HCC \d+")
REPEATED = "--"  # a repeated row's cell for a model with one category only
_FLAGS = frozenset({"yes", "no", REPEATED})
HEADER_WITHIN = 10


@dataclass(frozen=True, slots=True)
class ModelCategory:
    """One model's category for a diagnosis code, and whether it counts for the payment year."""

    model: str  # "CMS-HCC V28", "CMS-HCC ESRD V24", "RxHCC V08"
    category: int
    used_for_payment: bool


@dataclass(frozen=True, slots=True)
class DiagnosisCategories:
    """One row of the workbook: a diagnosis code and its categories (models without one are
    left out; a code repeats on a second row for a second category)."""

    code: str  # as published, without the dot: E119
    categories: tuple[ModelCategory, ...]
    line: int  # the sheet's row number


@dataclass(frozen=True, slots=True)
class CategoryLabel:
    model: str
    category: int
    label: str


@dataclass(frozen=True, slots=True)
class RiskWorkbook:
    """What one mapping workbook says: its title, which ICD-10-CM years it covers, the
    payment year, the models it holds, its rows, notes, and the labels its notes give."""

    title: str
    covers: tuple[str, ...]  # ("FY2025", "FY2026")
    payment_year: int
    models: tuple[str, ...]
    rows: tuple[DiagnosisCategories, ...]
    notes: tuple[str, ...]
    labels: tuple[CategoryLabel, ...]


@dataclass(frozen=True, slots=True)
class _Columns:
    categories: dict[str, int]  # model -> column
    used: dict[str, int]  # model -> its "for YYYY Payment Year" column
    payment_year: int


def parse_risk_workbook(path: Path, warnings: list[SkippedRow] | None = None) -> RiskWorkbook:
    """Read a CMS-HCC / RxHCC mapping workbook (`.xlsx`, or that file inside a `.zip`).

    A row with a malformed code or category is appended to `warnings` and left out; a
    workbook without the expected header raises SourceFormatError.
    """
    sheet = _rows(path)
    titles: list[str] = []
    columns: _Columns | None = None
    for line, cells in sheet:
        if columns is None and line > HEADER_WITHIN:
            break
        texts = [clean_text(str(cell)) if cell is not None else "" for cell in cells]
        columns = _header(texts)
        if columns is not None:
            break
        titles.extend(text for text in texts[:1] if text)
    if columns is None:
        raise SourceFormatError(
            path, None, "no header row with 'Diagnosis Code' and model category columns"
        )
    rows, notes = _body(path, sheet, columns, warnings)
    return RiskWorkbook(
        title=titles[0] if titles else "",
        covers=tuple(_COVERS.findall(" ".join(titles))),
        payment_year=columns.payment_year,
        models=tuple(columns.categories),
        rows=tuple(rows),
        notes=tuple(notes),
        labels=tuple(_labels(notes)),
    )


def _rows(path: Path) -> Any:
    """(row number, cell values) of the workbook's first sheet."""
    import io
    import zipfile

    from openpyxl import load_workbook  # only the build reads workbooks

    data = read_bytes(path, r"\.xlsx$")
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise SourceFormatError(path, None, f"not a readable .xlsx workbook ({exc})") from exc
    return enumerate(book.worksheets[0].iter_rows(values_only=True), start=1)


def _header(texts: list[str]) -> _Columns | None:
    if not texts or texts[0].casefold() != "diagnosis code":
        return None
    categories: dict[str, int] = {}
    used: dict[str, int] = {}
    years: set[int] = set()
    for index, text in enumerate(texts):
        paid = _PAYMENT.fullmatch(text)
        found = _CATEGORY.search(text)
        if found is None:
            continue
        model = _model_name(found)
        if paid:
            used[model] = index
            years.add(int(paid.group("year")))
        else:
            categories[model] = index
    if not categories or set(used) != set(categories) or len(years) != 1:
        return None
    return _Columns(categories, used, years.pop())


def _model_name(found: re.Match[str]) -> str:
    return f"{found['family']}{' ESRD' if found['esrd'] else ''} {found['v']}"


def _body(
    path: Path, sheet: Any, columns: _Columns, warnings: list[SkippedRow] | None
) -> tuple[list[DiagnosisCategories], list[str]]:
    """The data rows (blank rows passed over), and the notes below the row "Notes:"."""
    rows: list[DiagnosisCategories] = []
    notes: list[str] = []
    in_notes = False
    for line, cells in sheet:
        first = clean_text(str(cells[0])) if cells and cells[0] is not None else ""
        if first.casefold() == "notes:":
            in_notes = True
        elif in_notes and first:
            notes.append(first)
        if in_notes:
            continue
        if not any(cell not in (None, "") for cell in cells):
            continue
        problem = _row_problem(first, cells, columns)
        if problem:
            note_skipped(warnings, path, line, problem)
            continue
        rows.append(DiagnosisCategories(first, tuple(_categories(cells, columns)), line))
    return rows, notes


def _row_problem(code: str, cells: tuple[Any, ...], columns: _Columns) -> str | None:
    if not _CODE.fullmatch(code):
        return f"diagnosis code {code!r} is not an ICD-10-CM code without its dot"
    width = max(*columns.categories.values(), *columns.used.values()) + 1
    if len(cells) < width:
        return f"only {len(cells)} columns, need {width}"
    for model, index in columns.categories.items():
        value = cells[index]
        if value not in (None, "", REPEATED) and not str(value).strip().isdigit():
            return f"{model} category {value!r} is not a number"
        flag = cells[columns.used[model]]
        if str(flag).strip().casefold() not in _FLAGS:
            return f"{model} payment-year cell {flag!r} is not Yes, No or {REPEATED}"
    return None


def _categories(cells: tuple[Any, ...], columns: _Columns) -> list[ModelCategory]:
    return [
        ModelCategory(model, int(str(cells[index]).strip()), _yes(cells[columns.used[model]]))
        for model, index in columns.categories.items()
        if cells[index] not in (None, "", REPEATED)
    ]


def _yes(value: Any) -> bool:
    return str(value).strip().casefold() == "yes"


def _labels(notes: list[str]) -> list[CategoryLabel]:
    """Category labels the notes state ("V28 HCC 223 [Heart Assist Device/Artificial Heart]"),
    each under the model the note names first."""
    labels: dict[tuple[str, int], CategoryLabel] = {}
    for note in notes:
        model = _NOTE_MODEL.search(note)
        if model is None:
            continue
        name = f"CMS-HCC {model.group(1)}"
        for number, label in _LABEL.findall(note):
            labels.setdefault((name, int(number)), CategoryLabel(name, int(number), label))
    return list(labels.values())
