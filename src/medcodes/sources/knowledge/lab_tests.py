"""MedlinePlus medical tests (NLM, scraped 2021): one CSV row per test page.

Columns: `Lab test` (the name, lower case), then one cell per section of the page. Each cell
opens with the section's own question ("What is it used for?..."), and that question, not the
column header, says what the cell holds: the headers of columns 2 and 3 are swapped relative
to their contents. The scrape stripped the page's HTML without separators, so list items run
together ("...include:Increased thirstMore frequent urinationBlurred vision"). The breaks are
put back, and only the breaks: a sentence or a colon running straight into a capital letter
ends a line; a word running straight into the next capitalised word ("thirstMore") ends a list
item, since an item, unlike a sentence, has no full stop to end it. Words that are written that
way ("HbA1c", "eGFR", "pH", "IgE", "NT-proBNP", "McDonald") are not split. A cell whose text
still runs together afterwards (a table flattened into "mg/dLDesirable200-239") is left out:
better no quote than a garbled one. "Other names: ..." lines become also-called names.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

from medcodes.sources.knowledge.model import Document, Passage, Problem
from medcodes.sources.knowledge.publishers import MEDLINEPLUS_TESTS
from medcodes.sources.knowledge.text import LIST_MARK, render

NAME_COLUMN = "Lab test"
CELLS = 9
TESTS_URL = "https://medlineplus.gov/lab-tests/{slug}/"
_QUESTION = re.compile(r"^\s*([^?\n]{3,200}\?)\s*")
_RUN_ON = re.compile(
    r"(?:(?<=[a-z0-9)][.:!?])|(?<=[A-Z]{2}[.:!?]))(?=[A-Z])|(?=Other names?\b[^:\n]{0,80}:)"
)
# Where one list item ends and the next begins, the break having been dropped: a whole word
# (not the "Mc" of "McDonald", the "Ig" of "IgE", the "pro" of "NT-proBNP") of lower-case
# letters, or a capitalised one of 4+ letters, or an acronym's plural, then a capitalised word
# ("thirstMore", "FatigueWeakness", "x-rayAre", "STDsUsing"); a word of 3+ letters, then a
# capital standing alone or opening an acronym ("diseaseA low", "cellsLDH-2", but not the
# "DNA" of "cffDNA"); a closing
# bracket, then a capitalised word ("(arrhythmia)Older"); a lone capital, then a capitalised
# word ("Hepatitis AHepatitis B"). Once a line has been cut, a capitalised word of 3 letters
# ends an item too ("MilkSoyWheat": "Soy"), which alone might be a name ("OxyContin").
_ITEM_END_RULES = (
    r"(?<![A-Za-z0-9])(?:[a-z]{2,}|[A-Z][a-z]{%d,}|[A-Z]{2,}s)(?=[A-Z][a-z])"
    r"|(?<![A-Za-z0-9-])[A-Z]?[a-z]{3,}(?=[A-Z](?:[A-Z0-9]|\s))(?![A-Z]NA)"
    r"|\)(?=[A-Z][a-z])"
    r"|(?<![A-Za-z0-9-])[A-Z](?=[A-Z][a-z]{2,})"
)
_ITEM_END = re.compile(_ITEM_END_RULES % 3)
_NEXT_ITEM_END = re.compile(_ITEM_END_RULES % 2)
# Text still running together once the breaks are back, as measured on the 2021 file: a
# flattened table's unit glued to a word ("mg/dLDesirable"), a colon glued to a lower-case
# word ("...white blood cells:pANCA, which targets...").
_STILL_GLUED = re.compile(r"[a-z]L[A-Z][a-z]|\w:[a-z]")
_SENTENCE_END = (".", "!", "?", ":")
_OTHER_NAMES = re.compile(r"^Other names?(?: for [^:]{1,80})?:\s*(.+)$")
# Between two other names: a comma or semicolon outside brackets ("factor assay by number
# (Factor I, Factor II, Factor VIII, etc.)" is one name, not "Factor VIII").
_NAME_BREAK = re.compile(r"[,;](?![^()]*\))")
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
        if passage is not None and _STILL_GLUED.search(passage.text):
            why = f"test {name!r}: {passage.heading!r} left out, its text still runs together"
            problems.append(Problem(relative, line, why))
        elif passage is not None:
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
    lines = [" ".join(p.split()) for p in _RUN_ON.sub("\n", cell[found.end() :]).splitlines()]
    parts = _blocks(_without_other_names([line for line in lines if line], also_called))
    if not parts:
        return None
    return Passage(heading=" ".join(found.group(1).split()), text=render(parts), line=line)


def _without_other_names(lines: list[str], also_called: list[str]) -> list[str]:
    """The lines but the "Other names:" one ("...if not treated.Other names: blood sugar,
    ..."), whose names go to `also_called`; a list ending in a comma goes on on the next line
    ("cardiac troponin (cTN),\ncardiac-specific troponin I and troponin T")."""
    kept: list[str] = []
    continued = False
    for line in lines:
        names = _OTHER_NAMES.match(line)
        if names is None and not continued:
            kept.append(line)
            continue
        listed = line if names is None else names.group(1)
        also_called += [n.strip() for n in _NAME_BREAK.split(listed) if n.strip()]
        continued = listed.endswith(",")
    return kept


def _blocks(lines: list[str]) -> list[str]:
    """Paragraphs and "- " list items from a cell's lines, the dropped item breaks put back.
    A line that does not end a sentence, after a list's lead ("...include:") or item, is an
    item. Every piece of a cut line but the last ended without a full stop, so it is an item;
    so is the last unless it ends a sentence ("...slow to healSymptoms of low blood glucose
    levels include:" returns to the text). A first piece holding a sentence end is a
    paragraph ("...have sex. If you are sexually active, you can reduce your risk of infection
    byBeing in a long-term relationship")."""
    blocks: list[str] = []
    for line in lines:
        pieces = _item_pieces(line)
        for index, piece in enumerate(pieces):
            if index == len(pieces) - 1:
                follows_list = bool(blocks) and _opens_item(blocks[-1])
                is_item = (follows_list or index > 0) and not piece.endswith(_SENTENCE_END)
            else:
                is_item = index > 0 or ". " not in piece
            blocks.append(f"{LIST_MARK}{piece}" if is_item else piece)
    return _settled(blocks)


def _opens_item(block: str) -> bool:
    """Whether an item may follow: a list's lead ("These include:") or an item."""
    return block.startswith(LIST_MARK) or block.endswith(":")


def _settled(blocks: list[str]) -> list[str]:
    """Items as a reader would group them: lone items are sub-headings, and a paragraph
    inside a list is one of its items."""
    return _paragraphs_inside_lists_as_items(_lone_items_as_paragraphs(blocks))


def _lone_items_as_paragraphs(blocks: list[str]) -> list[str]:
    """An item standing alone is a sub-heading ("There are three main types:" / "Punch
    biopsy" / "A health care provider will place..."): kept as a paragraph, a quote does not
    end on it as if it were the whole list."""
    is_item = [block.startswith(LIST_MARK) for block in blocks]
    return [
        block.removeprefix(LIST_MARK)
        if not any(is_item[max(index - 1, 0) : index] + is_item[index + 1 : index + 2])
        else block
        for index, block in enumerate(blocks)
    ]


def _paragraphs_inside_lists_as_items(blocks: list[str]) -> list[str]:
    """An item ending with a full stop was read as a paragraph ("Hepatitis CAlcohol use
    disorder, which includes alcoholism.Liver cancer"): a paragraph between a list's lead or
    item and the next item is one of the items."""
    out = list(blocks)
    for index in range(1, len(out) - 1):
        block = out[index]
        if block.startswith(LIST_MARK) or block.endswith(":"):
            continue
        if _opens_item(out[index - 1]) and out[index + 1].startswith(LIST_MARK):
            out[index] = f"{LIST_MARK}{block}"
    return out


def _item_pieces(line: str) -> list[str]:
    """The line cut wherever one list item runs into the next."""
    pieces: list[str] = []
    rest = line
    while (glued := (_NEXT_ITEM_END if pieces else _ITEM_END).search(rest)) is not None:
        pieces.append(rest[: glued.end()].strip())
        rest = rest[glued.end() :]
    return [*pieces, rest.strip()]
