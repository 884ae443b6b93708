"""Drug names onto HCPCS codes: CMS ASP files and the Table of Drugs extraction."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from medcodes.errors import SourceFormatError
from medcodes.sources import drugs
from medcodes.sources.csv_table import SkippedRow

ASP = "drugs/asp-2025-oct"
TABLE = "drugs/table-of-drugs-2019"

CROSSWALK_HEADER = (
    "_2025_CODE,Short Description,LABELER NAME,NDC2,Drug Name,HCPCS dosage,"
    "PKG SIZE,PKG QTY,BILLUNITS,BILLUNITSPKG,,,\n"
)


@pytest.fixture(scope="module")
def crosswalk(sources_dir: Path) -> list[drugs.AspCrosswalkRow]:
    path = sources_dir / ASP / "October_2025_ASP_NDC-HCPCS_Crosswalk.csv.gz"
    warnings: list[SkippedRow] = []
    rows = list(drugs.parse_asp_crosswalk(path, warnings))
    assert warnings == []
    return rows


def test_crosswalk_counts_match_provenance(crosswalk: list[drugs.AspCrosswalkRow]) -> None:
    assert len(crosswalk) == 8245
    assert sum(1 for row in crosswalk if drugs.LEVEL2.fullmatch(row.hcpcs)) == 8218
    assert len({row.hcpcs for row in crosswalk if drugs.LEVEL2.fullmatch(row.hcpcs)}) == 966


def test_crosswalk_blincyto_row(crosswalk: list[drugs.AspCrosswalkRow]) -> None:
    (row,) = [row for row in crosswalk if row.hcpcs == "J9039"]
    assert (row.short_description, row.labeler, row.ndc) == (
        "Injection, blinatumomab",
        "Amgen Inc",
        "55513-0160-01",
    )
    assert (row.drug_name, row.hcpcs_dosage) == ("Blincyto", "1 MCG")
    assert (row.billing_units, row.billing_units_per_package) == (Decimal(35), Decimal(35))
    assert row.line == 5586


def test_brand_names(crosswalk: list[drugs.AspCrosswalkRow]) -> None:
    names = drugs.brand_names_by_hcpcs(crosswalk)
    assert names["J9039"] == ("Blincyto",)
    assert names["J9271"] == ("Keytruda",)
    assert "Remicade" in names["J1745"]
    assert not any(code.startswith("90") for code in names)
    assert all(name == name.strip() for values in names.values() for name in values)


def test_brand_names_title_case_and_dedupe(tmp_path: Path) -> None:
    path = tmp_path / "crosswalk.csv"
    path.write_text(
        "October 2025 ASP NDC - HCPCS Crosswalk,,,\n\n"
        + CROSSWALK_HEADER
        + "J9039,Injection,Amgen,55513-0160-01,BLINCYTO ,1 MCG,1,1,35,35,,,\n"
        + "J9039,Injection,Amgen,55513-0160-02,Blincyto,1 MCG,1,1,35,35,,,\n"
        + "J0171,Adrenalin,X,1-2-3,EPINEPHRINE HCL,0.1 MG,1,1,1,1,,,\n"
        + "90371,Hep b ig im,Y,13533-0636-01,HyperHepB,1 ML,1,1,1,1,,,\n"
    )
    names = drugs.brand_names_by_hcpcs(drugs.parse_asp_crosswalk(path))
    assert names == {"J0171": ("Epinephrine HCl",), "J9039": ("Blincyto",)}


def test_crosswalk_malformed_rows_are_warnings(tmp_path: Path) -> None:
    path = tmp_path / "crosswalk.csv"
    path.write_text(
        CROSSWALK_HEADER
        + "J9039,Injection,Amgen,55513-0160-01,Blincyto,1 MCG,1,1,35,35\n"
        + "J90,Injection,Amgen,55513-0160-01,Blincyto,1 MCG,1,1,35,35\n"
        + "J9039,Injection,Amgen,55513-0160-01,Blincyto,1 MCG,one,1,35,35\n"
        + "J9039,Injection,Amgen\n"
        + ",,,,,,,,,\n"
    )
    warnings: list[SkippedRow] = []
    rows = list(drugs.parse_asp_crosswalk(path, warnings))
    assert [row.line for row in rows] == [2]
    assert [(w.line, w.file) for w in warnings] == [(3, str(path)), (4, str(path)), (5, str(path))]
    assert "'J90'" in warnings[0].why and "'one'" in warnings[1].why


def test_crosswalk_without_header_raises(tmp_path: Path) -> None:
    path = tmp_path / "crosswalk.csv"
    path.write_text("Title\nJ9039,Injection,Amgen\n")
    with pytest.raises(SourceFormatError, match="no header row"):
        list(drugs.parse_asp_crosswalk(path))


def test_pricing(sources_dir: Path) -> None:
    warnings: list[SkippedRow] = []
    path = sources_dir / ASP / "October_2025_ASP_Pricing_File.csv"
    rows = {row.hcpcs: row for row in drugs.parse_asp_pricing(path, warnings)}
    assert warnings == []
    assert len(rows) == 1012
    assert sum(1 for code in rows if not drugs.LEVEL2.fullmatch(code)) == 34  # CPT 90xxx/91xxx
    blincyto = rows["J9039"]
    assert (blincyto.short_description, blincyto.dosage) == ("Injection, blinatumomab", "1 MCG")
    assert blincyto.payment_limit == Decimal("164.253")
    assert blincyto.notes == "Inflation-adjusted coinsurance"
    assert rows["A9606"].payment_limit is None  # "N/A" in the file
    assert blincyto.coinsurance_percent == Decimal("18.259") and blincyto.awp_percent is None
    assert rows["P9041"].awp_percent == Decimal(95)  # blood product: 95% of AWP
    assert rows["J7170"].awp_percent is None


def test_pricing_banner_gives_quarter_and_notes(sources_dir: Path) -> None:
    banner = drugs.parse_asp_banner(sources_dir / ASP / "October_2025_ASP_Pricing_File.csv")
    assert banner.title == "Payment Allowance Limits for Medicare Part B Drugs"
    assert (banner.effective_from, banner.effective_through) == (
        date(2025, 10, 1),
        date(2025, 12, 31),
    )
    assert [note[:7] for note in banner.notes] == ["Note 1:", "Note 2:"]
    assert "based on 2Q25 ASP data" in banner.notes[0]


def test_crosswalk_banner(sources_dir: Path) -> None:
    path = sources_dir / ASP / "October_2025_ASP_NDC-HCPCS_Crosswalk.csv.gz"
    banner = drugs.parse_asp_banner(path)
    assert banner.title.startswith("October 2025 ASP NDC - HCPCS Crosswalk")
    assert banner.effective_through == date(2025, 12, 31)


def test_banner_without_dates(tmp_path: Path) -> None:
    path = tmp_path / "pricing.csv"
    path.write_text("Title only,,\nHCPCS Code,Short Description,HCPCS Code Dosage,Payment Limit\n")
    banner = drugs.parse_asp_banner(path)
    assert (banner.title, banner.effective_from, banner.notes) == ("Title only", None, ())


def test_pricing_bad_limit_is_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "pricing.csv"
    path.write_text(
        "Payment Allowance Limits,,,\n"
        "HCPCS Code,Short Description,HCPCS Code Dosage,Payment Limit\n"
        "J9039,Injection,1 MCG,164.253\n"
        "J9271,Inj pembrolizumab,1 MG,sixty\n"
    )
    warnings: list[SkippedRow] = []
    rows = list(drugs.parse_asp_pricing(path, warnings))
    assert [row.hcpcs for row in rows] == ["J9039"]
    assert [w.line for w in warnings] == [4]
    assert rows[0].coinsurance_percent is None and rows[0].notes == ""


def test_drug_table_entries(sources_dir: Path) -> None:
    warnings: list[SkippedRow] = []
    path = sources_dir / TABLE / "table_of_drugs_2019_entries.csv"
    entries = list(drugs.parse_drug_table_entries(path, warnings))
    assert len(entries) + len(warnings) == 765
    assert len(warnings) == 46
    by_name = {entry.drug_name: entry for entry in entries}
    assert by_name["Blinatumomab"] == drugs.DrugTableEntry(
        "Blinatumomab", "1 microgram", "IV", ("J9039",), 96
    )
    assert by_name["Tocilizumab"].codes == ("J3262",)
    suppository = by_name["Alprostadil, urethral suppository"]
    assert (suppository.unit, suppository.route) == ("", "OTH")
    assert not any(entry.drug_name[0].isdigit() for entry in entries)


def test_drug_table_fragments_are_warnings(tmp_path: Path) -> None:
    path = tmp_path / "entries.csv"
    path.write_text(
        "drug_name,unit,route,hcpcs_codes\n"
        "Abatacept,10 mg,IV,J0129\n"
        "<=3 mg,ORAL,,J0572\n"
        ",,,J7188\n"
        "Cimzia, see Certolizumab pegol,ORAL,,Q4079\n"
        '"Amphotericin B, lipid complex",10 mg,IV J0287-,J0289\n'
        "Bad code,1 mg,IV,J12\n"
        'Budesonide,0.25 mg,INH,"J7633,J7634"\n'
    )
    warnings: list[SkippedRow] = []
    entries = list(drugs.parse_drug_table_entries(path, warnings))
    assert [entry.codes for entry in entries] == [("J0129",), ("J7633", "J7634")]
    assert [w.line for w in warnings] == [3, 4, 5, 6, 7]


def test_see_references(sources_dir: Path) -> None:
    warnings: list[SkippedRow] = []
    path = sources_dir / TABLE / "table_of_drugs_2019_see_references.csv"
    references = list(drugs.parse_drug_see_references(path, warnings))
    assert len(references) + len(warnings) == 695
    assert drugs.DrugSeeReference("Actemra", "Tocilizumab", 7) in references
    assert all(not w.why.startswith("a 'see'") for w in warnings)


def test_see_reference_cut_off_is_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "see.csv"
    path.write_text('name,see\nActemra,Tocilizumab\nCytoxan,"Cyclophosphamide; and"\nX,\n')
    warnings: list[SkippedRow] = []
    assert [r.brand for r in drugs.parse_drug_see_references(path, warnings)] == ["Actemra"]
    assert [w.line for w in warnings] == [3, 4]


@pytest.mark.parametrize(
    ("published", "shown"),
    [
        ("BLINCYTO", "Blincyto"),
        ("ALBUTEROL SULFATE", "Albuterol Sulfate"),
        ("insulin aspart", "Insulin Aspart"),
        ("PROLASTIN-C", "Prolastin-C"),
        ("HyperHepB ", "HyperHepB"),
        ("Eylea\xa0HD", "Eylea HD"),
    ],
)
def test_display_name(published: str, shown: str) -> None:
    assert drugs.display_name(published) == shown
