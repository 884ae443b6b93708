"""ICD-10-PCS into catalog rows: order files (codes, history), tables (axes), definitions, index.

Hierarchy: section (1st character) > body system (2nd) > table (3 characters) > code.
Sections and body systems are named by the tables XML; tables are order-file headers.
Axis values are stored per table; a code's seven axes are a read (`catalog/read.py`).
"""

from __future__ import annotations

import bisect
import itertools
import re
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
from medcodes.catalog.rows import AxisValueRow, CodeRow, Loaded, PcsTermRow, TermRow
from medcodes.catalog.sources_read import manifest_row, of_kind, order_snapshot, release_rows
from medcodes.sources import icd10pcs, icd10pcs_index
from medcodes.sources.registry import Kind, Located
from medcodes.systems import System, code_key

SYSTEM = System.ICD10PCS.value
KIND_BY_LENGTH = {1: "section", 2: "body-system", 3: "table"}
MAX_CODES_PER_INDEX_ENTRY = 60  # a broad index prefix names a family, not each code
# A reference naming an operation and a qualifier rather than a table ("Biopsy" see "Excision
# with qualifier Diagnostic"): it names every code with both, wherever their tables are. A
# drainage draws fluid (a diagnostic one is a tap from a vein or a cavity), not the cells or
# tissue the headings that refer to it mean ("Biopsy" see "Drainage with qualifier
# Diagnostic"; anyone searching "biopsy", or reading MedlinePlus Biopsy): not resolved.
_QUALIFIED = re.compile(r"^(?P<operation>.+?) with qualifier (?P<qualifier>.+)$")
FLUID_OPERATIONS = frozenset({"Drainage"})


def load_icd10pcs(located: list[Located], sources_dir: Path) -> Loaded:
    """All ICD-10-PCS rows: codes of every ingested release, tree, axes, index terms, history."""
    loaded = Loaded()
    snapshots = []
    sources_by_release = {}
    for item in of_kind(located, Kind.PCS_ORDER):
        snapshot, rows = order_snapshot(item, code_key)
        snapshots.append(snapshot)
        sources_by_release[item.source.release] = item.source.name
        loaded.manifest.append(manifest_row(item, sources_dir, rows))
    merged = merge_snapshots(snapshots)
    table_files = of_kind(located, Kind.PCS_TABLES)
    tables = icd10pcs.parse_tables(table_files[-1].path)
    for item in table_files:
        count = len(tables) if item is table_files[-1] else len(icd10pcs.parse_tables(item.path))
        loaded.manifest.append(manifest_row(item, sources_dir, count))
    definition_files = of_kind(located, Kind.PCS_DEFINITIONS)
    definitions = icd10pcs.parse_definitions(definition_files[-1].path)
    for item in definition_files:
        count = (
            len(definitions)
            if item is definition_files[-1]
            else len(icd10pcs.parse_definitions(item.path))
        )
        loaded.manifest.append(manifest_row(item, sources_dir, count))

    tables_source = table_files[-1].source.name
    loaded.codes.extend(_upper_rows(tables, tables_source))
    loaded.codes.extend(_code_rows(merged, sources_by_release, snapshots[-1]))
    loaded.axis_values.extend(
        _axis_rows(tables, definitions, tables_source, definition_files[-1].source.name)
    )
    loaded.pcs_terms.extend(
        PcsTermRow(
            d.section,
            d.axis_position,
            d.term,
            d.definition,
            d.explanation,
            d.includes,
            definition_files[-1].source.name,
        )
        for d in definitions
    )
    codes = sorted(row.code for row in loaded.codes)
    for item in of_kind(located, Kind.PCS_INDEX):
        terms = list(icd10pcs_index.parse_index(item.path))
        loaded.manifest.append(manifest_row(item, sources_dir, len(terms)))
        loaded.terms.extend(_index_terms(terms, codes))
        loaded.terms.extend(_qualified_terms(terms, tables, set(codes)))
    loaded.history.extend(diff_history(SYSTEM, snapshots, "order files compared"))
    loaded.releases.extend(release_rows(SYSTEM, snapshots))
    loaded.changes.extend(change_rows(SYSTEM, snapshots))
    return loaded


def _upper_rows(tables: list[icd10pcs.PcsTable], source: str) -> Iterator[CodeRow]:
    """Sections and body systems, named by the first two axes of their tables."""
    seen: set[str] = set()
    for table in tables:
        section, body_system = table.axes[0], table.axes[1]
        for code, value, parent in (
            (section.char, section, None),
            (section.char + body_system.char, body_system, section.char),
        ):
            if code in seen:
                continue
            seen.add(code)
            title = value.label if parent is None else f"{section.label}, {value.label}"
            yield CodeRow(
                SYSTEM,
                code,
                KIND_BY_LENGTH[len(code)],
                value.label,
                title,
                False,
                parent,
                (code, 0),
                source,
            )


def _code_rows(
    merged: dict[str, Merged], sources_by_release: dict[str, str], newest: Snapshot
) -> Iterator[CodeRow]:
    for code, item in merged.items():
        kind = KIND_BY_LENGTH.get(len(code), "code")
        parent = code[:3] if len(code) == 7 else code[:2]
        yield merged_row(
            SYSTEM,
            code,
            item,
            newest,
            kind=kind,
            parent=parent,
            sort=(code, 0),
            title_source=sources_by_release[item.last_release],
        )


def _axis_rows(
    tables: list[icd10pcs.PcsTable],
    definitions: list[icd10pcs.PcsDefinition],
    tables_source: str,
    definitions_source: str,
) -> Iterator[AxisValueRow]:
    """Each table's values per axis position, with the official definition where one exists."""
    defined = {(d.section, d.axis_position, d.term.casefold()): d.definition for d in definitions}
    for table in tables:
        values: dict[tuple[int, str], icd10pcs.AxisValue] = {}
        for value in table.axes:
            values[(value.position, value.char)] = value
        for row in table.rows:
            for position_values in row.axes:
                for value in position_values:
                    values.setdefault((value.position, value.char), value)
        section = table.prefix[0]
        for value in values.values():
            official = defined.get((section, value.position, value.label.casefold()), "")
            definition = value.definition or official
            source = tables_source if value.definition or not official else definitions_source
            yield AxisValueRow(
                table.prefix,
                value.position,
                value.title,
                value.char,
                value.label,
                definition,
                source,
            )


def _index_terms(terms: list[icd10pcs_index.PcsIndexTerm], codes: list[str]) -> Iterator[TermRow]:
    """Index headings on the codes their code or prefix names (tables for 3-character ones)."""
    for term in terms:
        for code in _codes_under(term.code, codes):
            yield TermRow(SYSTEM, code, term.term, "pcs-index")


def _qualified_terms(
    terms: list[icd10pcs_index.PcsIndexTerm], tables: list[icd10pcs.PcsTable], codes: set[str]
) -> Iterator[TermRow]:
    """Headings whose reference names an operation with a qualifier, on the codes that have
    both: "Biopsy" on 0FB03ZX (Excision of Liver, Percutaneous Approach, Diagnostic)."""
    for term in terms:
        named = _QUALIFIED.match(term.see) if term.reference == "see" and not term.code else None
        if named is None or named["operation"] in FLUID_OPERATIONS:
            continue
        for code in _codes_with(tables, named["operation"], named["qualifier"]):
            if code in codes:
                yield TermRow(SYSTEM, code, term.term, "pcs-index")


def _codes_with(tables: list[icd10pcs.PcsTable], operation: str, qualifier: str) -> Iterator[str]:
    """The codes the tables allow with this third-axis value (the root operation) and this
    qualifier (the seventh)."""
    for table in tables:
        if table.axes[2].label != operation:
            continue
        for row in table.rows:
            qualifiers = "".join(v.char for v in row.axes[3] if v.label == qualifier)
            if qualifiers:
                for tail in itertools.product(*row.chars[:3], qualifiers):
                    yield table.prefix + "".join(tail)


def _codes_under(prefix: str, codes: list[str]) -> list[str]:
    if len(prefix) <= 3:
        found = bisect.bisect_left(codes, prefix)
        return [prefix] if found < len(codes) and codes[found] == prefix else []
    start = bisect.bisect_left(codes, prefix)
    matched: list[str] = []
    for code in itertools.islice(codes, start, None):  # a slice would copy the list
        if not code.startswith(prefix) or len(matched) == MAX_CODES_PER_INDEX_ENTRY:
            break
        if len(code) == 7:
            matched.append(code)
    return matched
