"""MedlinePlus health topics (NLM): the staged Markdown summaries with their topic metadata,
and the official bulk XML a user with internet can drop in (`mplus_topics_YYYY-MM-DD.xml`).

Both become the same `Document`: the summary split into passages at its question headings
("How do you prepare for ...?") and, inside a question, at "For a colonoscopy:" lines that
open a block about one of several procedures. Official XML layout (https://medlineplus.gov/
xml.html): `<health-topics>` > `<health-topic id title url language date-created>` with
children `also-called`, `full-summary` (escaped HTML: `<h3>` questions, `<p>`, `<ul><li>`),
`group`, `mesh-heading/descriptor`, `related-topic`, `see-reference`, `primary-institute`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from lxml import etree
from lxml import html as lxml_html

from medcodes.sources.knowledge.model import Document, Passage, Problem
from medcodes.sources.knowledge.publishers import MEDLINEPLUS
from medcodes.sources.knowledge.text import LIST_MARK, blocks, inline, render

_TOPIC_FILE = re.compile(r"^medlineplus_(?P<slug>.+)_(?P<id>\d+)\.md$")
_SUB_HEADING = re.compile(r"^For (?:an? |the )?[^.?!]{2,80}:$")
_CREDIT_WORDS = 12
MAX_HEADING = 200
TOPIC_URL = "https://medlineplus.gov/{slug}.html"
_XML_DATE = re.compile(r"(\d{4}-\d{2}-\d{2})")


@dataclass(frozen=True, slots=True)
class TopicMetadata:
    """What the topic metadata JSON says of one topic (NLM's fields only)."""

    id: str
    title: str
    url: str
    also_called: tuple[str, ...]
    mesh: tuple[str, ...]
    groups: tuple[str, ...]


def read_metadata(path: Path, problems: list[Problem]) -> dict[str, TopicMetadata]:
    """Topic id -> metadata from `health_topics_YYYY-MM-DD.json`; an unreadable file or a
    malformed entry is reported and skipped."""
    try:
        entries = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        problems.append(Problem(str(path), 1, f"not readable JSON ({exc})"))
        return {}
    found: dict[str, TopicMetadata] = {}
    for index, entry in enumerate(entries if isinstance(entries, list) else []):
        try:
            meta = TopicMetadata(
                id=str(entry["id"]),
                title=str(entry["title"]),
                url=str(entry["url"]),
                also_called=tuple(str(s) for s in entry.get("synonyms") or ()),
                mesh=tuple(str(s) for s in entry.get("mesh_terms") or ()),
                groups=tuple(str(s) for s in entry.get("groups") or ()),
            )
        except (KeyError, TypeError) as exc:
            problems.append(Problem(str(path), index + 1, f"topic entry lacks {exc}"))
            continue
        found[meta.id] = meta
    return found


def parse_topic_file(
    path: Path, relative: str, date: str, metadata: dict[str, TopicMetadata]
) -> Document:
    """One `medlineplus_<slug>_<id>.md` topic; raises `TopicMalformed` (with the line) when it
    has no `# Title` first line or its name does not follow the pattern."""
    match = _TOPIC_FILE.match(path.name)
    if match is None:
        raise TopicMalformed(1, "file name is not medlineplus_<slug>_<topic id>.md")
    lines = path.read_text(encoding="utf-8").splitlines()
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is None or not lines[first].startswith("# ") or not lines[first][2:].strip():
        raise TopicMalformed((first or 0) + 1, "no '# Title' line at the top")
    title = inline(lines[first][2:])
    meta = metadata.get(match["id"])
    return Document(
        source=MEDLINEPLUS,
        key=match["id"],
        title=title,
        url=meta.url if meta else TOPIC_URL.format(slug=match["slug"]),
        date=date,
        file=relative,
        passages=tuple(passages(lines[first + 1 :], first + 2)),
        collection="topics",
        also_called=meta.also_called if meta else (),
        mesh=meta.mesh if meta else (),
        groups=meta.groups if meta else (),
    )


def passages(lines: list[str], first_line: int) -> Iterator[Passage]:
    """Split a summary at its question headings and "For a ...:" sub-headings."""
    lines = _without_credit(lines)
    heading, parent, start, body = "", "", first_line, []
    for offset, raw in enumerate(lines):
        line = raw.strip()
        opens_block = (
            offset == 0 or not lines[offset - 1].strip() or _is_question(lines, offset - 1)
        )
        kind = _heading_kind(line) if opens_block else None
        if kind is None:
            body.append(raw)
            continue
        yield from _passage(heading, parent, body, start)
        if kind == "question":
            heading, parent = inline(line), ""
        else:
            parent = parent or heading
            heading = inline(line)
        start, body = first_line + offset, []
    yield from _passage(heading, parent, body, start)


def _is_question(lines: list[str], index: int) -> bool:
    return _heading_kind(lines[index].strip()) == "question"


def _heading_kind(line: str) -> str | None:
    if not line or line.startswith(("- ", "* ", "#")) or len(line) > MAX_HEADING:
        return None
    if line.endswith("?"):
        return "question"
    if _SUB_HEADING.match(line):
        return "sub"
    return None


def _passage(heading: str, parent: str, body: list[str], start: int) -> Iterator[Passage]:
    """A headed block as one passage; text without a heading (older summaries have none) as
    one passage per paragraph with the list items after it, so each can go to its section."""
    parts = blocks(body)
    if heading:
        if parts:
            yield Passage(heading=heading, text=render(parts), line=start, parent=parent)
        return
    group: list[str] = []
    for part in parts:
        if group and not part.startswith(LIST_MARK):
            yield Passage(heading="", text=render(group), line=start, parent=parent)
            group = []
        group.append(part)
    if group:
        yield Passage(heading="", text=render(group), line=start, parent=parent)


def _without_credit(lines: list[str]) -> list[str]:
    """Drop a closing credit line ("Centers for Disease Control and Prevention"): a last
    one-line paragraph without end punctuation, as the converter left them."""
    end = len(lines)
    while end and not lines[end - 1].strip():
        end -= 1
    if end == 0:
        return []
    last = lines[end - 1].strip()
    alone = end == 1 or not lines[end - 2].strip()
    if (
        alone
        and not last.startswith(LIST_MARK)
        and not last.endswith((".", "?", "!", ":", ")", '"'))
        and len(last.split()) <= _CREDIT_WORDS
    ):
        return lines[: end - 1]
    return lines[:end]


class TopicMalformed(Exception):
    """A topic file that cannot be read as a topic; the folder reader reports and skips it."""

    def __init__(self, line: int, why: str) -> None:
        super().__init__(why)
        self.line = line
        self.why = why


def read_topics_folder(
    folder: Path, root: Path, metadata: dict[str, TopicMetadata], problems: list[Problem]
) -> list[Document]:
    """Every topic file of a `topics-YYYY-MM-DD/` folder; malformed files are reported."""
    date_match = _XML_DATE.search(folder.name)
    date = date_match.group(1) if date_match else ""
    documents = []
    for path in sorted(folder.glob("*.md")):
        relative = str(path.relative_to(root))
        try:
            documents.append(parse_topic_file(path, relative, date, metadata))
        except TopicMalformed as exc:
            problems.append(Problem(relative, exc.line, exc.why))
        except (OSError, UnicodeDecodeError) as exc:
            problems.append(Problem(relative, 1, f"not readable as UTF-8 text ({exc})"))
    return documents


# --- the official bulk XML ---------------------------------------------------------------
def read_topics_xml(path: Path, root: Path, problems: list[Problem]) -> list[Document]:
    """English topics of an official `mplus_topics_YYYY-MM-DD.xml`; a broken file is
    reported with its line and yields the topics read before the break."""
    relative = str(path.relative_to(root))
    date_match = _XML_DATE.search(path.name)
    date = date_match.group(1) if date_match else ""
    documents: list[Document] = []
    try:
        for _event, element in etree.iterparse(str(path), tag="health-topic", huge_tree=True):
            document = _xml_topic(element, relative, date, problems)
            if document is not None:
                documents.append(document)
            element.clear()
    except etree.XMLSyntaxError as exc:
        problems.append(Problem(relative, exc.lineno or 1, f"broken XML ({exc.msg})"))
    except OSError as exc:
        problems.append(Problem(relative, 1, f"not readable ({exc})"))
    return documents


def _xml_topic(
    element: etree._Element, relative: str, date: str, problems: list[Problem]
) -> Document | None:
    if element.get("language", "English") != "English":
        return None
    topic_id, title, url = element.get("id"), element.get("title"), element.get("url")
    if not topic_id or not title or not url:
        problems.append(
            Problem(relative, element.sourceline or 1, "health-topic lacks id/title/url")
        )
        return None
    summary = element.findtext("full-summary") or ""
    lines = summary_lines(summary)
    return Document(
        source=MEDLINEPLUS,
        key=topic_id,
        title=" ".join(title.split()),
        url=url,
        date=date,
        file=relative,
        passages=tuple(passages(lines, element.sourceline or 1)),
        collection="topics",
        also_called=_texts(element, "also-called"),
        mesh=_texts(element, "mesh-heading/descriptor"),
        groups=_texts(element, "group"),
    )


def _texts(element: etree._Element, path: str) -> tuple[str, ...]:
    return tuple(
        " ".join(e.text.split()) for e in element.iterfind(path) if e.text and e.text.strip()
    )


def summary_lines(summary_html: str) -> list[str]:
    """A `full-summary` HTML fragment as the Markdown-like lines the topic files hold:
    headings and paragraphs as lines, list items as "- " lines, a blank line between."""
    if not summary_html.strip():
        return []
    fragment = lxml_html.fragment_fromstring(summary_html, create_parent="div")
    lines: list[str] = []
    for child in fragment.iter("h1", "h2", "h3", "h4", "p", "li"):
        if child.tag == "p" and any(a.tag == "li" for a in child.iterancestors()):
            continue  # a paragraph inside a list item is read with the item
        text = " ".join(child.text_content().split())
        if text:
            lines += [LIST_MARK + text if child.tag == "li" else text, ""]
    return lines
