"""ICD-10-PCS tables XML, definitions XML and order addenda, as CMS ships them.

Tables (`icd10pcs_tables_YYYY.xml`, root `ICD10PCS.tabular`, CMS "ICD-10-PCS Tables" file):
each `<pcsTable>` holds `<axis pos="1|2|3" values="1">` (one `<label code="…">` each, the
operation axis adding a `<definition>`), then `<pcsRow codes="N">` elements holding
`<axis pos="4..7" values="K">` with K labels. An axis's `<title>` is the section's own name
for that position ("Operation", "Body Region", "Substance", …). A code is valid when one row
of its table allows each of its characters 4-7.

Definitions (`icd10pcs_definitions_YYYY.xml`, root `ICD10PCS.definitions`):
`<section code>` > `<axis pos>` > `<terms>` with one or more `<title>`, an optional
`<definition>` and `<explanation>`, and any number of `<includes>` (Includes/Examples; for body
parts and devices, the "Body Part Key" / "Device Key" entries). `<deviceAggregation>` is not read.

Order addenda (`order_addenda_YYYY.txt` in the CMS order-file zip): one change per line,
"Add:" / "Delete:" / "Revise from:" / "Revise to:" padded to 13 columns, then the order-file
code, short and long titles (1-based columns 14-20, 22-81, 83-end), then a summary of counts.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from lxml import etree

from medcodes.errors import SourceFormatError
from medcodes.sources.files import open_text, read_bytes

TABLE_POSITIONS = (1, 2, 3)
ROW_POSITIONS = (4, 5, 6, 7)
_CHAR = re.compile(r"[0-9A-Z]")
_CODE = re.compile(r"[0-9A-Z]{3,7}")


@dataclass(frozen=True, slots=True)
class AxisValue:
    """One value of one axis (character position) as a table names it."""

    position: int  # 1..7
    title: str  # the axis title the table gives ("Operation", "Body Region", "Substance", …)
    char: str  # the code character ("T")
    label: str  # "Resection"
    definition: str  # the tables XML's <definition> (operations), else ""


@dataclass(frozen=True, slots=True)
class PcsRow:
    """One `<pcsRow>`: the allowed values of positions 4, 5, 6 and 7."""

    axes: tuple[tuple[AxisValue, ...], ...]
    chars: tuple[str, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "chars", tuple("".join(v.char for v in a) for a in self.axes))

    def match(self, tail: str) -> tuple[AxisValue, ...] | None:
        """The values of code characters 4-7 (`tail`) if this row allows them, else None."""
        if len(tail) != len(self.chars):
            return None
        found = []
        for char, allowed, values in zip(tail, self.chars, self.axes, strict=True):
            where = allowed.find(char)
            if where < 0:
                return None
            found.append(values[where])
        return tuple(found)


@dataclass(frozen=True, slots=True)
class PcsTable:
    """One `<pcsTable>`: its three-character prefix, the values of positions 1-3, its rows."""

    prefix: str  # "0DT"
    axes: tuple[AxisValue, AxisValue, AxisValue]
    rows: tuple[PcsRow, ...]
    line: int


@dataclass(frozen=True, slots=True)
class PcsDefinition:
    """One term of the definitions XML (a `<terms>` with two titles gives two of these)."""

    section: str  # "0"
    axis_position: int
    axis_title: str
    term: str  # "Resection"
    definition: str  # "" for Body Part Key / Device Key entries
    explanation: str  # "" if none
    includes: tuple[str, ...]  # the <includes> (Includes/Examples) texts, in file order
    line: int


@dataclass(frozen=True, slots=True)
class OrderAddendum:
    """One change line of an order addenda file."""

    action: str  # "Add", "Delete", "Revise from", "Revise to"
    code: str
    short_title: str
    long_title: str
    line: int


def parse_xml(path: Path, root_tag: str, member: str) -> etree._Element:
    """The root element of XML file `path` (plain, `.gz` or zip member), checked to be `root_tag`.

    Entities and DTDs are not loaded. Malformed XML raises SourceFormatError with its line.
    """
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    try:
        root = etree.fromstring(read_bytes(path, member=member), parser)
    except etree.XMLSyntaxError as exc:
        raise SourceFormatError(path, exc.lineno, f"not well-formed XML: {exc.msg}") from exc
    if root.tag != root_tag:
        raise SourceFormatError(path, root.sourceline, f"root is <{root.tag}>, not <{root_tag}>")
    return root


def text_of(element: etree._Element) -> str:
    """An element's text with runs of whitespace collapsed."""
    return " ".join("".join(element.itertext()).split())


def _required_text(path: Path, parent: etree._Element, tag: str) -> str:
    """The text of the one `<tag>` child of `parent`; SourceFormatError if absent or empty."""
    found = parent.findall(tag)
    if len(found) != 1:
        raise SourceFormatError(
            path, parent.sourceline, f"<{parent.tag}> has {len(found)} <{tag}>, expected one"
        )
    text = text_of(found[0])
    if not text:
        raise SourceFormatError(path, found[0].sourceline, f"<{tag}> is empty")
    return text


def _optional_text(path: Path, parent: etree._Element, tag: str) -> str:
    found = parent.findall(tag)
    if len(found) > 1:
        raise SourceFormatError(path, found[1].sourceline, f"<{parent.tag}> has several <{tag}>")
    return text_of(found[0]) if found else ""


# --- tables -------------------------------------------------------------------------------


def parse_tables(path: Path, member: str = r"tables_\d{4}\.xml$") -> list[PcsTable]:
    """Every `<pcsTable>` of a tables XML file (or that member of the CMS codes zip), in order.

    Raises SourceFormatError (file, line, problem) for malformed XML, a missing or misplaced
    axis, a label without a one-character code, counts that disagree with `values`/`codes`,
    or two tables with the same prefix. A build reads the newest file in two steps (codes and
    axes; the coder tables' rows), so the tables of the last few files read are kept, keyed by
    path, size and modification time: the list is shared, not to be modified.
    """
    stat = path.stat()
    return _parse_tables(path, member, stat.st_size, stat.st_mtime_ns)


@lru_cache(maxsize=4)  # a few releases' files: one build reads each of them
def _parse_tables(path: Path, member: str, _size: int, _mtime_ns: int) -> list[PcsTable]:
    root = parse_xml(path, "ICD10PCS.tabular", member)
    interned: dict[AxisValue, AxisValue] = {}
    tables: list[PcsTable] = []
    seen: dict[str, int] = {}
    for element in root.iterchildren("pcsTable"):
        table = _table(path, element, interned)
        if table.prefix in seen:
            raise SourceFormatError(
                path,
                table.line,
                f"table {table.prefix} repeats the one at line {seen[table.prefix]}",
            )
        seen[table.prefix] = table.line
        tables.append(table)
    if not tables:
        raise SourceFormatError(path, root.sourceline, "no <pcsTable> in the file")
    return tables


def _table(path: Path, element: etree._Element, interned: dict[AxisValue, AxisValue]) -> PcsTable:
    axes = _axes(path, element, TABLE_POSITIONS, interned)
    for values in axes:
        if len(values) != 1:
            raise SourceFormatError(
                path, element.sourceline, f"table axis {values[0].position} has several labels"
            )
    rows = tuple(_row(path, row, interned) for row in element.iterchildren("pcsRow"))
    if not rows:
        raise SourceFormatError(path, element.sourceline, "<pcsTable> has no <pcsRow>")
    first, second, third = (values[0] for values in axes)
    return PcsTable(
        first.char + second.char + third.char, (first, second, third), rows, element.sourceline
    )


def _row(path: Path, element: etree._Element, interned: dict[AxisValue, AxisValue]) -> PcsRow:
    axes = _axes(path, element, ROW_POSITIONS, interned)
    declared = element.get("codes")
    if declared is not None:
        count = len(axes[0]) * len(axes[1]) * len(axes[2]) * len(axes[3])
        if declared != str(count):
            raise SourceFormatError(
                path, element.sourceline, f'<pcsRow codes="{declared}"> but its axes give {count}'
            )
    return PcsRow(axes)


def _axes(
    path: Path,
    parent: etree._Element,
    positions: tuple[int, ...],
    interned: dict[AxisValue, AxisValue],
) -> tuple[tuple[AxisValue, ...], ...]:
    """The `<axis>` children of `parent`, which must be exactly `positions` in order."""
    elements = list(parent.iterchildren("axis"))
    found = tuple(element.get("pos") for element in elements)
    if found != tuple(str(p) for p in positions):
        raise SourceFormatError(
            path,
            parent.sourceline,
            f"<{parent.tag}> has axes at positions {list(found)}, expected {list(positions)}",
        )
    return tuple(
        _axis(path, element, position, interned)
        for element, position in zip(elements, positions, strict=True)
    )


def _axis(
    path: Path, element: etree._Element, position: int, interned: dict[AxisValue, AxisValue]
) -> tuple[AxisValue, ...]:
    title = _required_text(path, element, "title")
    definition = _optional_text(path, element, "definition")
    labels = element.findall("label")
    if not labels or element.get("values", str(len(labels))) != str(len(labels)):
        raise SourceFormatError(
            path,
            element.sourceline,
            f'axis {position} says values="{element.get("values")}", has {len(labels)} labels',
        )
    values = tuple(_value(path, label, position, title, definition, interned) for label in labels)
    chars = [value.char for value in values]
    if len(set(chars)) != len(chars):
        raise SourceFormatError(path, element.sourceline, f"axis {position} repeats a code")
    return values


def _value(
    path: Path,
    label: etree._Element,
    position: int,
    title: str,
    definition: str,
    interned: dict[AxisValue, AxisValue],
) -> AxisValue:
    char = label.get("code")
    if char is None or not _CHAR.fullmatch(char):
        raise SourceFormatError(
            path, label.sourceline, f"<label> code {char!r} is not one letter or digit"
        )
    text = text_of(label)
    if not text:
        raise SourceFormatError(path, label.sourceline, f"<label code={char!r}> is empty")
    value = AxisValue(position, title, char, text, definition)
    return interned.setdefault(value, value)


def decode_code(tables: Mapping[str, PcsTable], code: str) -> tuple[AxisValue, ...]:
    """The seven axis values of `code` ("0DTJ4ZZ"), given the tables keyed by prefix.

    Raises ValueError when the code is not seven characters, has no table, or when no row of
    its table allows characters 4-7.
    """
    code = code.strip().upper()
    if len(code) != 7:
        raise ValueError(f"{code!r} is not a seven-character ICD-10-PCS code")
    table = tables.get(code[:3])
    if table is None:
        raise ValueError(f"{code!r}: no ICD-10-PCS table {code[:3]!r}")
    for row in table.rows:
        values = row.match(code[3:])
        if values is not None:
            return table.axes + values
    raise ValueError(f"{code!r}: no row of table {table.prefix} allows {code[3:]!r}")


# --- definitions --------------------------------------------------------------------------


def parse_definitions(path: Path, member: str = r"definitions_\d{4}\.xml$") -> list[PcsDefinition]:
    """Every term of a definitions XML file (or zip member), one per `<title>` of a `<terms>`."""
    root = parse_xml(path, "ICD10PCS.definitions", member)
    definitions: list[PcsDefinition] = []
    for section in root.iterchildren("section"):
        code = section.get("code", "")
        if len(code) != 1 or not code.isalnum():
            raise SourceFormatError(path, section.sourceline, f"<section> code {code!r} is bad")
        for axis in section.iterchildren("axis"):
            definitions.extend(_axis_terms(path, code, axis))
    if not definitions:
        raise SourceFormatError(path, root.sourceline, "no <section>/<axis>/<terms> in the file")
    return definitions


def _axis_terms(path: Path, section: str, axis: etree._Element) -> list[PcsDefinition]:
    position = axis.get("pos", "")
    if position not in {"1", "2", "3", "4", "5", "6", "7"}:
        raise SourceFormatError(path, axis.sourceline, f'<axis pos="{position}"> is not 1..7')
    title = _required_text(path, axis, "title")
    return [
        definition
        for terms in axis.iterchildren("terms")
        for definition in _terms(path, section, int(position), title, terms)
    ]


def _terms(
    path: Path, section: str, position: int, axis_title: str, terms: etree._Element
) -> list[PcsDefinition]:
    titles = terms.findall("title")
    if not titles:
        raise SourceFormatError(path, terms.sourceline, "<terms> has no <title>")
    definition = _optional_text(path, terms, "definition")
    explanation = _optional_text(path, terms, "explanation")
    includes = tuple(text for text in map(text_of, terms.iterchildren("includes")) if text)
    found = []
    for title in titles:
        term = text_of(title)
        if not term:
            raise SourceFormatError(path, title.sourceline, "<terms> has an empty <title>")
        found.append(
            PcsDefinition(
                section,
                position,
                axis_title,
                term,
                definition,
                explanation,
                includes,
                title.sourceline,
            )
        )
    return found


# --- order addenda ------------------------------------------------------------------------

ADDENDA_ACTIONS = ("Add", "Delete", "Revise from", "Revise to")
_SUMMARY = re.compile(r"(Headers|Codes|\s+of which|\s+\d+ [a-z].*)")


def parse_order_addenda(
    path: Path, member: str = r"order_addenda_\d{4}\.txt$"
) -> list[OrderAddendum]:
    """The change lines of an order addenda file; the trailing summary of counts is skipped."""
    found: list[OrderAddendum] = []
    with open_text(path, member=member, encoding="latin-1") as fh:
        for number, raw in enumerate(fh, start=1):
            line = raw.rstrip("\r\n")
            if line.strip() and not _SUMMARY.fullmatch(line):
                found.append(_addendum(path, number, line))
    return found


def _addendum(path: Path, number: int, line: str) -> OrderAddendum:
    action, code = line[:13].strip().removesuffix(":"), line[13:20].strip()
    if action not in ADDENDA_ACTIONS or line[12] != " ":
        raise SourceFormatError(path, number, f"not an addenda change line: {line[:40]!r}")
    if not _CODE.fullmatch(code):
        raise SourceFormatError(path, number, f"code {code!r} is not 3-7 letters or digits")
    long_title = line[82:].strip()
    if not long_title:
        raise SourceFormatError(path, number, "long title (column 83 on) is empty")
    return OrderAddendum(action, code, line[21:81].strip(), long_title, number)
