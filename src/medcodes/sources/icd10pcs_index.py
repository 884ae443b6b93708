"""The ICD-10-PCS Index XML (`icd10pcs_index_YYYY.xml`, root `ICD10PCS.index`) as search terms.

Layout (CMS "ICD-10-PCS Index" file): `<letter>` > `<mainTerm>` > nested `<term level="N">`.
A `<mainTerm>` or `<term>` has a `<title>` (a `<term>` holding only a reference may lack one)
and any of: `<code>` (a full code), `<codes>` (a code prefix, "0DTJ"), `<tab>` (a table,
"0QT"), `<see>` (another heading, e.g. "Resection, Appendix" with an optional `<codes>` or
`<tab>` child) or `<use>` (the axis value to code instead, e.g. a body-part synonym).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from medcodes.errors import SourceFormatError
from medcodes.sources.icd10pcs import parse_xml, text_of

CODE_TAGS = ("code", "codes", "tab")
REFERENCE_TAGS = ("see", "use")
_NOT_ALNUM = re.compile(r"[^0-9A-Za-z]")


@dataclass(frozen=True, slots=True)
class PcsIndexTerm:
    """One code or reference of the index under its full heading path."""

    term: str  # heading path joined with ", " ("Abortion, Vacuum")
    code: str  # the code, prefix or table the entry gives ("10A07Z6", "0DTJ", "0QT"), or ""
    see: str  # for see/use: the target with its code ("Resection, Appendix 0DTJ"), else ""
    reference: str  # "see", "use", or "" for a direct code
    line: int


def parse_index(path: Path, member: str = r"index_\d{4}\.xml$") -> Iterator[PcsIndexTerm]:
    """Every entry of an index XML file (or that member of the CMS codes zip), in file order.

    Raises SourceFormatError naming the line of a heading without a title, an empty reference
    or a code that is not 3-7 letters or digits.
    """
    root = parse_xml(path, "ICD10PCS.index", member)
    for letter in root.iterchildren("letter"):
        for main_term in letter.iterchildren("mainTerm"):
            yield from _entries(path, main_term, ())


def _entries(
    path: Path, element: etree._Element, heading: tuple[str, ...]
) -> Iterator[PcsIndexTerm]:
    heading = _heading(path, element, heading)
    term = ", ".join(heading)
    for child in element.iterchildren(*CODE_TAGS, *REFERENCE_TAGS, "term"):
        if child.tag == "term":
            yield from _entries(path, child, heading)
        elif child.tag in CODE_TAGS:
            yield PcsIndexTerm(term, _code(path, child), "", "", child.sourceline)
        else:
            yield _reference(path, child, term)


def _heading(path: Path, element: etree._Element, heading: tuple[str, ...]) -> tuple[str, ...]:
    titles = element.findall("title")
    if len(titles) > 1 or (not titles and element.tag == "mainTerm"):
        raise SourceFormatError(
            path, element.sourceline, f"<{element.tag}> has {len(titles)} <title>, expected one"
        )
    if not titles:
        return heading
    title = text_of(titles[0])
    if not title:
        raise SourceFormatError(path, titles[0].sourceline, f"<{element.tag}> has an empty title")
    return (*heading, title)


def _reference(path: Path, element: etree._Element, term: str) -> PcsIndexTerm:
    target = " ".join((element.text or "").split())
    if not target:
        raise SourceFormatError(path, element.sourceline, f"<{element.tag}> names no target")
    codes = list(element.iterchildren(*CODE_TAGS))
    if len(codes) > 1:
        raise SourceFormatError(path, element.sourceline, f"<{element.tag}> has several codes")
    code = _code(path, codes[0]) if codes else ""
    see = f"{target} {code}" if code else target
    return PcsIndexTerm(term, code, see, element.tag, element.sourceline)


def _code(path: Path, element: etree._Element) -> str:
    code = _NOT_ALNUM.sub("", text_of(element)).upper()
    if not 3 <= len(code) <= 7:
        raise SourceFormatError(
            path, element.sourceline, f"<{element.tag}> {text_of(element)!r} is not a code"
        )
    return code
