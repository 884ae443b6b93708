"""NCI drug pages and PDQ patient summaries: real staged pages and hand-written bad ones."""

from __future__ import annotations

from pathlib import Path

from medcodes.sources.knowledge.model import Problem
from medcodes.sources.knowledge.nci import parse_drug_page, parse_pdq_page, read_nci_folder

DRUGS = "knowledge/nci/drugs"


def test_blinatumomab_page(sources_dir: Path) -> None:
    page = parse_drug_page(
        sources_dir / DRUGS / "about-cancer-treatment-drugs-blinatumomab.md", "x.md"
    )
    assert page.title == "Blinatumomab" and page.brands == ("Blincyto",)
    assert page.url == "https://www.cancer.gov/about-cancer/treatment/drugs/blinatumomab"
    assert page.date == "2025-12-30" and page.is_single_drug
    assert page.label_setid == "38b482a8-960b-4591-9857-5031ecb830aa"
    how, use = page.passages
    assert how.heading == "" and how.text.startswith("Blinatumomab works by bringing healthy T")
    assert "Placeholder slot" not in how.text and "TOO-moh" not in how.text
    assert use.heading == "Use in Cancer"
    assert use.text.startswith("Blinatumomab is approved to treat:\n\n- B-cell acute")
    assert "/Common/PopUps" not in use.text and "**" not in use.text
    (approved,) = page.approved_uses
    assert approved.conditions == ("B-cell acute lymphoblastic leukemia",)
    assert approved.text.startswith("B-cell acute lymphoblastic leukemia that is CD19 positive")
    assert len(approved.settings) == 3 and approved.settings[0].startswith("in certain patients")


def test_conditions_in_bold_and_regimens(sources_dir: Path) -> None:
    folder = sources_dir / DRUGS
    trastuzumab = parse_drug_page(folder / "about-cancer-treatment-drugs-trastuzumab.md", "t")
    assert [u.conditions for u in trastuzumab.approved_uses] == [
        ("Breast cancer",),
        ("Stomach adenocarcinoma", "gastroesophageal junction adenocarcinoma"),
    ]
    abvd = parse_drug_page(folder / "about-cancer-treatment-drugs-abvd.md", "a")
    assert not abvd.is_single_drug and abvd.brands == ()


def test_every_staged_page_reads(sources_dir: Path) -> None:
    root = sources_dir / "knowledge"
    problems: list[Problem] = []
    drugs = read_nci_folder(root / "nci/drugs", root, parse_drug_page, problems)
    pdq = read_nci_folder(root / "nci/pdq-patient", root, parse_pdq_page, problems)
    assert (len(drugs), len(pdq), problems) == (436, 109, [])
    assert sum(d.is_single_drug for d in drugs) == 334


def test_pdq_summary_sections(sources_dir: Path) -> None:
    page = parse_pdq_page(
        sources_dir / "knowledge/nci/pdq-patient/types-leukemia-patient-adult-all-treatment-pdq.md",
        "all.md",
    )
    assert page.title == "Acute Lymphoblastic Leukemia Treatment (PDQ®)–Patient Version"
    assert page.also_called == ("Acute Lymphoblastic Leukemia",)
    headings = [p.heading for p in page.passages]
    assert "Signs and symptoms of ALL include fatigue, fever, and easy bruising or bleeding." in (
        headings
    )
    assert "Key Points" not in headings and not any("PDQ" in h for h in headings)
    chemo = next(p for p in page.passages if p.heading == "Chemotherapy")
    assert chemo.parent == "Treatment Option Overview"


def test_bad_pages_are_reported_and_skipped(tmp_path: Path) -> None:
    folder = tmp_path / "drugs"
    folder.mkdir()
    (folder / "about-cancer-treatment-drugs-nofront.md").write_text("# Drug\n\nText.\n")
    (folder / "about-cancer-treatment-drugs-open.md").write_text("---\ntitle: X - NCI\n")
    (folder / "about-cancer-treatment-drugs-nourl.md").write_text("---\ntitle: Y\n---\n# Y\n")
    problems: list[Problem] = []
    assert read_nci_folder(folder, tmp_path, parse_drug_page, problems) == []
    assert sorted((p.file, p.line, p.why) for p in problems) == [
        (
            "drugs/about-cancer-treatment-drugs-nofront.md",
            1,
            "no YAML front matter (first line is not ---)",
        ),
        ("drugs/about-cancer-treatment-drugs-nourl.md", 1, "front matter lacks 'url'"),
        ("drugs/about-cancer-treatment-drugs-open.md", 2, "front matter is never closed by ---"),
    ]
