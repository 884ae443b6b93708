"""ICD-10-PCS Index XML: the real FY2025 file, then malformed input."""

from __future__ import annotations

import bisect
from collections import Counter
from pathlib import Path

import pytest

from medcodes.errors import SourceFormatError
from medcodes.sources.icd10pcs_index import PcsIndexTerm, parse_index
from medcodes.sources.order_file import parse_order_file


@pytest.fixture(scope="module")
def index_2025(sources_dir: Path) -> list[PcsIndexTerm]:
    return list(parse_index(sources_dir / "icd10pcs" / "icd10pcs_index_2025.xml.gz"))


def test_counts(index_2025: list[PcsIndexTerm]) -> None:
    kinds = Counter(term.reference for term in index_2025)
    assert len(index_2025) == 18_838
    assert kinds == {"": 14_711, "use": 2_342, "see": 1_785}
    assert sum(1 for term in index_2025 if term.reference and term.code) == 1_650


def test_appendectomy_points_to_resection_and_excision(index_2025: list[PcsIndexTerm]) -> None:
    appendectomy = [term for term in index_2025 if term.term == "Appendectomy"]
    assert [(t.code, t.see, t.reference) for t in appendectomy] == [
        ("0DBJ", "Excision, Appendix 0DBJ", "see"),
        ("0DTJ", "Resection, Appendix 0DTJ", "see"),
    ]


def test_headings_codes_and_use_references(index_2025: list[PcsIndexTerm]) -> None:
    by_term = {term.term: term for term in index_2025}
    assert by_term["Abortion, Vacuum"].code == "10A07Z6"
    assert by_term["Abdominal cavity"] == PcsIndexTerm(
        "Abdominal cavity", "", "Peritoneal Cavity", "use", 20
    )
    assert by_term["Activities of Daily Living Assessment"].code == "F02"


def test_codes_name_real_fy2025_codes(sources_dir: Path, index_2025: list[PcsIndexTerm]) -> None:
    order = sources_dir / "icd10pcs" / "icd10pcs_order_2025.txt.gz"
    codes = sorted(record.code for record in parse_order_file(order))

    def known(prefix: str) -> bool:
        found = bisect.bisect_left(codes, prefix)
        return found < len(codes) and codes[found].startswith(prefix)

    unknown = {term.code for term in index_2025 if term.code and not known(term.code)}
    assert unknown == {"5A0512C", "5A0522C"}  # DownStream(R) System: codes absent from FY2025


INDEX = """<?xml version="1.0"?>
<ICD10PCS.index>
<letter><title>A</title>
<mainTerm><title>Appendectomy</title>
<term level="1"><see>Resection, Appendix<codes>0DTJ</codes></see></term>
</mainTerm>
<mainTerm><title>Abortion</title>
<term level="1"><title>Vacuum</title><code>10A0-7Z6</code></term>
</mainTerm>
</letter>
</ICD10PCS.index>
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "index.xml"
    path.write_text(text, encoding="utf-8")
    return path


def test_hand_written_index(tmp_path: Path) -> None:
    assert list(parse_index(write(tmp_path, INDEX))) == [
        PcsIndexTerm("Appendectomy", "0DTJ", "Resection, Appendix 0DTJ", "see", 5),
        PcsIndexTerm("Abortion, Vacuum", "10A07Z6", "", "", 8),
    ]


@pytest.mark.parametrize(
    ("broken", "line", "problem"),
    [
        (INDEX[:200], None, "not well-formed XML"),
        (INDEX.replace("<title>Abortion</title>", ""), 7, "expected one"),
        (INDEX.replace("Resection, Appendix", ""), 5, "names no target"),
        (INDEX.replace("<code>10A0-7Z6</code>", "<code>-</code>"), 8, "is not a code"),
        (INDEX.replace("ICD10PCS.index", "ICD10PCS.tabular"), 2, "root is"),
    ],
)
def test_malformed_index_names_file_and_line(
    tmp_path: Path, broken: str, line: int | None, problem: str
) -> None:
    path = write(tmp_path, broken)
    with pytest.raises(SourceFormatError) as caught:
        list(parse_index(path))
    assert caught.value.file == str(path)
    assert problem in caught.value.problem
    assert caught.value.where == line if line is not None else isinstance(caught.value.where, int)
