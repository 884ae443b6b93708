"""Billing facts on the real catalog: NDC packages, payment limits, MUEs, CMS-HCC categories;
no CPT from the billing files anywhere in the catalog; bad rows and missing files."""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

import pytest

from medcodes.catalog.billing import BillingFacts, billing_facts, packages_for_ndcs
from medcodes.catalog.load_billing import BillingStep
from medcodes.catalog.read import Catalog
from medcodes.sources import drugs
from medcodes.sources.mue import CPT
from medcodes.sources.registry import SOURCES, Kind, Located, SourceFile, missing_optional

ASP = "drugs/asp-2025-oct"
MUE = "coverage/ncci-mue-2026-04/MCR_MUE_PractitionerServices_Eff_04-01-2026.csv"
BILLING_TABLES = ("ndc_packages", "payment_limits", "unit_limits", "risk_categories")


@pytest.fixture(scope="module")
def cat(built_catalog: Path) -> Catalog:
    with Catalog(built_catalog) as catalog:
        yield catalog


def facts(cat: Catalog, code: str) -> BillingFacts:
    found = billing_facts(cat, cat.get(code))
    assert found is not None
    return found


def test_j9039_ndc_payment_limit_and_mue(cat: Catalog) -> None:
    j9039 = facts(cat, "J9039")
    (package,) = j9039.ndcs
    assert package.summary == (
        "NDC 55513-0160-01 Blincyto (Amgen), 35 mcg per package = 35 units of J9039"
    )
    assert (package.units_per_package, package.dosage, package.labeler) == (
        "35",
        "1 MCG",
        "Amgen Inc",
    )
    assert j9039.ndc_source and j9039.ndc_source.effective_through == "2025-12-31"
    payment = j9039.payment
    assert payment and (payment.amount, payment.dosage) == ("164.253", "1 MCG")
    assert payment.summary == (
        "Medicare Part B payment limit, October to December 2025: $164.253 per 1 mcg"
    )
    assert payment.coinsurance == "Co-insurance: 18.259% of the allowed amount"
    assert payment.notes == "Inflation-adjusted coinsurance"
    assert "average sales price" in payment.basis
    assert any("2Q25 ASP data" in note for note in payment.file_notes)
    assert payment.source.file == f"{ASP}/October_2025_ASP_Pricing_File.csv"
    assert (payment.source.effective_from, payment.source.release) == ("2025-10-01", "2025-10")
    mue = j9039.unit_limit
    assert mue and (mue.units, mue.indicator, mue.effective_date) == (210, 3, "2026-04-01")
    assert mue.summary == (
        "Medicare pays at most 210 units of J9039 per patient per date of service "
        "(date-of-service edit, clinical; rationale: prescribing information; "
        "effective 2026-04-01)"
    )
    assert mue.source.file == MUE


def test_a0428_mue_and_no_invented_price(cat: Catalog) -> None:
    a0428 = facts(cat, "A0428")
    assert a0428.unit_limit and a0428.unit_limit.units == 2
    assert a0428.payment is None and a0428.ndcs == []  # not in the ASP files: no price


def test_e0431_mue_zero_is_explained(cat: Catalog) -> None:
    mue = facts(cat, "E0431").unit_limit
    assert mue and mue.units == 0
    assert mue.summary.startswith("Medicare pays no units of E0431 on a practitioner claim")
    assert mue.zero_meaning and "not pay this code as a separate line" in mue.zero_meaning


def test_vaccine_limit_is_a_share_of_awp(cat: Catalog) -> None:
    payment = facts(cat, "P9041").payment
    assert payment and "95% of the average wholesale price" in payment.basis


def test_e119_categories_all_used_for_2026(cat: Catalog) -> None:
    risk = facts(cat, "E11.9").risk
    assert risk and risk.payment_year == 2026
    found = {item.model: (item.category, item.used_for_payment) for item in risk.categories}
    assert found["CMS-HCC V28"] == (38, True)
    assert found["CMS-HCC ESRD V24"] == (19, True)
    assert found["RxHCC V08"] == (31, True)
    assert risk.categories[0].text == "CMS-HCC V28 category 38, used for 2026 payment"
    assert risk.source.file.endswith("2026-icd10-cm-mappings-cms-hcc-rxhcc.xlsx")


def test_code_without_mapping_says_no_cms_hcc_category(cat: Catalog) -> None:
    risk = facts(cat, "R05.9").risk
    assert risk and risk.categories == []
    assert "no cms-hcc category" in risk.summary.casefold()
    hypertension = facts(cat, "I10").risk
    assert hypertension and hypertension.summary.startswith("No CMS-HCC category")
    assert "RxHCC V08 category 187" in hypertension.summary


def test_fy2027_codes_are_not_covered_by_the_py2026_mapping(cat: Catalog) -> None:
    new = next(c for c in cat.release_changes("ICD10CM", "FY2027")["added"] if c.billable)
    risk = facts(cat, new.code).risk
    assert risk and risk.categories == []
    assert risk.summary.startswith("New in FY2027: the PY2026 mapping covers")


def test_labels_only_where_the_workbook_states_them(cat: Catalog) -> None:
    labelled = cat.conn.execute("SELECT code_id FROM risk_categories WHERE category = 226 "
                                "AND model = 'CMS-HCC V28' LIMIT 1").fetchone()  # fmt: skip
    risk = billing_facts(cat, cat.by_id(labelled[0])).risk
    assert risk and "(Heart Failure, Except End Stage and Acute)" in risk.summary
    assert all(item.label is None for item in facts(cat, "E11.9").risk.categories)


def test_codes_outside_the_billing_files_have_no_block(cat: Catalog) -> None:
    assert billing_facts(cat, cat.get("0DTJ4ZZ")) is None
    assert billing_facts(cat, cat.get("E11")) is None  # a header: categories are per code


def test_one_ndc_two_codes(cat: Catalog) -> None:
    found = packages_for_ndcs(cat, ["55513000204"])
    assert [p.code for p in found] == ["J0881", "J0882"]


def test_manifest_counts(cat: Catalog) -> None:
    rows = {s.kind: s.rows for s in cat.sources()}
    assert rows["asp-pricing"] == 1_012
    assert rows["mue-practitioner"] == 4_592
    assert rows["cms-hcc-mapping"] == 11_865
    (packages,) = cat.conn.execute("SELECT count(*) FROM ndc_packages").fetchone()
    assert packages == 8_218  # the crosswalk's Level II rows


def cpt_of_billing_files(sources_dir: Path) -> tuple[set[str], set[str]]:
    """The CPT codes and CPT short descriptors the ASP and MUE files hold."""
    codes: set[str] = set()
    texts: set[str] = set()
    asp = sources_dir / ASP
    for row in [
        *drugs.parse_asp_crosswalk(asp / "October_2025_ASP_NDC-HCPCS_Crosswalk.csv.gz"),
        *drugs.parse_asp_pricing(asp / "October_2025_ASP_Pricing_File.csv"),
    ]:
        if not drugs.LEVEL2.fullmatch(row.hcpcs):
            codes.add(row.hcpcs)
            texts.add(row.short_description.casefold())
    for line in (sources_dir / MUE).read_text(encoding="cp1252").splitlines():
        first = line.split(",", 1)[0]
        if CPT.fullmatch(first):
            codes.add(first)
    return codes, texts


def test_no_cpt_code_or_descriptor_from_the_billing_files(cat: Catalog, sources_dir: Path) -> None:
    """Billing rows point at catalog codes (none of them CPT); no table holds a CPT short
    descriptor of these files anywhere, and no name or code equals one of their CPT codes."""
    codes, texts = cpt_of_billing_files(sources_dir)
    assert len(codes) > 10_000 and "hep b ig im" in texts
    stored = {code for (code,) in cat.conn.execute("SELECT code_key FROM codes")}
    names = {term for (term,) in cat.conn.execute("SELECT term FROM terms")}
    assert not (stored | names) & codes
    for table in BILLING_TABLES:
        (orphans,) = cat.conn.execute(
            f"SELECT count(*) FROM {table} t LEFT JOIN codes c ON c.id = t.code_id "
            "WHERE c.id IS NULL"
        ).fetchone()
        assert orphans == 0, table
    tables = [t for (t,) in cat.conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
    for table in tables:
        info = cat.conn.execute(f"PRAGMA table_info({table})").fetchall()
        columns = [f"coalesce({column[1]}, '')" for column in info if column[2] == "TEXT"]
        if not columns:
            continue
        rows = cat.conn.execute(f"SELECT {' || char(10) || '.join(columns)} FROM {table}")
        blob = "\n".join(text for (text,) in rows).casefold()
        assert not [t for t in texts if t in blob], f"CPT descriptor in {table}"


# --- bad rows and missing files ----------------------------------------------------------------
def located(kind: Kind, path: Path) -> Located:
    source = next(s for s in SOURCES if s.kind == kind)
    return Located(source, path)


def test_bad_rows_are_counted_warnings_and_skipped(tmp_path: Path) -> None:
    path = tmp_path / "mue.csv"
    path.write_text(
        '"HCPCS/\nCPT Code",Practitioner Services MUE Values,MUE Adjudication Indicator,'
        "MUE Rationale\n"
        "J9039,210,3 Date of Service Edit: Clinical,Prescribing Information\n"
        "J9040,lots,3 Date of Service Edit: Clinical,Prescribing Information\n"
        "J9041\n"
    )
    step = BillingStep()
    loaded = step.load([located(Kind.MUE_PRACTITIONER, path)], tmp_path)
    assert loaded.warnings == [
        "mue.csv, line 4: MUE value 'lots' is not a whole number of units",
        "mue.csv, line 5: only 1 columns, need 4",
        "mue.csv: 2 malformed rows left out (each listed above)",
    ]
    assert [m.rows for m in loaded.manifest] == [1]


def test_missing_files_are_named_and_the_step_goes_on(tmp_path: Path) -> None:
    conn = sqlite3.connect(":memory:")
    from medcodes.catalog.writer import create_schema

    create_schema(conn)
    step = BillingStep()
    loaded = step.load([], tmp_path)
    assert loaded.manifest == [] and loaded.warnings == []
    assert step.write(conn) == []
    missing = {source.kind for source in missing_optional([])}
    assert {
        Kind.ASP_CROSSWALK,
        Kind.ASP_PRICING,
        Kind.MUE_PRACTITIONER,
        Kind.HCC_MAPPING,
    } <= missing


def test_missing_optional_leaves_out_what_was_found(sources_dir: Path) -> None:
    mue = next(s for s in SOURCES if s.kind == Kind.MUE_PRACTITIONER)
    other = SourceFile(
        Kind.HCC_MAPPING, "PY2099", date(2099, 1, 1), ("x.xlsx",), "", required=False
    )
    found = [Located(mue, sources_dir / mue.candidates[0])]
    assert missing_optional(found, (mue, other)) == [other]
