"""HCPCS Level II into catalog rows: codes and modifiers of every release, decoded fields,
cross-references, processing notes, range groups, and history.

History comes first from what the newest record states (ADD DT, TERM DT), then from
comparing releases (descriptor revisions; codes that vanished without a TERM DT).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

from medcodes.catalog.hcpcs_groups import HCPCS_GROUPS, group_code, group_parent, narrowest_group
from medcodes.catalog.history import Entry, Snapshot, change_rows, diff_history
from medcodes.catalog.rows import (
    CodeRow,
    FieldRow,
    HistoryRow,
    LinkRow,
    Loaded,
    NoteRow,
    ReleaseRow,
)
from medcodes.catalog.sources_read import manifest_row, of_kind
from medcodes.sources import hcpcs
from medcodes.sources.hcpcs_workbook import parse_hcpcs_workbook
from medcodes.sources.registry import Kind, Located
from medcodes.systems import System

PROC = System.HCPCS.value
MOD = System.HCPCS_MOD.value


def load_hcpcs(located: list[Located], sources_dir: Path) -> Loaded:
    """All HCPCS rows: procedure codes and modifiers of every ingested release."""
    loaded = Loaded()
    releases: list[tuple[Located, list[hcpcs.HcpcsRecord]]] = []
    for item in release_files(located):
        records = parse_release(item)
        releases.append((item, records))
        loaded.manifest.append(manifest_row(item, sources_dir, len(records)))
    newest: dict[str, tuple[Located, hcpcs.HcpcsRecord]] = {}
    first_seen: dict[str, str] = {}
    for item, records in releases:
        for record in records:
            newest[record.code] = (item, record)
            first_seen.setdefault(record.code, item.source.release)
    successor = {
        before.source.release: after.source.effective_date
        for (before, _), (after, _) in zip(releases, releases[1:], strict=False)
    }
    loaded.codes.extend(_group_rows(releases[-1][0].source.name))
    for item, record in newest.values():
        next_release = successor.get(item.source.release)
        loaded.codes.append(_code_row(item, record, first_seen[record.code], next_release))
        loaded.fields.extend(_field_rows(record))
    notes = _processing_notes(located, sources_dir, loaded)
    for _, record in newest.values():
        loaded.notes.extend(_note_rows(record, notes))
        loaded.links.extend(_link_rows(record, newest))
    for system, is_modifier in ((PROC, False), (MOD, True)):
        snapshots = [_snapshot(item, records, is_modifier) for item, records in releases]
        loaded.history.extend(_history(system, snapshots, newest))
        loaded.changes.extend(change_rows(system, snapshots))
        loaded.releases.extend(
            ReleaseRow(
                system,
                s.release,
                s.effective_date,
                len(s.entries),
                len(s.entries),
                s is snapshots[-1],
            )
            for s in snapshots
        )
    return loaded


def release_files(located: list[Located]) -> list[Located]:
    """The file of each HCPCS release, fixed-width or workbook, oldest release first."""
    files = [*of_kind(located, Kind.HCPCS), *of_kind(located, Kind.HCPCS_WORKBOOK)]
    return sorted(files, key=lambda item: item.source.effective_date)


def parse_release(item: Located) -> list[hcpcs.HcpcsRecord]:
    """Every record of one release, read in the format its file has."""
    if item.source.kind == Kind.HCPCS_WORKBOOK:
        return parse_hcpcs_workbook(item.path, item.source.member)
    return hcpcs.parse_hcpcs(item.path, item.source.member or hcpcs.HCPCS_MEMBER)


def _group_rows(source: str) -> Iterator[CodeRow]:
    for first, last, title in HCPCS_GROUPS:
        parent = group_parent(first, last)
        yield CodeRow(
            PROC,
            group_code(first, last),
            "group",
            title,
            title,
            False,
            parent,
            (first, 0 if parent is None else 1),
            source,
        )


def _code_row(
    item: Located, record: hcpcs.HcpcsRecord, first_release: str, next_release: date | None
) -> CodeRow:
    """A code from its newest record; one gone from later releases without a TERM DT is
    terminated the day before the first release that lacks it (the latest it can have been)."""
    system = MOD if record.is_modifier else PROC
    terminated = record.termination_date
    if terminated is None and next_release is not None:
        terminated = next_release - timedelta(days=1)
    return CodeRow(
        system,
        record.code,
        "modifier" if record.is_modifier else "code",
        record.short_description,
        record.long_description,
        True,
        None if record.is_modifier else narrowest_group(record.code),
        (record.code, 2),
        item.source.name,
        status="terminated" if terminated else "active",
        first_release=first_release,
        last_release=item.source.release,
        added_date=record.add_date,
        terminated_date=terminated,
    )


def _field_rows(record: hcpcs.HcpcsRecord) -> Iterator[FieldRow]:
    system = MOD if record.is_modifier else PROC
    for position, field in enumerate(record.fields):
        yield FieldRow(
            system, record.code, position, field.name, field.label, field.value, field.meaning
        )


def _processing_notes(located: list[Located], sources_dir: Path, loaded: Loaded) -> dict[str, str]:
    notes: dict[str, str] = {}
    for item in of_kind(located, Kind.HCPCS_NOTES):
        notes = hcpcs.parse_processing_notes(item.path)
        loaded.manifest.append(manifest_row(item, sources_dir, len(notes)))
    return notes


def _note_rows(record: hcpcs.HcpcsRecord, notes: dict[str, str]) -> Iterator[NoteRow]:
    system = MOD if record.is_modifier else PROC
    for field in record.fields:
        if field.name == "PROCNOTE" and field.value in notes:
            yield NoteRow(
                system,
                record.code,
                0,
                "processingNote",
                notes[field.value],
                f"{Kind.HCPCS_NOTES.value} note {field.value}",
            )


def _link_rows(
    record: hcpcs.HcpcsRecord, newest: dict[str, tuple[Located, hcpcs.HcpcsRecord]]
) -> Iterator[LinkRow]:
    for target in record.xrefs:
        if target in newest and not newest[target][1].is_modifier:
            yield LinkRow(PROC, record.code, PROC, target, "cross-reference", "XREF")


def _snapshot(item: Located, records: list[hcpcs.HcpcsRecord], modifiers: bool) -> Snapshot:
    """A release's codes; one listed with a termination date before the release took effect
    is in the file but no longer valid."""
    effective = item.source.effective_date
    entries = {
        r.code: Entry(
            r.code,
            r.short_description,
            r.long_description,
            True,
            active=r.termination_date is None or r.termination_date >= effective,
        )
        for r in records
        if r.is_modifier == modifiers
    }
    return Snapshot(item.source.release, effective, entries)


def _history(
    system: str,
    snapshots: list[Snapshot],
    newest: dict[str, tuple[Located, hcpcs.HcpcsRecord]],
) -> Iterator[HistoryRow]:
    """Stated events (ADD DT, TERM DT) first; comparison fills what the record does not state."""
    stated_added: set[str] = set()
    stated_terminated: set[str] = set()
    for code in {c for s in snapshots for c in s.entries}:
        item, record = newest[code]
        if record.add_date:
            stated_added.add(code)
            yield HistoryRow(
                system,
                code,
                release_of(record.add_date),
                record.add_date,
                "added",
                "",
                record.long_description,
                f"ADD DT in {item.source.name}",
            )
        if record.termination_date:
            stated_terminated.add(code)
            yield HistoryRow(
                system,
                code,
                release_of(record.termination_date + timedelta(days=1)),
                record.termination_date,
                "terminated",
                record.long_description,
                "",
                f"TERM DT in {item.source.name}",
            )
    for event in diff_history(system, snapshots, "releases compared"):
        if event.event == "added" and event.code in stated_added:
            continue
        if event.event == "terminated" and event.code in stated_terminated:
            continue
        yield event


def release_of(day: date) -> str:
    """HCPCS releases are quarterly and named by their month of effect: 2016-01-01 -> 2016-01.

    >>> release_of(date(2016, 1, 1))
    '2016-01'
    """
    return f"{day.year}-{day.month:02d}"
