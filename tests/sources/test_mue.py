"""The NCCI MUE practitioner table: Level II rows only, malformed rows reported and skipped."""

from __future__ import annotations

from pathlib import Path

import pytest

from medcodes.errors import SourceFormatError
from medcodes.sources.csv_table import SkippedRow
from medcodes.sources.mue import UnitEdit, parse_mue

MUE = "coverage/ncci-mue-2026-04/MCR_MUE_PractitionerServices_Eff_04-01-2026.csv"
HEADER = (
    '"CPT codes, descriptions and other data only are copyright 2025 American Medical '
    'Association.\nAll rights reserved.",,,\n'
    '"HCPCS/\nCPT Code",Practitioner Services MUE Values,MUE Adjudication Indicator,'
    "MUE Rationale\n"
)


@pytest.fixture(scope="module")
def edits(sources_dir: Path) -> dict[str, UnitEdit]:
    warnings: list[SkippedRow] = []
    found = {edit.hcpcs: edit for edit in parse_mue(sources_dir / MUE, warnings)}
    assert warnings == []
    return found


def test_level2_rows_only_as_provenance_counts(edits: dict[str, UnitEdit]) -> None:
    assert len(edits) == 4_592
    assert all(code[0].isalpha() and code[1:].isdigit() for code in edits)


def test_examples(edits: dict[str, UnitEdit]) -> None:
    assert edits["J9039"] == UnitEdit("J9039", 210, 3, "Prescribing Information", 13_393)
    assert (edits["A0428"].units, edits["A0428"].indicator) == (2, 3)
    assert (edits["E0431"].units, edits["E0431"].rationale) == (0, "CMS Policy")


def test_malformed_rows_are_reported_with_line(tmp_path: Path) -> None:
    path = tmp_path / "mue.csv"
    path.write_text(
        HEADER
        + "J9039,210,3 Date of Service Edit: Clinical,Prescribing Information\n"
        + "99213,3,2 Date of Service Edit: Policy,CMS Policy\n"
        + "J90,1,1 Line Edit,CMS Policy\n"
        + "A0428,two,3 Date of Service Edit: Clinical,Clinical: Data\n"
        + "A0429,1,7 Unknown,CMS Policy\n"
        + "E0431,0\n"
        + "E0431,0,3 Date of Service Edit: Clinical,CMS Policy\n"
    )
    warnings: list[SkippedRow] = []
    rows = list(parse_mue(path, warnings))
    assert [(row.hcpcs, row.line) for row in rows] == [("J9039", 5), ("E0431", 11)]
    assert [(w.file, w.line) for w in warnings] == [(str(path), line) for line in (7, 8, 9, 10)]
    assert "'two'" in warnings[1].why and "'7 Unknown'" in warnings[2].why
    assert "columns" in warnings[3].why


def test_cpt_rows_are_never_yielded(tmp_path: Path) -> None:
    path = tmp_path / "mue.csv"
    path.write_text(HEADER + "0001U,1,2 Date of Service Edit: Policy,Code Descriptor\n")
    assert list(parse_mue(path)) == []


def test_file_without_header_raises(tmp_path: Path) -> None:
    path = tmp_path / "mue.csv"
    path.write_text("J9039,210,3,Prescribing Information\n")
    with pytest.raises(SourceFormatError, match="no header row"):
        list(parse_mue(path))
