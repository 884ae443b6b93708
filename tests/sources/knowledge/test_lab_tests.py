"""MedlinePlus medical tests CSV: each cell read by its own question (headers 2 and 3 are
swapped), run-on lists broken apart, other names kept; short rows reported."""

from __future__ import annotations

from pathlib import Path

from medcodes.sources.knowledge.lab_tests import read_lab_tests
from medcodes.sources.knowledge.model import Problem

HEADER = (
    "Lab test,What is it used for,What is the test,Why do I need the test,"
    "What happens during the test?,Will I need to do anything to prepare for the test?,"
    "Are there any risks to the test?,What do the results mean?,"
    "Is there anything else I need to know about the test?\n"
)


def test_real_file(sources_dir: Path) -> None:
    root = sources_dir / "knowledge"
    problems: list[Problem] = []
    tests = read_lab_tests(root / "medlineplus/tests-2021/medplus_labs.csv", root, "2021", problems)
    assert len(tests) == 251 and problems == []
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


def test_short_rows_are_reported_by_line(tmp_path: Path) -> None:
    path = tmp_path / "medplus_labs.csv"
    cells = ",".join(['"What is a x test?\nIt measures x."'] + ['"Q?A."'] * 7)
    path.write_text(HEADER + 'short,"What is it?\nText"\n' + f"x test,{cells}\n")
    problems: list[Problem] = []
    (only,) = read_lab_tests(path, tmp_path, "2021", problems)
    assert only.title == "X test" and only.url == "https://medlineplus.gov/lab-tests/x-test/"
    assert [(p.line, p.why) for p in problems] == [(2, "row has 2 cells, expected 9")]
