"""ICD-10-CM index terms (drug / neoplasm tables, external-cause index, flattened index)."""

from __future__ import annotations

import gzip
from collections import Counter
from pathlib import Path

import pytest

from medcodes.errors import SourceFormatError
from medcodes.sources.icd10cm_index import (
    IndexEntry,
    IndexTerm,
    parse_drug_table,
    parse_external_cause_index,
    parse_flat_index,
    parse_neoplasm_table,
    read_external_cause_index,
    read_flat_index,
    read_table,
)

DRUG = "icd10cm/icd10cm_drug_2025.xml.gz"
NEOPLASM = "icd10cm/icd10cm_neoplasm_2025.xml"
EINDEX = "icd10cm/icd10cm_eindex_2025.xml"
FLAT = "icd10cm/DERIVED_icd10cm_index_2025_flattened.csv.gz"


@pytest.fixture(scope="module")
def flat(sources_dir: Path) -> list[IndexTerm]:
    return list(parse_flat_index(sources_dir / FLAT))


def test_flat_index(flat: list[IndexTerm]) -> None:
    # 81,024 rows, 18,303 of them without a code (see / see also / heading only)
    assert len(flat) == 62_721
    assert {term.source for term in flat} == {"index"}
    assert IndexTerm("Abasia (-astasia) (hysterical)", "F44.4", "index", "", 4, True) in flat
    main = {term.term: term.main_term for term in flat}
    assert main["Pneumonia (acute) (double) (migratory) (purulent) (septic) (unresolved)"]
    assert not main["Diabetes, diabetic (mellitus) (sugar), type 2"]
    terms = {(term.term, term.code) for term in flat}
    assert ("Diabetes, diabetic (mellitus) (sugar), type 2", "E11.9") in terms
    assert ("Diabetes, diabetic (mellitus) (sugar), type 2, with, hyperglycemia", "E11.65") in terms
    pneumonia = "Pneumonia (acute) (double) (migratory) (purulent) (septic) (unresolved)"
    assert (pneumonia, "J18.9") in terms
    assert any(
        t.term.startswith("Infarct, infarction, myocardium") and t.code.startswith("I21.")
        for t in flat
    )


def test_flat_index_notes_are_not_headings(flat: list[IndexTerm]) -> None:
    """The flattened file puts "Note: heart failure stages A, B, C, and D ..." at level 1
    where the subterms of "heart" go on: they keep "heart" in their path, not the note."""
    assert not [term for term in flat if "Note:" in term.term]
    terms = {(term.term, term.code) for term in flat}
    chronic = "Failure, failed, heart (acute) (senile) (sudden), systolic (congestive)"
    assert any(term.startswith(chronic) and code == "I50.22" for term, code in terms)


def test_flat_index_incomplete_codes_become_stems(flat: list[IndexTerm]) -> None:
    assert all(not term.code.endswith(("-", ".")) for term in flat)
    by_line = {term.line: (term.term, term.code) for term in flat}
    assert by_line[2197] == ("Accident, cerebrovascular (ischemic), embolic", "I63")  # "I63.-"
    assert by_line[2640] == ("Adenocarcinoma, renal cell", "C64")  # "C64-"


def test_flat_index_entries(sources_dir: Path) -> None:
    book = read_flat_index(sources_dir / FLAT)
    assert len(book.entries) == 81_024
    assert sum(entry.level == 0 for entry in book.entries) == 8_100
    assert sum(bool(entry.see) for entry in book.entries) == 12_136
    assert book.entries[8] == IndexEntry(0, "A", "Abdominalgia", "", "Pain, abdominal", "", (), 10)
    appendicitis = next(e for e in book.entries if e.title.startswith("Appendicitis"))
    assert appendicitis == IndexEntry(
        0,
        "A",
        "Appendicitis (pneumococcal) (retrocecal)",
        "(pneumococcal) (retrocecal)",
        "",
        "",
        ("K37",),
        6147,
    )
    assert ("H93.29-",) in {entry.codes for entry in book.entries}  # printed as in the index


def test_drug_table(sources_dir: Path) -> None:
    cells = list(parse_drug_table(sources_dir / DRUG))
    assert len(cells) == 40_026  # 43,212 cells less 3,186 "--"
    insulin = "Insulin (amorphous) (globin) (isophane) (Lente) (NPH) (Semilente) (Ultralente)"
    assert {(c.column, c.code) for c in cells if c.term == insulin} == {
        ("Poisoning Accidental (unintentional)", "T38.3X1"),
        ("Poisoning Intentional self-harm", "T38.3X2"),
        ("Poisoning Assault", "T38.3X3"),
        ("Poisoning Undetermined", "T38.3X4"),
        ("Adverse effect", "T38.3X5"),
        ("Underdosing", "T38.3X6"),
    }
    assert all(c.source == "drug" and c.code.startswith("T") for c in cells)
    assert "Acid (corrosive) NEC" in {c.term for c in cells}


def test_neoplasm_table(sources_dir: Path) -> None:
    cells = list(parse_neoplasm_table(sources_dir / NEOPLASM))
    assert len(cells) == 9_018  # 10,916 cells less 1,898 "-"
    lung = {c.column: c.code for c in cells if c.term == "Neoplasm, neoplastic, lung"}
    assert lung["Malignant Primary"] == "C34.9"  # "C34.9-" in the table
    assert lung["Malignant Secondary"] == "C78.0"
    assert lung["Benign"] == "D14.3"
    assert len(lung) == 6


def test_external_cause_index(sources_dir: Path) -> None:
    codes = list(parse_external_cause_index(sources_dir / EINDEX))
    assert len(codes) == 6_664  # 6,650 <code> + 11 <subcat> + 3 <seecat>
    first = codes[0]
    assert first.term == (
        "Abandonment (causing exposure to weather conditions) (with intent to injure or kill) NEC"
    )
    assert (first.code, first.source, first.column, first.line) == ("X58", "eindex", "", 7)
    assert ("Accident (to), caused by, due to, lightning", "T75.0") in {
        (c.term, c.code) for c in codes
    }


def test_external_cause_index_entries(sources_dir: Path) -> None:
    book = read_external_cause_index(sources_dir / EINDEX)
    assert len(book.entries) == 314 + 7_750
    assert sum(entry.level == 0 for entry in book.entries) == 314
    first = book.entries[0]
    assert (first.title, first.nemod, first.codes) == (
        "Abandonment (causing exposure to weather conditions) (with intent to injure or kill) NEC",
        "(causing exposure to weather conditions) (with intent to injure or kill)",
        ("X58",),
    )
    codes = {code for entry in book.entries for code in entry.codes}
    assert {"T75.0-", "T71.-"} <= codes  # <subcat> and <seecat>: more characters needed


def test_tables_keep_every_row_and_column(sources_dir: Path) -> None:
    drugs = read_table(sources_dir / DRUG)
    assert drugs.columns == (
        "Poisoning Accidental (unintentional)",
        "Poisoning Intentional self-harm",
        "Poisoning Assault",
        "Poisoning Undetermined",
        "Adverse effect",
        "Underdosing",
    )
    assert sum(entry.level == 0 for entry in drugs.entries) == 5_177
    assert len(drugs.entries) == 5_177 + 2_251
    acetaminophen = next(e for e in drugs.entries if e.title == "Acetaminophen")
    assert acetaminophen.codes == tuple(f"T39.1X{n}" for n in range(1, 7))
    neoplasms = read_table(sources_dir / NEOPLASM)
    assert len(neoplasms.entries) == 1 + 1_938
    assert neoplasms.columns[0] == "Malignant Primary"
    breast = next(e for e in neoplasms.entries if e.title.startswith("breast") and e.level == 1)
    assert breast.codes == ("C50.9-", "C79.81", "D05.-", "D24.-", "D48.6-", "D49.3")


def test_index_files_entries(sources_dir: Path) -> None:
    """How many entries the four index files give (their speed: bench/build.py; tests never
    time, a busy machine failed the 3 s limit this had)."""
    counts = Counter()
    for parse, name in [
        (parse_drug_table, DRUG),
        (parse_neoplasm_table, NEOPLASM),
        (parse_external_cause_index, EINDEX),
        (parse_flat_index, FLAT),
    ]:
        counts[name] = sum(1 for _ in parse(sources_dir / name))
    assert sum(counts.values()) == 118_429


# --- malformed inputs -------------------------------------------------------------------

TABLE = """<?xml version="1.0" encoding="utf-8"?>
<ICD10CM.index>
  <indexHeading>
    <head col="1">Neoplasm</head>
    <head col="2">Malignant Primary</head>
    <head col="3">Benign</head>
  </indexHeading>
  <letter>
    <title>N</title>
    <mainTerm>
      <title>Neoplasm, neoplastic</title>
      <term level="1">
        <title>lung<nemod>(lobe)</nemod> NEC</title>
        <seeAlso>Neoplasm, bronchus</seeAlso>
        <cell col="2">C34.9-</cell>
        <cell col="3">-</cell>
      </term>
    </mainTerm>
  </letter>
</ICD10CM.index>
"""


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_small_table(tmp_path: Path) -> None:
    cells = list(parse_neoplasm_table(_write(tmp_path, "n.xml", TABLE)))
    assert cells == [
        IndexTerm(
            "Neoplasm, neoplastic, lung (lobe) NEC", "C34.9", "neoplasm", "Malignant Primary", 12
        )
    ]
    book = read_table(_write(tmp_path, "n.xml", TABLE))
    assert book.columns == ("Malignant Primary", "Benign")
    assert book.entries[1] == IndexEntry(
        1, "N", "lung (lobe) NEC", "(lobe)", "", "Neoplasm, bronchus", ("C34.9-", ""), 12
    )


@pytest.mark.parametrize(
    ("text", "line", "problem"),
    [
        (TABLE[:300], None, "not well-formed XML"),
        (TABLE.replace("C34.9-", "lung"), 15, "'lung' is not an ICD-10-CM code"),
        (TABLE.replace('col="3">-', 'col="4">-'), 16, "cell column '4' has no heading"),
        (TABLE.replace('level="1"', 'level="2"'), 12, "term level '2' at depth 1"),
        (TABLE.replace("<title>Neoplasm, neoplastic</title>", ""), 10, "without a <title>"),
    ],
)
def test_broken_table(tmp_path: Path, text: str, line: int | None, problem: str) -> None:
    path = _write(tmp_path, "broken.xml", text)
    with pytest.raises(SourceFormatError) as caught:
        list(parse_neoplasm_table(path))
    assert caught.value.file == str(path)
    assert problem in caught.value.problem
    assert isinstance(caught.value.where, int)
    assert line is None or caught.value.where == line


FLAT_CSV = (
    "RowID,Letter,Level,Term,See,SeeAlso,NonEssModif,Code\n"
    "1,A,0,Abasia,,,(-astasia),F44.4\n"
    "2,A,1,trembling,,,,F44.-\n"
    '3,A,0,"Abdomen, abdominal",,condition,,\n'
    '4,A,0,Abdominalgia,"Pain, abdominal",,,\n'
)


def test_small_flat_index(tmp_path: Path) -> None:
    path = tmp_path / "index.csv.gz"
    path.write_bytes(gzip.compress(FLAT_CSV.encode()))
    assert [(t.term, t.code, t.line) for t in parse_flat_index(path)] == [
        ("Abasia (-astasia)", "F44.4", 2),
        ("Abasia (-astasia), trembling", "F44", 3),
    ]
    see = [
        (e.title, e.see, e.see_also) for e in read_flat_index(path).entries if e.see or e.see_also
    ]
    assert see == [("Abdomen, abdominal", "", "condition"), ("Abdominalgia", "Pain, abdominal", "")]


@pytest.mark.parametrize(
    ("text", "line", "problem"),
    [
        (FLAT_CSV.replace("2,A,1,", "2,A,2,"), 3, "Level '2' does not follow depth 1"),
        (FLAT_CSV.replace("2,A,1,", "2,A,one,"), 3, "Level 'one'"),
        (FLAT_CSV.replace("F44.4", "F44.4,extra"), 2, "header's fields"),
        (FLAT_CSV.replace("F44.4", "see"), 2, "'see' is not an ICD-10-CM code"),
        (FLAT_CSV.replace("Level,", "Depth,"), 1, "header lacks columns ['Level']"),
    ],
)
def test_broken_flat_index(tmp_path: Path, text: str, line: int, problem: str) -> None:
    path = _write(tmp_path, "index.csv", text)
    with pytest.raises(SourceFormatError) as caught:
        list(parse_flat_index(path))
    assert (caught.value.file, caught.value.where) == (str(path), line)
    assert problem in caught.value.problem
