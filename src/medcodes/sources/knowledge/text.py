"""Conversion litter out, structure kept: the text cleaning every knowledge parser shares.

The staged files were converted from web pages. They carry links (`[text](/relative/url)`),
bold marks, images, "Placeholder slot" lines, pronunciation lines such as
`(blih-nuh-TOO-moh-mab)`, HTML entities and hard line breaks in the middle of sentences.
What remains is the agency's wording, verbatim, in blocks: paragraphs and "- " list items.
"""

from __future__ import annotations

import html
import re
from operator import itemgetter

_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
_ENLARGE = re.compile(r"\[Enlarge\]\([^)]*\)")
_LINK = re.compile(r"\[([^\]]*)\]\((?:[^()\s]|\([^)]*\))*(?:\s+\"[^\"]*\")?\)")
_LINK_TEXT = itemgetter(1)  # a link's text, taken from its match without a template
_EMPHASIS = re.compile(r"(\*\*|__|(?<![\w*])\*(?=\S)|(?<=\S)\*(?![\w*]))")
_PRONUNCIATION = re.compile(r"^\((?:[a-z]+-)*[a-zA-Z]+(?:-[a-zA-Z]+)*\)$")
_TABLE_RULE = re.compile(r"^\|?\s*:?-{3,}")
LITTER_LINES = frozenset(
    {"placeholder slot", "go to health professional version", "enlarge", "##", "#"}
)
LIST_MARK = "- "


def inline(text: str) -> str:
    """One line of Markdown as plain words: links to their text, no emphasis, no images.
    Most lines have no brackets or stars; they skip those patterns (the build reads ~100,000
    lines)."""
    if "[" in text:
        text = _IMAGE.sub("", _ENLARGE.sub("", text))
        previous = None
        while previous != text:  # nested brackets: [**[Breast cancer](...)**]
            previous = text
            text = _LINK.sub(_LINK_TEXT, text)
    if "*" in text or "__" in text:
        text = _EMPHASIS.sub("", text)
    text = text.replace("\\", "")
    return " ".join(html.unescape(text).replace("\xa0", " ").split())


def is_litter(line: str, plain: str) -> bool:
    """A line (stripped) that is conversion residue, not the agency's text; `plain` is the
    line through `inline`, which the caller needs too."""
    return (
        not plain
        or plain.casefold() in LITTER_LINES
        or bool(_PRONUNCIATION.match(plain))
        or bool(_TABLE_RULE.match(line))
    )


def blocks(lines: list[str]) -> list[str]:
    """Paragraphs and list items from raw lines: a wrapped line joins the one before it, a
    blank line ends a paragraph, "- " starts an item. Litter lines are dropped."""
    out: list[str] = []
    joining = False
    for raw in lines:
        line = raw.strip()
        if not line:
            joining = False
            continue
        plain = inline(line)
        if is_litter(line, plain):
            continue
        if line.startswith("|"):
            line = " ".join(cell.strip() for cell in line.strip("|").split("|") if cell.strip())
            plain = inline(line)
        if line.startswith(("- ", "* ")):
            out.append(LIST_MARK + inline(line[2:]))
            joining = True
        elif joining and out:
            out[-1] = f"{out[-1]} {plain}"
        else:
            out.append(plain)
            joining = True
    return [block for block in out if block.strip(LIST_MARK).strip()]


def render(parts: list[str]) -> str:
    """Blocks as a passage's text: list items on their own lines, paragraphs set apart."""
    text = ""
    for index, part in enumerate(parts):
        if index:
            both_items = part.startswith(LIST_MARK) and parts[index - 1].startswith(LIST_MARK)
            text += "\n" if both_items else "\n\n"
        text += part
    return text
