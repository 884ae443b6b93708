"""Loaded rows -> SQL: assigns ids in official order, resolves parents, inserts in bulk."""

from __future__ import annotations

import sqlite3
from datetime import date
from importlib import resources

from medcodes.catalog.rows import CodeRow, Key, Loaded
from medcodes.systems import code_key


def create_schema(conn: sqlite3.Connection) -> None:
    conn.executescript(resources.files("medcodes.catalog").joinpath("schema.sql").read_text())


def write_loaded(conn: sqlite3.Connection, loaded: Loaded) -> None:
    """Insert everything `loaded` holds; rows that name unknown codes are a bug, so they fail."""
    ids = _insert_codes(conn, loaded.codes)
    conn.executemany(
        "INSERT INTO history VALUES (?,?,?,?,?,?,?)",
        (
            (
                ids[(h.system, h.code)],
                h.release,
                _day(h.effective_date),
                h.event,
                h.old_title,
                h.new_title,
                h.basis,
            )
            for h in loaded.history
        ),
    )
    conn.executemany(
        "INSERT INTO hcpcs_fields VALUES (?,?,?,?,?,?)",
        (
            (ids[(f.system, f.code)], f.position, f.name, f.label, f.value, f.meaning)
            for f in loaded.fields
        ),
    )
    conn.executemany(
        "INSERT INTO code_links VALUES (?,?,?,?)",
        (
            (ids[(k.system, k.code)], ids[(k.target_system, k.target_code)], k.relation, k.source)
            for k in loaded.links
        ),
    )
    conn.executemany(
        "INSERT INTO notes VALUES (?,?,?,?,?)",
        ((ids[(n.system, n.code)], n.seq, n.kind, n.text, n.source) for n in loaded.notes),
    )
    conn.executemany(
        "INSERT INTO note_units VALUES (?,?,?,?)",
        (
            (ids[(n.system, n.code)], n.seq, n.unit, int(n.lead))
            for n in loaded.notes
            if n.unit is not None
        ),
    )
    conn.executemany(
        "INSERT INTO tabular_conventions VALUES (?,?,?)",
        ((c.title, c.text, c.source) for c in loaded.conventions),
    )
    conn.executemany(
        "INSERT INTO pcs_terms VALUES (?,?,?,?,?,?,?)",
        (
            (
                t.section,
                t.position,
                t.term,
                t.definition,
                t.explanation,
                "\n".join(t.includes),
                t.source,
            )
            for t in loaded.pcs_terms
        ),
    )
    conn.executemany(
        "INSERT INTO seventh_characters VALUES (?,?,?)",
        ((ids[("ICD10CM", s.code)], s.char, s.meaning) for s in loaded.seventh),
    )
    conn.executemany(
        "INSERT INTO pcs_axis_values VALUES (?,?,?,?,?,?,?)",
        (
            (
                ids[("ICD10PCS", a.table)],
                a.position,
                a.title,
                a.char,
                a.label,
                a.definition,
                a.source,
            )
            for a in loaded.axis_values
            if ("ICD10PCS", a.table) in ids
        ),
    )
    terms = [t for t in loaded.terms if (t.system, t.code) in ids]
    if len(terms) < len(loaded.terms):
        loaded.warnings.append(
            f"{len(loaded.terms) - len(terms)} names or index terms point to codes in no "
            "ingested release (left out)"
        )
    conn.executemany(
        "INSERT INTO terms VALUES (?,?,?)",
        ((ids[(t.system, t.code)], t.term, t.source) for t in terms),
    )
    conn.executemany(
        "INSERT INTO releases VALUES (?,?,?,?,?,?)",
        (
            (r.system, r.release, _day(r.effective_date), r.codes, r.billable, int(r.is_current))
            for r in loaded.releases
        ),
    )
    conn.executemany(
        "INSERT INTO release_changes VALUES (?,?,?,?,?,?,?,?)",
        (
            (
                c.system,
                c.from_release,
                c.to_release,
                ids[(c.system, c.code)],
                c.old_state,
                c.new_state,
                c.old_title,
                c.new_title,
            )
            for c in loaded.changes
        ),
    )
    conn.executemany(
        "INSERT INTO sources VALUES (?,?,?,?,?,?,?,?)",
        (
            (m.name, m.kind, m.release, _day(m.effective_date), m.file, m.sha256, m.rows, m.url)
            for m in loaded.manifest
        ),
    )


def _insert_codes(conn: sqlite3.Connection, codes: list[CodeRow]) -> dict[Key, int]:
    ordered = sorted(codes, key=lambda row: (row.system, row.sort, row.code))
    ids = {(row.system, row.code): number for number, row in enumerate(ordered, start=1)}
    if len(ids) != len(ordered):
        raise ValueError("duplicate (system, code) among loaded codes")
    by_key = {(row.system, row.code): row for row in ordered}
    depth: dict[Key, int] = {}

    def depth_of(row: CodeRow) -> int:
        key = (row.system, row.code)
        if key not in depth:
            parent = by_key.get((row.system, row.parent)) if row.parent else None
            depth[key] = 0 if parent is None else depth_of(parent) + 1
        return depth[key]

    conn.executemany(
        "INSERT INTO codes VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        (
            (
                ids[(row.system, row.code)],
                row.system,
                row.code,
                code_key(row.code),
                row.kind,
                row.short_title,
                row.long_title,
                int(row.billable),
                ids.get((row.system, row.parent)) if row.parent else None,
                depth_of(row),
                ids[(row.system, row.code)],
                row.status,
                row.first_release,
                row.last_release,
                _day(row.added_date),
                _day(row.terminated_date),
                row.title_source,
            )
            for row in ordered
        ),
    )
    return ids


def _day(value: date | None) -> str | None:
    return value.isoformat() if value else None
