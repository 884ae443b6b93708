"""MedQuAD answers: the staged subsets and hand-written broken files."""

from __future__ import annotations

from pathlib import Path

from medcodes.sources.knowledge.medquad import read_medquad_folder
from medcodes.sources.knowledge.model import Problem


def test_niddk_subset(sources_dir: Path) -> None:
    root = sources_dir / "knowledge"
    problems: list[Problem] = []
    documents = read_medquad_folder(root / "medquad/5_NIDDK_QA", root, problems)
    assert len(documents) == 157 and problems == []
    acromegaly = next(d for d in documents if d.title == "Acromegaly")
    assert acromegaly.key == "NIDDK-0000001" and acromegaly.collection == "NIDDK"
    assert acromegaly.cuis == ("C0001206",) and acromegaly.date == "2017"
    first = acromegaly.passages[0]
    assert (first.qtype, first.heading) == ("information", "What is (are) Acromegaly ?")
    assert "&quot;" not in acromegaly.passages[1].text and '"sneaky"' in first.text


def test_odd_files_of_the_real_subsets_are_reported(sources_dir: Path) -> None:
    root = sources_dir / "knowledge"
    problems: list[Problem] = []
    read_medquad_folder(root / "medquad/6_NINDS_QA", root, problems)
    assert {p.why for p in problems} == {"root is not <Document id=...>"}
    assert all(p.line == 2 for p in problems) and len(problems) == 4


def test_broken_xml_names_file_and_line(tmp_path: Path) -> None:
    folder = tmp_path / "7_TEST_QA"
    folder.mkdir()
    (folder / "1.xml").write_text('<?xml version="1.0"?>\n<Document id="1" source="T">\n<Focus>x')
    (folder / "2.xml").write_text('<Document id="2" source="T"><Focus></Focus></Document>')
    problems: list[Problem] = []
    assert read_medquad_folder(folder, tmp_path, problems) == []
    assert [(p.file, p.line) for p in problems] == [("7_TEST_QA/1.xml", 3), ("7_TEST_QA/2.xml", 1)]
    assert problems[0].why.startswith("broken XML") and "Focus" in problems[1].why
