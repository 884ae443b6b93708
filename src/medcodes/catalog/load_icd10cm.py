"""ICD-10-CM into catalog rows: order files (codes, history), tabular (tree, notes).

Hierarchy: chapter > section > category > subcategory > code. Chapters and sections come
from the newest tabular XML (they are not in order files); a code's parent is its longest
proper prefix in the code set, a category's parent its tabular section.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from medcodes.catalog.history import (
    Merged,
    Snapshot,
    change_rows,
    diff_history,
    merge_snapshots,
    merged_row,
)
from medcodes.catalog.rows import CodeRow, ConventionRow, Loaded, NoteRow, SeventhRow, TermRow
from medcodes.catalog.sources_read import manifest_row, of_kind, order_snapshot, release_rows
from medcodes.sources import icd10cm
from medcodes.sources.registry import Kind, Located
from medcodes.systems import System, code_key, icd10cm_official

SYSTEM = System.ICD10CM.value
NOTE_TERM_SOURCES = {"inclusionTerm": "inclusion"}


def load_icd10cm(located: list[Located], sources_dir: Path) -> Loaded:
    """All ICD-10-CM rows: every code of every ingested release, tree, notes, terms, history."""
    loaded = Loaded()
    snapshots: list[Snapshot] = []
    for item in of_kind(located, Kind.CM_ORDER):
        snapshot, rows = order_snapshot(item, icd10cm_official)
        snapshots.append(snapshot)
        loaded.manifest.append(manifest_row(item, sources_dir, rows))
    merged = merge_snapshots(snapshots)
    tabulars = of_kind(located, Kind.CM_TABULAR)
    nodes = list(icd10cm.parse_tabular(tabulars[-1].path))
    for item in tabulars[:-1]:
        loaded.manifest.append(
            manifest_row(item, sources_dir, sum(1 for _ in icd10cm.parse_tabular(item.path)))
        )
    tabular_source = tabulars[-1].source.name
    loaded.manifest.append(manifest_row(tabulars[-1], sources_dir, len(nodes)))

    headers = _header_rows(nodes, tabular_source)
    sections = [row for row in headers if row.kind == "section"]
    header_codes = _header_codes(nodes)
    category_section = {
        n.code: header_codes[("section", n.parent or "")]
        for n in nodes
        if n.kind == "diag" and "." not in n.code
    }
    sources_by_release = {
        item.source.release: item.source.name for item in of_kind(located, Kind.CM_ORDER)
    }
    loaded.codes.extend(headers)
    loaded.codes.extend(
        _code_rows(merged, sections, category_section, sources_by_release, snapshots[-1])
    )
    known = {row.code for row in loaded.codes}
    loaded.notes.extend(_note_rows(nodes, known, tabular_source))
    loaded.conventions.extend(
        ConventionRow(c.title, c.text, tabular_source)
        for c in icd10cm.parse_conventions(tabulars[-1].path)
    )
    loaded.seventh.extend(
        SeventhRow(n.code, char, meaning)
        for n in nodes
        if n.code in known
        for char, meaning in n.seven_chr_def
    )
    loaded.terms.extend(_inclusion_terms(nodes, known))
    loaded.history.extend(diff_history(SYSTEM, snapshots, "order files compared"))
    loaded.releases.extend(release_rows(SYSTEM, snapshots))
    loaded.changes.extend(change_rows(SYSTEM, snapshots))
    for item in of_kind(located, Kind.CM_ADDENDA):
        loaded.manifest.append(
            manifest_row(item, sources_dir, sum(1 for _ in icd10cm.parse_order_addenda(item.path)))
        )
    return loaded


def _header_codes(nodes: list[icd10cm.TabularNode]) -> dict[tuple[str, str], str]:
    """(kind, tabular id) -> catalog code for chapters and sections: always their range,
    since a one-category section's id is that category's code ("B10" -> "B10-B10")."""
    return {
        (n.kind, n.code): f"{n.first_code}-{n.last_code}"
        for n in nodes
        if n.kind in ("chapter", "section")
    }


def _header_rows(nodes: list[icd10cm.TabularNode], source: str) -> list[CodeRow]:
    """Chapters and sections as codes named by their range ("E00-E89", "E08-E13")."""
    codes = _header_codes(nodes)
    rows: list[CodeRow] = []
    for node in nodes:
        if node.kind == "chapter":
            code, parent, rank = codes[("chapter", node.code)], None, 0
        elif node.kind == "section":
            code, parent, rank = (
                codes[("section", node.code)],
                codes[("chapter", node.parent or "")],
                1,
            )
        else:
            continue
        rows.append(
            CodeRow(
                SYSTEM,
                code,
                node.kind,
                node.title,
                node.title,
                False,
                parent,
                (code_key(node.first_code), rank),
                source,
            )
        )
    return rows


def _code_rows(
    merged: dict[str, Merged],
    sections: list[CodeRow],
    category_section: dict[str, str | None],
    sources_by_release: dict[str, str],
    newest: Snapshot,
) -> Iterator[CodeRow]:
    keys = {code_key(code): code for code in merged}
    for code, item in merged.items():
        key = code_key(code)
        parent = (
            _prefix_parent(key, keys)
            if len(key) > 3
            else (category_section.get(code) or _section_by_range(key, sections))
        )
        kind = "category" if len(key) == 3 else ("code" if item.latest.billable else "subcategory")
        yield merged_row(
            SYSTEM,
            code,
            item,
            newest,
            kind=kind,
            parent=parent,
            sort=(key, 2),
            title_source=sources_by_release[item.last_release],
        )


def _prefix_parent(key: str, keys: dict[str, str]) -> str | None:
    for length in range(len(key) - 1, 2, -1):
        if key[:length] in keys:
            return keys[key[:length]]
    return None


def _section_by_range(key: str, sections: list[CodeRow]) -> str | None:
    for section in sections:
        first, _, last = section.code.partition("-")
        if first <= key <= (last or first):
            return section.code
    return None


def _note_rows(nodes: list[icd10cm.TabularNode], known: set[str], source: str) -> Iterator[NoteRow]:
    header_codes = _header_codes(nodes)
    for node in nodes:
        code = header_codes.get((node.kind, node.code), node.code)
        if code not in known:
            continue
        notes = [(n.kind, n.text, n.unit, n.lead) for n in node.notes]
        if node.seven_chr_note:
            unit = notes[-1][2] + 1 if notes else 0
            notes.append(("sevenChrNote", node.seven_chr_note, unit, False))
        for seq, (kind, text, unit, lead) in enumerate(notes):
            yield NoteRow(SYSTEM, code, seq, kind, text, source, unit, lead)


def _inclusion_terms(nodes: list[icd10cm.TabularNode], known: set[str]) -> Iterator[TermRow]:
    for node in nodes:
        if node.kind != "diag" or node.code not in known:
            continue
        for note in node.notes:
            if note.kind in NOTE_TERM_SOURCES:
                yield TermRow(SYSTEM, node.code, note.text, NOTE_TERM_SOURCES[note.kind])
