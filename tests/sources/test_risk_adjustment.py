"""The CMS-HCC / RxHCC mapping workbook: models by header name, repeats, notes, bad rows."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook

from medcodes.errors import SourceFormatError
from medcodes.sources.csv_table import SkippedRow
from medcodes.sources.risk_adjustment import (
    CategoryLabel,
    ModelCategory,
    RiskWorkbook,
    parse_risk_workbook,
)

WORKBOOK = "risk-adjustment/cms-hcc-py2026/2026-icd10-cm-mappings-cms-hcc-rxhcc.xlsx"
HEADER = (
    "Diagnosis\nCode",
    "Description",
    "CMS-HCC\nModel\nCategory\nV28",
    "RxHCC\nModel\nCategory\nV08",
    "CMS-HCC\nModel\nCategory\nV28 for 2026\nPayment Year",
    "RxHCC\nModel\nCategory\nV08 for 2026\nPayment Year",
)


@pytest.fixture(scope="module")
def book(sources_dir: Path) -> RiskWorkbook:
    warnings: list[SkippedRow] = []
    parsed = parse_risk_workbook(sources_dir / WORKBOOK, warnings)
    assert warnings == []
    return parsed


def test_counts_and_what_the_workbook_says_of_itself(book: RiskWorkbook) -> None:
    assert len(book.rows) == 11_865  # PROVENANCE: 11,870 less the five note rows
    assert book.title == "ICD-10-CM Codes, ESRD, CMS-HCC and RxHCC Models"
    assert (book.covers, book.payment_year) == (("FY2025", "FY2026"), 2026)
    assert book.models == (
        "CMS-HCC ESRD V21",
        "CMS-HCC ESRD V24",
        "CMS-HCC V22",
        "CMS-HCC V28",
        "RxHCC V08",
    )
    assert book.notes[0].startswith("1. If an ICD-10 code includes clinical concepts")


def test_e119(book: RiskWorkbook) -> None:
    (row,) = [row for row in book.rows if row.code == "E119"]
    found = {item.model: (item.category, item.used_for_payment) for item in row.categories}
    assert found["CMS-HCC V28"] == (38, True)
    assert found["CMS-HCC ESRD V24"] == (19, True)
    assert found["RxHCC V08"] == (31, True)


def test_no_category_and_repeated_rows(book: RiskWorkbook) -> None:
    (hypertension,) = [row for row in book.rows if row.code == "I10"]
    assert hypertension.categories == (ModelCategory("RxHCC V08", 187, True),)
    repeated = [row for row in book.rows if row.code == "E0821"]
    assert len(repeated) == 2
    assert len(repeated[1].categories) < len(repeated[0].categories)  # "--" cells left out


def test_labels_only_from_the_notes(book: RiskWorkbook) -> None:
    labels = {(label.model, label.category): label.label for label in book.labels}
    assert labels[("CMS-HCC V28", 223)] == "Heart Assist Device/Artificial Heart"
    assert labels[("CMS-HCC V28", 226)] == "Heart Failure, Except End Stage and Acute"
    assert len(labels) == 6


def write_workbook(path: Path, rows: list[tuple]) -> Path:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def test_bad_rows_are_reported_with_row_number(tmp_path: Path) -> None:
    path = write_workbook(
        tmp_path / "mapping.xlsx",
        [
            ("ICD-10-CM Codes, CMS-HCC and RxHCC Models",),
            ("Includes ICD-10 codes valid in FY2026 and FY2027",),
            HEADER,
            ("E119", "Type 2 diabetes", 38, 31, "Yes", "Yes"),
            ("E11.9", "dotted", 38, 31, "Yes", "Yes"),
            ("E1165", "Hyperglycemia", "thirty", "", "Yes", "No"),
            ("E1122", "Short"),
            ("R05", "Cough", "", "", "No", "No"),
            (None,),
            ("Notes:",),
            ("1. V28 HCC 38 [Diabetes with Glycemic, Unspecified, or No Complications].",),
        ],
    )
    warnings: list[SkippedRow] = []
    book = parse_risk_workbook(path, warnings)
    assert [row.code for row in book.rows] == ["E119", "R05"]
    assert book.rows[1].categories == ()
    assert [(w.file, w.line) for w in warnings] == [(str(path), n) for n in (5, 6, 7)]
    assert "'thirty'" in warnings[1].why and "None is not Yes" in warnings[2].why
    assert book.covers == ("FY2026", "FY2027")
    label = "Diabetes with Glycemic, Unspecified, or No Complications"
    assert book.labels == (CategoryLabel("CMS-HCC V28", 38, label),)


def test_workbook_without_header_raises(tmp_path: Path) -> None:
    path = write_workbook(tmp_path / "mapping.xlsx", [("Title",), ("E119", 38)])
    with pytest.raises(SourceFormatError, match="no header row"):
        parse_risk_workbook(path)


def test_not_a_workbook_raises(tmp_path: Path) -> None:
    path = tmp_path / "mapping.xlsx"
    path.write_bytes(b"not a zip")
    with pytest.raises(SourceFormatError, match="not a readable"):
        parse_risk_workbook(path)
