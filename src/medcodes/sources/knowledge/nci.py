"""National Cancer Institute pages (cancer.gov, staged as Markdown with a YAML front matter):
drug information pages and PDQ patient treatment summaries.

Front matter: `title: Blinatumomab - NCI`, `url: https://www.cancer.gov/...`,
`lastReviewed: '2025-12-30'`, `license: public_domain` and others (read as flat `key: value`
lines; lists and nesting are not needed here).

A drug page: the drug's name and pronunciation, a "how it works" paragraph (not on every
page), "US Brand Name(s)" (one brand a line), "FDA Approved", a DailyMed link whose `setid=`
is the label's set id, and "## Use in Cancer": "<drug> is approved to treat:" followed by
items whose condition is in bold, each followed by its settings as plain items (the page's
nesting was flattened by the converter; bold is what tells an item from a setting). Pages
without "FDA Approved" are combinations (ABVD) or lists, not single drugs.

A PDQ summary: `##` parts (general information, stages, treatment option overview, treatment
by stage, ...) with `###` and `####` headings; "Key Points" lists repeat the `###` headings
and the "About This PDQ Summary" part is about the document, so both are left out.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

from medcodes.sources.knowledge.model import ApprovedUse, Document, Passage, Problem
from medcodes.sources.knowledge.publishers import NCI_DRUG, NCI_PDQ
from medcodes.sources.knowledge.text import LIST_MARK, blocks, inline, render

_FRONT_KEY = re.compile(r"^([A-Za-z][\w-]*):\s*(.*)$")
_HEADING = re.compile(r"^(#{1,6})\s*(.*)$")
_SETID = re.compile(r"setid=([0-9a-fA-F-]{36})")
_BOLD_START = re.compile(r"^-\s+\*\*")
_BOLD = re.compile(r"\*\*(.+?)\*\*")
_APPROVED_TO = re.compile(r"\bis (?:also )?approved (?:to|for)\b(?P<rest>[^:]*):\s*$", re.I)
_TREATS = re.compile(r"\b(treat|palliative treatment)\b", re.I)
NAVIGATION_PARTS = (
    "more about",
    "research results and related resources",
    "clinical trials accepting patients",
    "about this pdq summary",
    "to learn more about",
)
DRUG_MARKERS = ("US Brand Name(s)", "FDA Approved")
NCI_SUFFIX = " - NCI"
PDQ_SUFFIX = re.compile(r"\s*Treatment\s*\(PDQ®?\)\s*[–-]\s*Patient Version\s*$")


class PageMalformed(Exception):
    """A page without its front matter or title; the folder reader reports and skips it."""

    def __init__(self, line: int, why: str) -> None:
        super().__init__(why)
        self.line = line
        self.why = why


def front_matter(lines: list[str]) -> tuple[dict[str, str], int]:
    """The `key: value` pairs between the opening `---` lines, and the index of the first
    body line."""
    if not lines or lines[0].strip() != "---":
        raise PageMalformed(1, "no YAML front matter (first line is not ---)")
    values: dict[str, str] = {}
    for index, line in enumerate(lines[1:], start=1):
        if line.strip() == "---":
            return values, index + 1
        found = _FRONT_KEY.match(line)
        if found:
            values[found.group(1)] = found.group(2).strip().strip("'\"")
    raise PageMalformed(len(lines), "front matter is never closed by ---")


def _page(path: Path) -> tuple[dict[str, str], list[str], int]:
    lines = path.read_text(encoding="utf-8").splitlines()
    meta, body_start = front_matter(lines)
    for key in ("title", "url"):
        if not meta.get(key):
            raise PageMalformed(1, f"front matter lacks {key!r}")
    return meta, lines, body_start


def parse_drug_page(path: Path, relative: str) -> Document:
    """One `about-cancer-treatment-drugs-<slug>.md` page."""
    meta, lines, start = _page(path)
    title = meta["title"].removesuffix(NCI_SUFFIX).strip()
    body = lines[start:]
    brands = _brands(body)
    uses: list[ApprovedUse] = []
    passages: list[Passage] = []
    for heading, first, chunk in _parts(body, start + 1):
        if heading.casefold().startswith(NAVIGATION_PARTS):
            continue
        if heading == "":
            chunk = _before_markers(chunk)
        parts = blocks(chunk)
        if heading.casefold() == "use in cancer":
            uses = list(approved_uses(chunk))
        if parts:
            passages.append(Passage(heading=heading, text=render(parts), line=first))
    setid = _SETID.search("\n".join(body))
    return Document(
        source=NCI_DRUG,
        key=path.stem.removeprefix("about-cancer-treatment-drugs-"),
        title=title,
        url=meta["url"],
        date=meta.get("lastReviewed", ""),
        file=relative,
        passages=tuple(passages),
        collection="drugs",
        brands=tuple(brands),
        approved_uses=tuple(uses),
        label_setid=setid.group(1) if setid else "",
        is_single_drug=any(line.strip() in DRUG_MARKERS for line in body),
    )


def _parts(body: list[str], first_line: int) -> Iterator[tuple[str, int, list[str]]]:
    """(## heading, its line, its lines) for a drug page; "" for the text before the first
    `##`. The page's `#` title lines are dropped."""
    heading, start, chunk = "", first_line, []
    for offset, line in enumerate(body):
        found = _HEADING.match(line.strip())
        if found and len(found.group(1)) == 1:
            continue
        if found and len(found.group(1)) == 2:
            yield heading, start, chunk
            heading, start, chunk = inline(found.group(2)), first_line + offset, []
            continue
        chunk.append(line)
    yield heading, start, chunk


def _before_markers(chunk: list[str]) -> list[str]:
    """The opening text of a drug page up to "US Brand Name(s)": the how-it-works paragraph."""
    for index, line in enumerate(chunk):
        if line.strip() in DRUG_MARKERS or "dailymed" in line.casefold():
            return chunk[:index]
    return chunk


def _brands(body: list[str]) -> list[str]:
    brands: list[str] = []
    inside = False
    for line in body:
        text = line.strip()
        if text == "US Brand Name(s)":
            inside = True
        elif inside and (text in DRUG_MARKERS or text.startswith("#")):
            break
        elif inside and text:
            brands.append(inline(text))
    return brands


def approved_uses(chunk: list[str]) -> Iterator[ApprovedUse]:
    """The items of "is approved to treat:" lists: bold items are conditions, the plain items
    after one are its settings. Items under "approved to prevent:" are not treatments and are
    left out."""
    treating = False
    current: tuple[list[str], str, list[str]] | None = None
    for block in _raw_blocks(chunk):
        if not block.startswith("- "):
            intro = _APPROVED_TO.search(inline(block))
            if intro is not None:
                treating = bool(_TREATS.search(intro.group(0)))
            elif current is None:
                continue
            else:
                treating = False
            if current is not None:
                yield _use(current)
                current = None
            continue
        if not treating:
            continue
        if _BOLD_START.match(block):
            if current is not None:
                yield _use(current)
            conditions = [inline(b) for b in _BOLD.findall(block)]
            current = (conditions, inline(block[2:]), [])
        elif current is not None:
            current[2].append(inline(block[2:]))
    if current is not None:
        yield _use(current)


def _use(current: tuple[list[str], str, list[str]]) -> ApprovedUse:
    conditions, text, settings = current
    named = tuple(dict.fromkeys(c.rstrip(".").strip() for c in conditions if c.strip(". ")))
    return ApprovedUse(conditions=named, text=text, settings=tuple(settings))


def _raw_blocks(chunk: list[str]) -> list[str]:
    """Like `text.blocks` but keeping the Markdown (bold marks tell items from settings)."""
    out: list[str] = []
    joining = False
    for raw in chunk:
        line = raw.strip()
        if not line:
            joining = False
        elif line.startswith("- "):
            out.append(line)
            joining = True
        elif joining and out:
            out[-1] += " " + line
        else:
            out.append(line)
            joining = True
    return out


def parse_pdq_page(path: Path, relative: str) -> Document:
    """One `*-patient-*-treatment-pdq.md` summary."""
    meta, lines, start = _page(path)
    body = lines[start:]
    titles = [inline(m.group(2)) for m in map(_HEADING.match, body) if m and len(m.group(1)) == 1]
    title = titles[-1] if titles else meta["title"].removesuffix(NCI_SUFFIX)
    passages = list(_pdq_passages(body, start + 1))
    return Document(
        source=NCI_PDQ,
        key=path.stem,
        title=title,
        url=meta["url"],
        date=meta.get("lastReviewed", ""),
        file=relative,
        passages=tuple(passages),
        collection="pdq-patient",
        also_called=(PDQ_SUFFIX.sub("", title),) if PDQ_SUFFIX.search(title) else (),
    )


def _pdq_passages(body: list[str], first_line: int) -> Iterator[Passage]:
    part, heading, start, chunk = "", "", first_line, []
    for offset, raw in enumerate(body):
        found = _HEADING.match(raw.strip())
        if not found:
            chunk.append(raw)
            continue
        yield from _pdq_passage(part, heading, start, chunk)
        level, text = len(found.group(1)), inline(found.group(2))
        if level == 2:
            part, heading = text, text
        elif level > 2:
            heading = text
        start, chunk = first_line + offset, []
    yield from _pdq_passage(part, heading, start, chunk)


def _pdq_passage(part: str, heading: str, start: int, chunk: list[str]) -> Iterator[Passage]:
    if not part or part.casefold().startswith(NAVIGATION_PARTS) or heading == "Key Points":
        return
    parts = [p for p in blocks(chunk) if p.strip(LIST_MARK)]
    if parts:
        parent = part if heading != part else ""
        yield Passage(heading=heading, text=render(parts), line=start, parent=parent)


def read_nci_folder(
    folder: Path, root: Path, parse: Callable[[Path, str], Document], problems: list[Problem]
) -> list[Document]:
    """Every page of an NCI folder through `parse`; malformed pages are reported."""
    documents = []
    for path in sorted(folder.glob("*.md")):
        relative = str(path.relative_to(root))
        try:
            documents.append(parse(path, relative))
        except PageMalformed as exc:
            problems.append(Problem(relative, exc.line, exc.why))
        except (OSError, UnicodeDecodeError) as exc:
            problems.append(Problem(relative, 1, f"not readable as UTF-8 text ({exc})"))
    return documents
