"""Read access to a built catalog: codes, their tree, official details and history.

Opened read-only and immutable (nothing in the serving path writes), so SQLite skips
locking and many processes can share one file.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from medcodes.errors import CatalogMissing, UnknownCode
from medcodes.serial import Serialisable
from medcodes.systems import System, code_key

# Every kind of ICD-10-CM tabular note the catalog stores, in the tabular's order. The parser
# has its own list of the XML's note elements; importing it would load lxml (45-65 ms) on
# every `medcodes show`.
NOTE_KINDS = (
    "inclusionTerm",
    "includes",
    "excludes1",
    "excludes2",
    "codeFirst",
    "useAdditionalCode",
    "codeAlso",
    "notes",
    "sevenChrNote",
)
# Notes hold for every code below the node that carries them (ICD-10-CM conventions, section
# I.A.11-13 and I.B of the Official Guidelines). An inclusion term names a condition the node's
# codes are used for, so it applies to the codes below the node too (S64.498's term on S64.498S).
INHERITED_NOTE_KINDS = frozenset(NOTE_KINDS)

SOURCE_COLUMNS = "name, kind, release, effective_date, file, sha256, rows, url"
HISTORY_EVENTS = ("added", "revised", "subdivided", "made billable", "terminated")

PCS_TERM_COLUMNS = "section, position, term, definition, explanation, includes, source"
CODE_COLUMNS = (
    "id, system, code, kind, short_title, long_title, billable, parent_id, depth, status, "
    "first_release, last_release, added_date, terminated_date, title_source"
)


@dataclass(frozen=True, slots=True)
class Code(Serialisable):
    id: int
    system: str
    code: str
    kind: str
    short_title: str
    long_title: str
    billable: bool
    parent_id: int | None
    depth: int
    status: str
    first_release: str | None
    last_release: str | None
    added_date: str | None
    terminated_date: str | None
    title_source: str


@dataclass(frozen=True, slots=True)
class Field:
    name: str
    label: str
    value: str
    meaning: str


@dataclass(frozen=True, slots=True)
class Axis:
    position: int
    title: str
    char: str
    label: str
    definition: str
    source: str


@dataclass(frozen=True, slots=True)
class AppliedNote:
    kind: str
    text: str
    from_code: str  # the node that carries the note: the code itself or an ancestor
    inherited: bool
    source: str
    unit: int = 0  # notes of one node with the same unit are one instruction
    lead: bool = False  # the lead-in ("code to identify:") its unit's other notes complete


@dataclass(frozen=True, slots=True)
class Convention:
    """A convention the ICD-10-CM tabular's introduction defines, in its words."""

    title: str  # "Excludes1", "7th characters and placeholder X", ...
    text: str
    source: str


@dataclass(frozen=True, slots=True)
class PcsTerm:
    """An ICD-10-PCS axis value as the official definitions file explains it."""

    section: str
    position: int
    term: str
    definition: str
    explanation: str
    includes: tuple[str, ...]  # Includes/Examples; the Body Part Key or Device Key entries
    source: str


@dataclass(frozen=True, slots=True)
class SeventhCharacter:
    char: str
    meaning: str
    from_code: str


@dataclass(frozen=True, slots=True)
class HistoryEvent:
    release: str
    effective_date: str
    event: str
    old_title: str
    new_title: str
    basis: str


@dataclass(frozen=True, slots=True)
class Term:
    term: str
    source: str


@dataclass(frozen=True, slots=True)
class Link:
    relation: str
    direction: str  # "to": this code refers to it; "from": it refers to this code
    system: str
    code: str
    title: str
    status: str


@dataclass(frozen=True, slots=True)
class Release(Serialisable):
    system: str
    release: str
    effective_date: str
    codes: int
    billable: int
    is_current: bool


@dataclass(frozen=True, slots=True)
class SourceFile:
    name: str
    kind: str
    release: str
    effective_date: str
    file: str
    sha256: str
    rows: int
    url: str


@dataclass(frozen=True, slots=True)
class CodeDetails:
    """Everything the catalog knows about one code: what `show`, the page and the API print."""

    code: Code
    ancestors: list[Code]
    children: list[Code]
    children_total: int
    fields: list[Field] = field(default_factory=list)
    axes: list[Axis] = field(default_factory=list)
    notes: list[AppliedNote] = field(default_factory=list)
    seventh_characters: list[SeventhCharacter] = field(default_factory=list)
    terms: list[Term] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    history: list[HistoryEvent] = field(default_factory=list)
    source: SourceFile | None = None
    caveats: list[str] = field(default_factory=list)  # what the catalog cannot say, and why


class Catalog:
    """A read-only catalog file. Use as a context manager or call `close()`."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        if not self.path.is_file():
            raise CatalogMissing(
                f"no catalog at {self.path}; run `medcodes build` first (or pass --catalog)"
            )
        self.conn = sqlite3.connect(
            f"file:{self.path}?mode=ro&immutable=1", uri=True, check_same_thread=False
        )
        try:
            self.conn.execute("SELECT 1 FROM codes LIMIT 1")
        except sqlite3.DatabaseError as exc:
            self.conn.close()
            raise CatalogMissing(
                f"{self.path} is not a medcodes catalog ({exc}); rebuild it with `medcodes build`"
            ) from exc

    def __enter__(self) -> Catalog:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.conn.close()

    # --- codes -----------------------------------------------------------------------------
    def lookup(self, text: str, system: System | str | None = None) -> list[Code]:
        """Codes whose lookup form equals `text`'s (any case, dots, spaces), newest first."""
        sql = f"SELECT {CODE_COLUMNS} FROM codes WHERE code_key = ?"
        args: list[Any] = [code_key(text)]
        if system:
            sql += " AND system = ?"
            args.append(str(system))
        sql += " ORDER BY status = 'terminated', system"
        return [Code(*row) for row in self.conn.execute(sql, args)]

    def get(self, text: str, system: System | str | None = None) -> Code:
        """The one code `text` names; UnknownCode (with close real codes) when none does.

        Where a code exists in two systems and none is given, the active one wins.
        """
        found = self.lookup(text, system)
        if not found:
            raise UnknownCode(text.strip()[:40], self.suggest(text, system))
        return found[0]

    def title_sources(self, codes: Iterable[tuple[str, str]]) -> list[str]:
        """The sources of these (system, code) pairs' titles, each once, in the order of the
        codes: one query for a page of hits (a lookup per code cost more than the search)."""
        pairs = list(dict.fromkeys(codes))
        if not pairs:
            return []
        rows = self.conn.execute(
            "SELECT system, code, title_source FROM codes "
            f"WHERE code IN ({', '.join('?' * len(pairs))})",
            [code for _, code in pairs],
        )
        found = {(system, code): source for system, code, source in rows}
        return list(dict.fromkeys(found[pair] for pair in pairs if pair in found))

    def by_id(self, code_id: int) -> Code:
        row = self.conn.execute(f"SELECT {CODE_COLUMNS} FROM codes WHERE id = ?", (code_id,))
        return Code(*row.fetchone())

    def suggest(self, text: str, system: System | str | None = None, limit: int = 5) -> list[str]:
        """Real codes close to `text`: sharing its longest prefix, nearest spelling first."""
        key = code_key(text)[:10]
        found: dict[str, str] = {}
        for length in range(len(key), 0, -1):
            sql = (
                "SELECT code, code_key FROM codes WHERE code_key >= ? AND code_key < ? "
                "AND kind NOT IN ('chapter', 'section', 'group')"
            )
            args: list[Any] = [key[:length], key[:length] + "\uffff"]
            if system:
                sql += " AND system = ?"
                args.append(str(system))
            for code, candidate in self.conn.execute(sql + " LIMIT 400", args):
                found.setdefault(code, candidate)
            if len(found) >= limit:
                break
        from rapidfuzz import fuzz  # only unknown codes need it: keeps `show` start-up lean

        ranked = sorted(found, key=lambda code: -fuzz.ratio(key, found[code]))
        return ranked[:limit]

    def ancestors(self, code: Code) -> list[Code]:
        """The chain from the root down to the code's parent."""
        chain: list[Code] = []
        parent_id = code.parent_id
        while parent_id is not None:
            parent = self.by_id(parent_id)
            chain.append(parent)
            parent_id = parent.parent_id
        return chain[::-1]

    def children(self, code: Code, limit: int | None = None, offset: int = 0) -> list[Code]:
        """Direct children in official order."""
        sql = f"SELECT {CODE_COLUMNS} FROM codes WHERE parent_id = ? ORDER BY sort_key"
        args: list[Any] = [code.id]
        if limit is not None:
            sql += " LIMIT ? OFFSET ?"
            args += [limit, offset]
        return [Code(*row) for row in self.conn.execute(sql, args)]

    def count_children(self, code: Code) -> int:
        (count,) = self.conn.execute(
            "SELECT count(*) FROM codes WHERE parent_id = ?", (code.id,)
        ).fetchone()
        return count

    def roots(self, system: System | str) -> list[Code]:
        """Top of a system's tree (chapters, sections, range groups) in official order."""
        sql = f"SELECT {CODE_COLUMNS} FROM codes WHERE system = ? AND parent_id IS NULL "
        if str(system) == System.HCPCS_MOD:
            sql += "ORDER BY sort_key"
        else:
            sql += "AND kind != 'code' ORDER BY sort_key"
        return [Code(*row) for row in self.conn.execute(sql, (str(system),))]

    def subtree(
        self, prefix: str, systems: tuple[str, ...] = (), limit: int = 50, total: bool = True
    ) -> tuple[list[Code], int]:
        """Codes whose lookup form starts with `prefix`, in official order (for `E11.`, `J90`),
        and how many there are in all (-1 when `total` is False: counting costs a scan)."""
        key = code_key(prefix)
        where = "code_key >= ? AND code_key < ? AND kind NOT IN ('chapter', 'section', 'group')"
        args: list[Any] = [key, key + "\uffff"]
        if systems:
            where += f" AND system IN ({','.join('?' * len(systems))})"
            args.extend(systems)
        rows = self.conn.execute(
            f"SELECT {CODE_COLUMNS} FROM codes WHERE {where} ORDER BY system, sort_key LIMIT ?",
            [*args, limit],
        )
        codes = [Code(*row) for row in rows]
        if not total:
            return codes, -1
        (count,) = self.conn.execute(f"SELECT count(*) FROM codes WHERE {where}", args).fetchone()
        return codes, count

    # --- details ----------------------------------------------------------------------------
    def fields(self, code: Code) -> list[Field]:
        rows = self.conn.execute(
            "SELECT name, label, value, meaning FROM hcpcs_fields WHERE code_id = ? "
            "ORDER BY position",
            (code.id,),
        )
        return [Field(*row) for row in rows]

    def axes(self, code: Code) -> list[Axis]:
        """The seven ICD-10-PCS axes of a code, decoded through its table."""
        if code.system != System.ICD10PCS or len(code.code) != 7:
            return []
        table = self.lookup(code.code[:3], System.ICD10PCS)
        if not table:
            return []
        rows = self.conn.execute(
            "SELECT position, title, char, label, definition, source FROM pcs_axis_values "
            "WHERE table_id = ?",
            (table[0].id,),
        ).fetchall()
        values = {(row[0], row[2]): Axis(*row) for row in rows}
        return [
            values[(position, char)]
            for position, char in enumerate(code.code, start=1)
            if (position, char) in values
        ]

    def notes(self, code: Code, ancestors: list[Code] | None = None) -> list[AppliedNote]:
        """Tabular notes on the code and those its ancestors pass down, labelled by origin."""
        chain = [*(self.ancestors(code) if ancestors is None else ancestors), code]
        by_id = {node.id: node for node in chain}
        marks = ",".join("?" * len(chain))
        rows = self.conn.execute(
            "SELECT n.code_id, n.kind, n.text, n.source, coalesce(u.unit, n.seq), "
            "coalesce(u.lead, 0) FROM notes n "
            "LEFT JOIN note_units u ON u.code_id = n.code_id AND u.seq = n.seq "
            f"WHERE n.code_id IN ({marks}) ORDER BY n.code_id, n.seq",
            [node.id for node in chain],
        ).fetchall()
        depth = {node.id: index for index, node in enumerate(chain)}
        rows.sort(key=lambda row: depth[row[0]])
        return [
            AppliedNote(
                kind, text, by_id[code_id].code, code_id != code.id, source, unit, bool(lead)
            )
            for code_id, kind, text, source, unit, lead in rows
            if code_id == code.id or kind in INHERITED_NOTE_KINDS
        ]

    def conventions(self) -> list[Convention]:
        """The tabular introduction's conventions (Includes, Excludes1, placeholder X, ...)."""
        rows = self.conn.execute("SELECT title, text, source FROM tabular_conventions")
        return [Convention(*row) for row in rows]

    def pcs_term(self, section: str, position: int, term: str) -> PcsTerm | None:
        """What the ICD-10-PCS definitions file says of one axis value ("Alteration", the device
        "Nonautologous Tissue Substitute"), matched without regard to case; None where it says
        nothing."""
        row = self.conn.execute(
            f"SELECT {PCS_TERM_COLUMNS} FROM pcs_terms "
            "WHERE section = ? AND position = ? AND term = ?",
            (section, position, term),
        ).fetchone()
        return _pcs_term(row) if row else None

    def pcs_terms(self, section: str, position: int) -> list[PcsTerm]:
        """Every value of one axis of one section the definitions file explains, in term order
        (a table builder shows each value's definition and key entries)."""
        rows = self.conn.execute(
            f"SELECT {PCS_TERM_COLUMNS} FROM pcs_terms WHERE section = ? AND position = ? "
            "ORDER BY term",
            (section, position),
        )
        return [_pcs_term(row) for row in rows]

    def seventh_characters(
        self, code: Code, ancestors: list[Code] | None = None
    ) -> list[SeventhCharacter]:
        """The 7th-character values that apply, from the nearest node defining them."""
        chain = [*(self.ancestors(code) if ancestors is None else ancestors), code]
        for node in reversed(chain):
            rows = self.conn.execute(
                "SELECT char, meaning FROM seventh_characters WHERE code_id = ? ORDER BY char",
                (node.id,),
            ).fetchall()
            if rows:
                return [SeventhCharacter(char, meaning, node.code) for char, meaning in rows]
        return []

    def terms(self, code: Code) -> list[Term]:
        rows = self.conn.execute(
            "SELECT DISTINCT term, source FROM terms WHERE code_id = ? ORDER BY source, term",
            (code.id,),
        )
        return [Term(*row) for row in rows]

    def links(self, code: Code) -> list[Link]:
        """Cross-references both ways (C9449 -> J9039 shows on both pages)."""
        rows = self.conn.execute(
            "SELECT l.relation, 'to', c.system, c.code, c.long_title, c.status "
            "FROM code_links l JOIN codes c ON c.id = l.target_id WHERE l.code_id = ? "
            "UNION ALL "
            "SELECT l.relation, 'from', c.system, c.code, c.long_title, c.status "
            "FROM code_links l JOIN codes c ON c.id = l.code_id WHERE l.target_id = ?",
            (code.id, code.id),
        )
        return [Link(*row) for row in rows]

    def history(self, code: Code) -> list[HistoryEvent]:
        rows = self.conn.execute(
            "SELECT release, effective_date, event, old_title, new_title, basis FROM history "
            "WHERE code_id = ? ORDER BY effective_date, event",
            (code.id,),
        )
        return [HistoryEvent(*row) for row in rows]

    def details(self, code: Code, children_limit: int = 200) -> CodeDetails:
        """Everything known about `code`, for `show`, the code page and the JSON API."""
        ancestors = self.ancestors(code)
        return CodeDetails(
            code=code,
            ancestors=ancestors,
            children=self.children(code, limit=children_limit),
            children_total=self.count_children(code),
            fields=self.fields(code),
            axes=self.axes(code),
            notes=self.notes(code, ancestors),
            seventh_characters=self.seventh_characters(code, ancestors),
            terms=self.terms(code),
            links=self.links(code),
            history=self.history(code),
            source=self.source(code.title_source),
            caveats=self.caveats(code),
        )

    def caveats(self, code: Code) -> list[str]:
        """Gaps in the official data for this code, said plainly on every interface."""
        if code.system != System.ICD10CM or code.first_release is None:
            return []
        row = self.conn.execute(
            "SELECT max(release) FROM sources WHERE kind = 'icd10cm-tabular'"
        ).fetchone()
        tabular = row[0] if row else None
        if tabular and code.first_release > tabular:
            return [
                f"New in {code.first_release}: its descriptors come from the {code.first_release} "
                f"order file, but no {code.first_release} tabular is in this catalog, so its own "
                f"tabular notes and inclusion terms are not shown yet (notes inherited from its "
                f"categories come from the {tabular} tabular)."
            ]
        return []

    # --- manifest ---------------------------------------------------------------------------
    def meta(self) -> dict[str, str]:
        return dict(self.conn.execute("SELECT key, value FROM meta"))

    def releases(self, system: System | str | None = None) -> list[Release]:
        sql = "SELECT system, release, effective_date, codes, billable, is_current FROM releases"
        args: list[Any] = []
        if system:
            sql += " WHERE system = ?"
            args.append(str(system))
        rows = self.conn.execute(sql + " ORDER BY system, effective_date", args)
        return [Release(*row[:5], bool(row[5])) for row in rows]

    def sources(self) -> list[SourceFile]:
        rows = self.conn.execute(
            f"SELECT {SOURCE_COLUMNS} FROM sources ORDER BY kind, effective_date"
        )
        return [SourceFile(*row) for row in rows]

    def source(self, name: str) -> SourceFile | None:
        row = self.conn.execute(
            f"SELECT {SOURCE_COLUMNS} FROM sources WHERE name = ?",
            (name,),
        ).fetchone()
        return SourceFile(*row) if row else None

    def release_changes(self, system: System | str, release: str) -> dict[str, list[Code]]:
        """What one release added, revised and terminated, in official order."""
        changes: dict[str, list[Code]] = {e: [] for e in HISTORY_EVENTS}
        rows = self.conn.execute(
            f"SELECT h.event, {', '.join('c.' + c.strip() for c in CODE_COLUMNS.split(','))} "
            "FROM history h JOIN codes c ON c.id = h.code_id "
            "WHERE c.system = ? AND h.release = ? ORDER BY c.sort_key",
            (str(system), release),
        )
        for event, *row in rows:
            changes.setdefault(event, []).append(Code(*row))
        return changes


def _pcs_term(row: tuple[Any, ...]) -> PcsTerm:
    """A pcs_terms row as a record; `includes` is stored one entry per line."""
    *head, includes, source = row
    return PcsTerm(*head, tuple(filter(None, includes.split("\n"))), source)
