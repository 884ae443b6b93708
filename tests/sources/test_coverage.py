"""Coverage documents, article code links, payer policy lists and hand-typed code cells."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from medcodes.errors import SourceFormatError
from medcodes.sources import coverage
from medcodes.sources.coverage import CodeSpec, parse_code_field
from medcodes.sources.csv_table import SkippedRow

MCD = "coverage/mcd"
PAYERS = "coverage/payer-policies-2021"


def test_mcd_documents(sources_dir: Path) -> None:
    warnings: list[SkippedRow] = []
    path = sources_dir / MCD / "mcd_lcd_article_documents_2025-08-17.csv"
    documents = list(coverage.parse_mcd_documents(path, warnings))
    assert warnings == []
    assert len(documents) == 3133
    assert sum(1 for d in documents if d.doc_type == "LCD") == 972
    assert sum(1 for d in documents if d.doc_type == "Article") == 2161
    by_id = {d.doc_id: d for d in documents}
    lcd = by_id["L33394"]
    assert lcd.title == "Drugs and Biologicals, Coverage of, for Label and Off-Label Uses"
    assert lcd.contractor == "National Government Services, Inc. (MAC - Part A, MAC - Part B)"
    assert (lcd.effective_date, lcd.retirement_date, lcd.status) == (
        date(2025, 7, 13),
        None,
        "current",
    )
    assert by_id["A52370"].title == "Billing and Coding: Bevacizumab and biosimilars"
    assert sum(1 for d in documents if d.status == "retired") == 94
    assert all(d.retirement_date for d in documents if d.status == "retired")
    assert any("; " in d.contractor for d in documents)  # DME MACs: two contractors


def test_mcd_document_bad_rows_are_warnings(tmp_path: Path) -> None:
    path = tmp_path / "documents.csv"
    header = (
        "contractor_name_type,document_display_id,document_id,document_type,document_version,"
        "effective_date,note,retirement_date,title,updated_on,updated_on_sort,url\n"
    )
    path.write_text(
        header
        + '"A\n(MAC)\n\nB\n(DME MAC)",L1,1,LCD,2,01/02/2025,,N/A,"Two\nlines",,,u\n'
        + "C,L2,2,LCD,x,01/02/2025,,N/A,T,,,u\n"
        + "C,L3,3,LCD,1,2025-01-02,,N/A,T,,,u\n"
        + "C,33,3,LCD,1,01/02/2025,,N/A,T,,,u\n"
        + "C,A4,4,Article,1,01/02/2025,Retired,03/04/2025,T,,,u\n"
    )
    warnings: list[SkippedRow] = []
    documents = list(coverage.parse_mcd_documents(path, warnings))
    assert [(d.doc_id, d.line) for d in documents] == [("L1", 2), ("A4", 11)]
    assert documents[0].contractor == "A (MAC); B (DME MAC)"
    assert documents[0].title == "Two lines"
    assert documents[1].status == "retired"
    assert [w.line for w in warnings] == [8, 9, 10]  # the first record spans lines 2-7


def test_wrong_header_raises(tmp_path: Path) -> None:
    path = tmp_path / "documents.csv"
    path.write_text("id,name\n1,2\n")
    with pytest.raises(SourceFormatError, match="document_display_id"):
        list(coverage.parse_mcd_documents(path))


def test_article_code_links(sources_dir: Path) -> None:
    warnings: list[SkippedRow] = []
    path = sources_dir / MCD / "hcpcs_level2_to_mcd_billing_articles_2026-09-28.csv"
    links = list(coverage.parse_article_code_links(path, warnings))
    assert warnings == []
    assert len(links) == 1402
    assert len({link.hcpcs for link in links}) == 490
    assert len({link.article_id for link in links}) == 253
    j9035 = [link for link in links if link.hcpcs == "J9035"]
    assert [(link.article_id, link.code_group) for link in j9035] == [("A52370", 1)]
    assert j9035[0].title == "Billing and Coding: Bevacizumab and biosimilars"
    assert {"A54682", "A56748", "A59126", "A59661"} <= {
        link.article_id for link in links if link.hcpcs == "J2506"
    }
    assert not any(link.hcpcs == "J9039" for link in links)


def test_article_links_mcd_download_layout(tmp_path: Path) -> None:
    path = tmp_path / "article_x_hcpc_code.csv"
    path.write_text(
        "article_id,article_version,hcpc_code_id,hcpc_code_group,range,last_updated\n"
        "52370,122,J9035,1,N,2025-07-13\n"
        "52370,122,99213,1,N,2025-07-13\n"
    )
    warnings: list[SkippedRow] = []
    links = list(coverage.parse_article_code_links(path, warnings))
    assert [(link.hcpcs, link.article_id, link.code_group) for link in links] == [
        ("J9035", "A52370", 1)
    ]
    assert [w.line for w in warnings] == [3]


def test_fep_policies(sources_dir: Path) -> None:
    warnings: list[SkippedRow] = []
    path = sources_dir / PAYERS / "fep_blue_medical_policies_2021-03.csv"
    policies = list(coverage.parse_fep_policies(path, warnings))
    assert len(policies) == 823  # 824 rows; 1.01.28 continues on a second row
    (blincyto,) = [p for p in policies if p.policy_id == "5.21.51"]
    assert (blincyto.owner, blincyto.title, blincyto.brand_name) == (
        "FEP Blue",
        "Blincyto (blinatumomab)",
        "Blincyto",
    )
    assert blincyto.code_specs == (CodeSpec("code", "J9039", "J9039"),)
    assert blincyto.edition_date == date(2021, 3, 1)
    assert len([p for p in policies if p.policy_id == "5.21.16"]) == 2  # two drugs
    assert [w.line for w in warnings] == [41]  # "C176"


def test_fep_policies_with_icd10(sources_dir: Path) -> None:
    warnings: list[SkippedRow] = []
    path = sources_dir / PAYERS / "fep_blue_medical_policies_with_icd10_2021.csv"
    policies = {p.policy_id + p.brand_name: p for p in coverage.parse_fep_policies(path, warnings)}
    assert policies["5.21.51Blincyto"].code_specs == (CodeSpec("code", "J9039", "J9039"),)
    tens = policies["1.01.09"].diagnosis_specs
    assert CodeSpec("range", "M25.50", "M25.579") in tens
    assert CodeSpec("code", "R52", "R52") in tens
    assert len(policies) == 758  # 759 rows; 1.01.28 continues on a second row
    assert CodeSpec("range", "M05.051", "M97.12XS") in policies["7.01.161"].diagnosis_specs
    # hand-typed ICD-10 cells: backwards ranges, "C50.621-C50-629", "E086.21", "T46.6X5 A,D, S"
    assert len(warnings) == 12


def test_bcbsmn_policies(sources_dir: Path) -> None:
    warnings: list[SkippedRow] = []
    path = sources_dir / PAYERS / "bcbsmn_medical_policy_codes_2021-03.csv"
    policies = list(coverage.parse_bcbsmn_policies(path, warnings))
    assert len(policies) == 326
    by_id = {p.policy_id: p for p in policies}
    assert by_id["II-76"].owner == "BCBS Minnesota"
    assert CodeSpec("code", "S9055", "S9055") in by_id["II-76"].code_specs
    assert by_id["IV-11"].code_specs == ()  # "N/A see notes"
    assert not any(spec.first == "J9039" for p in policies for spec in p.code_specs)
    assert [w.line for w in warnings] == [1564, 1565, 1567, 1568]  # "T1002 TG" etc.


def test_bcbsmn_groups_rows_and_keeps_going(tmp_path: Path) -> None:
    path = tmp_path / "bcbsmn.csv"
    path.write_text(
        "code,policy_number,policy_title\n"
        "J1743,II-215,Idursulfase\n"
        "J1743,II-215,Idursulfase\n"
        "J1744 XX,II-215,Idursulfase\n"
        "0342T,N/A,Non-FDA approved (NFDA)\n"
        "J1745,II-216,\n"
    )
    warnings: list[SkippedRow] = []
    policies = list(coverage.parse_bcbsmn_policies(path, warnings))
    assert [(p.policy_id, p.code_specs, p.line) for p in policies] == [
        ("II-215", (CodeSpec("code", "J1743", "J1743"), CodeSpec("code", "J1744", "J1744")), 2),
        ("", (CodeSpec("cpt", "0342T", "0342T"),), 5),
    ]
    assert policies[0].edition_date is None
    assert [w.line for w in warnings] == [4, 6]


@pytest.mark.parametrize(
    ("text", "specs", "problems"),
    [
        ("J9000-J9999", [CodeSpec("range", "J9000", "J9999")], 0),
        ("J9000 - J9999", [CodeSpec("range", "J9000", "J9999")], 0),
        ("0140U- 0142U", [CodeSpec("range", "0140U", "0142U")], 0),
        ("No CPT", [], 0),
        ("N/A\n see notes", [], 0),
        ("Policy applies to All Diagnoses", [], 0),
        (
            "81479 or 81599",
            [CodeSpec("cpt", "81479", "81479"), CodeSpec("cpt", "81599", "81599")],
            0,
        ),
        ("81403. 81404", [CodeSpec("cpt", "81403", "81403"), CodeSpec("cpt", "81404", "81404")], 0),
        ("also reported with: 72285", [CodeSpec("cpt", "72285", "72285")], 0),
        ("M05.051 thru M97.12XS", [CodeSpec("range", "M05.051", "M97.12XS")], 0),
        ("S42.00xA-S42.92xA", [CodeSpec("range", "S42.00XA", "S42.92XA")], 0),
        ("A4595,  A4630;E0720", [CodeSpec("code", c, c) for c in ("A4595", "A4630", "E0720")], 0),
        ("C79.51-C75.52", [], 1),  # backwards
        ("0070U-00760", [], 1),  # different shapes
        ("J9000-99999", [], 1),
        ("C50.621-C50-629", [], 1),
        ("C176", [], 1),  # undotted: ICD C17.6 or a truncated HCPCS code?
        ("T1002 TG", [CodeSpec("code", "T1002", "T1002")], 1),
        ("D", [], 1),
    ],
)
def test_parse_code_field_examples(text: str, specs: list[CodeSpec], problems: int) -> None:
    found, trouble = parse_code_field(text)
    assert found == specs
    assert len(trouble) == problems


LETTER = st.sampled_from("ABCDEGHJKLMPQRSTUV")
HCPCS = st.builds(lambda a, n: f"{a}{n:04d}", LETTER, st.integers(0, 9999))
CPT = st.integers(0, 99999).map(lambda n: f"{n:05d}")
ICD10 = st.from_regex(r"\A[A-Z][0-9][0-9A-Z](\.[0-9A-Z]{1,4})?\Z")
SPACES = st.text(" ", max_size=3)


@given(st.text())
def test_parse_code_field_never_raises(text: str) -> None:
    specs, problems = parse_code_field(text)
    assert all(isinstance(p, str) for p in problems)
    assert all(spec.first <= spec.last for spec in specs)


@given(st.one_of(st.tuples(HCPCS, HCPCS), st.tuples(CPT, CPT)), SPACES, SPACES, SPACES)
def test_ranges_round_trip(ends: tuple[str, str], before: str, around: str, after: str) -> None:
    first, last = sorted(ends)
    text = f"{before}{first}{around}-{around}{last}{after}"
    assert parse_code_field(text) == ([CodeSpec("range", first, last)], [])


@given(st.one_of(HCPCS, ICD10), SPACES)
def test_single_codes_round_trip(code: str, spaces: str) -> None:
    assert parse_code_field(f"{spaces}{code},{spaces}") == ([CodeSpec("code", code, code)], [])


@given(st.lists(CPT, min_size=1, max_size=5), st.sampled_from([", ", "; ", "\n", " "]))
def test_cpt_numbers_are_cpt(numbers: list[str], separator: str) -> None:
    specs, problems = parse_code_field(separator.join(numbers))
    assert problems == []
    assert specs == [CodeSpec("cpt", n, n) for n in numbers]
