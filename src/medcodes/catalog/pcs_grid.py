"""ICD-10-PCS tables as the official grid, and building a code in one.

A table (its first three characters, "0DT") has rows; each row allows a set of values at
positions 4 to 7 (body part, approach, device, qualifier in the Medical and Surgical section;
other sections name the axes differently). A code is valid when one row allows each of its
characters. Building a code is choosing one value per position, left to right; after each
choice only the rows that allow every choice so far remain, and only their values are offered.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from medcodes.catalog.read import Catalog, Code, PcsTerm, SourceFile
from medcodes.errors import NotFound
from medcodes.serial import Serialisable
from medcodes.systems import System, code_key

ROW_POSITIONS = (4, 5, 6, 7)
_TABLE_OR_CODE = re.compile(r"[0-9A-HJ-NP-Z]{3,7}")  # PCS uses neither I nor O


@dataclass(frozen=True, slots=True)
class PcsValue:
    """One value of one axis, with what the official Definitions file says of it."""

    position: int
    char: str
    label: str
    definition: str
    explanation: str
    includes: tuple[str, ...]  # Includes/Examples, Body Part Key or Device Key entries


@dataclass(frozen=True, slots=True)
class PcsAxis:
    position: int
    title: str  # "Body Part", "Approach", "Device", "Qualifier", or the section's own names
    values: tuple[PcsValue, ...]


@dataclass(frozen=True, slots=True)
class PcsGridRow:
    number: int  # 1.. in the table's order
    axes: tuple[PcsAxis, ...]  # positions 4-7

    def allows(self, tail: str) -> bool:
        """Whether this row allows the characters `tail` at positions 4, 5, ... in order."""
        return all(
            any(value.char == char for value in axis.values)
            for char, axis in zip(tail, self.axes, strict=False)
        )


@dataclass(frozen=True, slots=True)
class PcsGrid:
    table: Code  # the table as a catalog code ("0DT", kind table)
    heading: tuple[PcsAxis, ...]  # positions 1-3, one value each
    rows: tuple[PcsGridRow, ...]
    source: SourceFile | None  # the tables file
    definitions_source: SourceFile | None


@dataclass(frozen=True, slots=True)
class PcsSelection:
    """Where building a code in a table stands."""

    code: str  # the valid characters chosen so far, table included ("0DTJ4")
    rows: tuple[int, ...]  # numbers of the rows that allow every choice so far
    next_position: int | None  # the position to choose next; None once the code is complete
    offered: frozenset[str]  # the characters valid at next_position
    problem: str  # why part of the requested code was not taken, "" if all was


@dataclass(frozen=True, slots=True)
class PcsBuild(Serialisable):
    """A table, the state of building a code in it, and the code once it is complete."""

    grid: PcsGrid
    selection: PcsSelection
    finished: Code | None


def build_in(catalog: Catalog, table: str, code: str = "") -> PcsBuild:
    """Table `table` (or the table of a code given there, "0DTJ4ZZ") with the characters of
    `code` (default: `table` itself) chosen; NotFound for an unknown table."""
    found = grid(catalog, table)
    selection = select(found, code or table)
    finished = None
    if selection.next_position is None:
        finished = catalog.get(selection.code, System.ICD10PCS)
    return PcsBuild(found, selection, finished)


def table_code(text: str) -> str:
    """A table's three characters from any spelling of a table or code ("0dt", "0DTJ4ZZ");
    NotFound when it cannot be a PCS table."""
    key = text.strip().upper()
    if not _TABLE_OR_CODE.fullmatch(key):
        raise NotFound(
            f"{text.strip()[:20]!r} is not an ICD-10-PCS table: tables are the first three "
            "characters of a code, letters and digits without I or O (e.g. 0DT)"
        )
    return key[:3]


def grid(catalog: Catalog, text: str) -> PcsGrid:
    """The table `text` names, as the official grid; NotFound for an unknown table."""
    prefix = table_code(text)
    found = [c for c in catalog.lookup(prefix, System.ICD10PCS) if c.kind == "table"]
    rows = catalog.conn.execute(
        "SELECT row, chars4, chars5, chars6, chars7 FROM coder_pcs_rows "
        "WHERE table_code = ? ORDER BY row",
        (prefix,),
    ).fetchall()
    if not found or not rows:
        raise NotFound(f"no ICD-10-PCS table {prefix!r} in this catalog (e.g. 0DT is one)")
    table = found[0]
    explained = _definitions(catalog, prefix[0])
    values = _values(catalog, table, explained)
    titles = {position: title for (position, _char), (title, _value) in values.items()}

    def axis(position: int, chars: str) -> PcsAxis:
        return PcsAxis(position, titles[position], tuple(values[(position, c)][1] for c in chars))

    heading = tuple(axis(position, char) for position, char in enumerate(prefix, start=1))
    grid_rows = tuple(
        PcsGridRow(number, tuple(map(axis, ROW_POSITIONS, chars))) for number, *chars in rows
    )
    definitions_source = next((term.source for term in explained.values()), None)
    (tables_source,) = catalog.conn.execute(
        "SELECT source FROM coder_pcs_tables WHERE table_code = ?", (prefix,)
    ).fetchone()
    return PcsGrid(
        table,
        heading,
        grid_rows,
        catalog.source(tables_source),
        catalog.source(definitions_source) if definitions_source else None,
    )


_NOT_EXPLAINED = PcsTerm("", 0, "", "", "", (), "")


def _definitions(catalog: Catalog, section: str) -> dict[tuple[int, str], PcsTerm]:
    """(position, term folded) -> what the ICD-10-PCS Definitions file says of a value in
    the positions a table names (3: operation or its section's own axis, 4-7: its rows)."""
    return {
        (position, term.term.casefold()): term
        for position in range(3, 8)
        for term in catalog.pcs_terms(section, position)
    }


def _values(
    catalog: Catalog, table: Code, explained: dict[tuple[int, str], PcsTerm]
) -> dict[tuple[int, str], tuple[str, PcsValue]]:
    """(position, char) -> (axis title, value with its official definition) of one table;
    the tables file's own definition (of the operation) comes first."""
    rows = catalog.conn.execute(
        "SELECT position, title, char, label, definition FROM pcs_axis_values WHERE table_id = ?",
        (table.id,),
    )
    values = {}
    for position, title, char, label, definition in rows:
        official = explained.get((position, label.casefold()), _NOT_EXPLAINED)
        values[(position, char)] = (
            title,
            PcsValue(
                position,
                char,
                label,
                definition or official.definition,
                official.explanation,
                official.includes,
            ),
        )
    return values


def select(pcs_grid: PcsGrid, text: str) -> PcsSelection:
    """The state of building a code from the characters `text` ("0DTJ4"): the longest valid
    prefix of it, the rows that allow it, and the values offered next."""
    prefix = pcs_grid.table.code
    wanted = code_key(text)
    problem = ""
    if wanted and not wanted.startswith(prefix):
        problem = f"{text.strip()[:20]} is not in table {prefix}"
        wanted = prefix
    tail = wanted[3:7]
    rows = list(pcs_grid.rows)
    taken = ""
    for char in tail:
        narrowed = [row for row in rows if row.allows(taken + char)]
        if not narrowed:
            position = 4 + len(taken)
            problem = f"no row of table {prefix} allows {char!r} at position {position}"
            problem += f" after {prefix + taken}" if taken else ""
            break
        rows, taken = narrowed, taken + char
    if len(wanted) > 7:
        problem = problem or f"{text.strip()[:20]} is longer than seven characters"
    next_position = 4 + len(taken) if len(taken) < 4 else None
    offered = frozenset(
        value.char
        for row in rows
        if next_position is not None
        for value in row.axes[next_position - 4].values
    )
    return PcsSelection(
        prefix + taken, tuple(row.number for row in rows), next_position, offered, problem
    )


def row_of(catalog: Catalog, code: Code) -> int | None:
    """The number of the row of its table that holds a seven-character PCS code."""
    if code.system != System.ICD10PCS or len(code.code) != 7:
        return None
    rows = catalog.conn.execute(
        "SELECT row, chars4, chars5, chars6, chars7 FROM coder_pcs_rows WHERE table_code = ? "
        "ORDER BY row",
        (code.code[:3],),
    )
    for number, *allowed in rows:
        if all(char in chars for char, chars in zip(code.code[3:], allowed, strict=True)):
            return number
    return None


@dataclass(frozen=True, slots=True)
class PcsTableName:
    """A table in the list of tables: its code and what its first three axes say."""

    table: str  # "0DT"
    section: str  # "Medical and Surgical"
    body_system: str  # "Gastrointestinal System"
    operation: str  # "Resection"


def table_list(catalog: Catalog) -> list[PcsTableName]:
    """Every table in the tables file's order (by section and body system)."""
    rows = catalog.conn.execute(
        "SELECT table_code, section, body_system, operation FROM coder_pcs_tables ORDER BY seq"
    )
    return [PcsTableName(*row) for row in rows]
