"""MedlinePlus medical tests CSV: each cell read by its own question (headers 2 and 3 are
swapped), run-on lists broken apart into items, words kept as written, cells still running
together left out, other names kept; short rows reported."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from medcodes.sources.knowledge.lab_tests import read_lab_tests
from medcodes.sources.knowledge.model import Document, Problem

HEADER = (
    "Lab test,What is it used for,What is the test,Why do I need the test,"
    "What happens during the test?,Will I need to do anything to prepare for the test?,"
    "Are there any risks to the test?,What do the results mean?,"
    "Is there anything else I need to know about the test?\n"
)


CSV = "medlineplus/tests-2021/medplus_labs.csv"
# A lower-case word running into a capitalised one: two list items whose break was dropped.
GLUED = re.compile(r"(?<![A-Za-z0-9])[a-z]{3,}[A-Z][a-z]")


@pytest.fixture(scope="module")
def lab_tests(sources_dir: Path) -> tuple[list[Document], list[Problem]]:
    root = sources_dir / "knowledge"
    problems: list[Problem] = []
    return read_lab_tests(root / CSV, root, "2021", problems), problems


def _passage(tests: list[Document], title: str, heading: str) -> str:
    (document,) = [t for t in tests if t.title == title]
    (text,) = [p.text for p in document.passages if p.heading == heading]
    return text


def test_real_file(lab_tests: tuple[list[Document], list[Problem]]) -> None:
    tests, problems = lab_tests
    assert len(tests) == 251
    first = tests[0]
    assert first.title == "17-hydroxyprogesterone" and first.date == "2021"
    assert first.also_called == ("17-OH progesterone", "17-OHP")
    headings = [p.heading for p in first.passages]
    assert headings[:2] == [
        "What is a 17-hydroxyprogesterone (17-OHP) test?",
        "What is it used for?",
    ]
    used = first.passages[1].text
    assert used.startswith("A 17-OHP test is most often used to diagnose CAH in newborns.")
    assert "\n\nMonitor treatment for CAH" in used  # the run-on list item set apart
    assert "Other names" not in first.passages[0].text


def test_glued_list_items_are_items_again(lab_tests: tuple[list[Document], list[Problem]]) -> None:
    """The page's lists, which the scrape ran together ("include:Increased thirstMore
    frequent urination..."), are lists again, and the text goes back to paragraphs after."""
    why = _passage(lab_tests[0], "Blood glucose test", "Why do I need a blood glucose test?")
    assert (
        "Symptoms of high blood glucose levels include:\n\n- Increased thirst\n"
        "- More frequent urination\n- Blurred vision\n- Fatigue\n"
        "- Wounds that are slow to heal\n\nSymptoms of low blood glucose levels include:"
    ) in why
    assert "- Heart disease\n\nIf you are pregnant, you will likely get" in why
    results = _passage(lab_tests[0], "Liver function tests", "What do the results mean?")
    assert "- Hepatitis C\n- Alcohol use disorder, which includes alcoholism.\n- Liver" in results


def test_no_passage_runs_items_together(lab_tests: tuple[list[Document], list[Problem]]) -> None:
    glued = [
        (t.title, found.group())
        for t in lab_tests[0]
        for p in t.passages
        for found in GLUED.finditer(p.text)
    ]
    assert glued == []


def test_words_written_with_capitals_inside_are_kept(
    lab_tests: tuple[list[Document], list[Problem]],
) -> None:
    text = "\n".join(p.text for t in lab_tests[0] for p in t.passages)
    for word in ("HbA1c", "eGFR", " pH ", "IgE", "NT-proBNP", "cfDNA", "HgbA", "(OxyContin"):
        assert word in text


def test_only_separators_change(
    sources_dir: Path, lab_tests: tuple[list[Document], list[Problem]]
) -> None:
    """Every passage is its cell's own words in order: only line breaks and list marks are
    put back."""
    with (sources_dir / "knowledge" / CSV).open(encoding="utf-8", newline="") as fh:
        cells = {row[0]: "".join(row[1:]) for row in csv.reader(fh)}
    for test in lab_tests[0]:
        source = "".join(cells[test.title.lower()].split())
        for passage in test.passages:
            squeezed = "".join(re.sub(r"^- ", "", passage.text, flags=re.M).split())
            assert squeezed in source, (test.title, passage.heading)


def test_cells_still_running_together_are_left_out(
    lab_tests: tuple[list[Document], list[Problem]],
) -> None:
    """A flattened table ("Less than 200mg/dLDesirable200-239 mg/dLBorderline high") cannot be
    set apart safely: the cell is reported and not quoted."""
    tests, problems = lab_tests
    assert [(p.line, p.why.split(":")[0]) for p in problems] == [
        (538, "test 'antineutrophil cytoplasmic antibodies (anca) test'"),
        (1669, "test 'cholesterol levels'"),
        (6573, "test 'triglycerides test'"),
    ]
    (cholesterol,) = [t for t in tests if t.title == "Cholesterol levels"]
    assert "What do the results mean?" not in [p.heading for p in cholesterol.passages]


def test_names_with_inner_capitals_are_not_split(tmp_path: Path) -> None:
    path = tmp_path / "medplus_labs.csv"
    used = (
        "What is it used for?It is used to:"
        "Check your HbA1c and eGFR levelsRead a McDonald scoreAlso pH"
    )
    cells = ",".join(['"What is a x test?It measures x."', f'"{used}"'] + ['"Q?A."'] * 6)
    path.write_text(HEADER + f"x test,{cells}\n")
    (only,) = read_lab_tests(path, tmp_path, "2021", [])
    assert only.passages[1].text == (
        "It is used to:\n\n- Check your HbA1c and eGFR levels\n- Read a McDonald score\n- Also pH"
    )


def test_short_rows_are_reported_by_line(tmp_path: Path) -> None:
    path = tmp_path / "medplus_labs.csv"
    cells = ",".join(['"What is a x test?\nIt measures x."'] + ['"Q?A."'] * 7)
    path.write_text(HEADER + 'short,"What is it?\nText"\n' + f"x test,{cells}\n")
    problems: list[Problem] = []
    (only,) = read_lab_tests(path, tmp_path, "2021", problems)
    assert only.title == "X test" and only.url == "https://medlineplus.gov/lab-tests/x-test/"
    assert [(p.line, p.why) for p in problems] == [(2, "row has 2 cells, expected 9")]


def test_other_names_run_into_the_text_are_names(
    lab_tests: tuple[list[Document], list[Problem]],
) -> None:
    """An "Other names:" line run into the text ("...if not treated.Other names: blood
    sugar, ...") was quoted on A4253's page and its names were lost; a name list in brackets
    stays one name."""
    tests = {t.title: t for t in lab_tests[0]}
    glucose = tests["Blood glucose test"]
    assert glucose.also_called[:2] == ("blood sugar", "self-monitoring of blood glucose (SMBG)")
    assert not any("Other names" in p.text for t in tests.values() for p in t.passages)
    assert "Factor VIII" not in tests["Coagulation factor tests"].also_called
    assert "drug test" in tests["Drug testing"].also_called  # "...(PCP)Other names: ..."
