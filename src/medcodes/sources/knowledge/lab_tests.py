"""MedlinePlus medical tests (NLM, scraped 2021): one CSV row per test page.

Columns: `Lab test` (the name, lower case), then one cell per section of the page. Each cell
opens with the section's own question ("What is it used for?..."), and that question, not the
column header, says what the cell holds: the headers of columns 2 and 3 are swapped relative
to their contents. The scrape dropped the breaks between list items and after headings
("...used to:Diagnose CAH...Monitor treatment"); a break is put back where a sentence or a
colon runs straight into a capital letter. "Other names: ..." lines become also-called names.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

from medcodes.sources.knowledge.model import Document, Passage, Problem
from medcodes.sources.knowledge.publishers import MEDLINEPLUS_TESTS
from medcodes.sources.knowledge.text import render

NAME_COLUMN = "Lab test"
CELLS = 9
TESTS_URL = "https://medlineplus.gov/lab-tests/{slug}/"
_QUESTION = re.compile(r"^\s*([^?\n]{3,200}\?)\s*")
_RUN_ON = re.compile(r"(?<=[a-z0-9)][.:!?])(?=[A-Z])")
_OTHER_NAMES = re.compile(r"^Other names?:\s*(.+)$", re.MULTILINE)
_SLUG = re.compile(r"[^a-z0-9]+")


def read_lab_tests(path: Path, root: Path, date: str, problems: list[Problem]) -> list[Document]:
    """Every test row of `medplus_labs.csv`; a short or empty row is reported and skipped."""
    relative = str(path.relative_to(root))
    documents: list[Document] = []
    try:
        with path.open(encoding="utf-8", newline="") as fh:
            reader = csv.reader(fh)
            header = next(reader, None)
            if not header or header[0].strip() != NAME_COLUMN:
                problems.append(Problem(relative, 1, f"header does not start with {NAME_COLUMN!r}"))
                return []
            line = reader.line_num + 1
            for row in reader:
                document = _row(row, relative, line, date, problems)
                if document is not None:
                    documents.append(document)
                line = reader.line_num + 1
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        problems.append(Problem(relative, 1, f"not readable as a UTF-8 CSV ({exc})"))
    return documents


def _row(
    row: list[str], relative: str, line: int, date: str, problems: list[Problem]
) -> Document | None:
    if len(row) < CELLS or not row[0].strip():
        problems.append(Problem(relative, line, f"row has {len(row)} cells, expected {CELLS}"))
        return None
    name = " ".join(row[0].split())
    also_called: list[str] = []
    passages = []
    for cell in row[1:]:
        passage = _cell_passage(cell, line, also_called)
        if passage is not None:
            passages.append(passage)
    if not passages:
        problems.append(Problem(relative, line, f"test {name!r} has no text"))
        return None
    return Document(
        source=MEDLINEPLUS_TESTS,
        key=_SLUG.sub("-", name.casefold()).strip("-"),
        title=name[:1].upper() + name[1:],
        url=TESTS_URL.format(slug=_SLUG.sub("-", name.casefold()).strip("-")),
        date=date,
        file=relative,
        passages=tuple(passages),
        collection="tests",
        also_called=tuple(dict.fromkeys(also_called)),
    )


def _cell_passage(cell: str, line: int, also_called: list[str]) -> Passage | None:
    """A cell as a passage under its own leading question; its "Other names:" line is
    taken out into `also_called`."""
    found = _QUESTION.match(cell)
    if found is None:
        return None
    body = cell[found.end() :]
    for names in _OTHER_NAMES.findall(body):
        also_called += [n.strip() for n in re.split(r"[,;]", names) if n.strip()]
    body = _OTHER_NAMES.sub("", body)
    parts = [" ".join(p.split()) for p in _RUN_ON.sub("\n", body).splitlines()]
    parts = [p for p in parts if p]
    if not parts:
        return None
    return Passage(heading=" ".join(found.group(1).split()), text=render(parts), line=line)
