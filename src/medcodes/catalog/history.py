"""Code history from consecutive releases: added, descriptor revised, subdivided (billable
code became a header) or made billable, terminated.

Releases are compared in effective-date order. A code missing from the oldest ingested
release's predecessor is not called "added": we only state what the files show.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from medcodes.catalog.diff import ABSENT, ACTIVE, ENDED
from medcodes.catalog.rows import ChangeRow, CodeRow, HistoryRow


@dataclass(frozen=True, slots=True)
class Entry:
    """One code as one release states it."""

    code: str
    short_title: str
    long_title: str
    billable: bool
    active: bool = True  # False: listed with a termination date before the release


@dataclass(frozen=True, slots=True)
class Snapshot:
    """All codes of one release of one system."""

    release: str
    effective_date: date
    entries: dict[str, Entry]


@dataclass(frozen=True, slots=True)
class Merged:
    """A code across releases: its newest entry and where it was seen."""

    latest: Entry
    first_release: str
    last_release: str
    in_newest: bool


def merged_row(
    system: str,
    code: str,
    item: Merged,
    newest: Snapshot,
    *,
    kind: str,
    parent: str | None,
    sort: tuple[str, int],
    title_source: str,
) -> CodeRow:
    """The catalog row of a code seen across releases: titles from its newest release;
    active, or terminated the day before the newest release that lacks it."""
    terminated = None if item.in_newest else newest.effective_date - timedelta(days=1)
    return CodeRow(
        system,
        code,
        kind,
        item.latest.short_title,
        item.latest.long_title,
        item.latest.billable and item.in_newest,
        parent,
        sort,
        title_source,
        status="active" if item.in_newest else "terminated",
        first_release=item.first_release,
        last_release=item.last_release,
        terminated_date=terminated,
    )


def merge_snapshots(snapshots: Sequence[Snapshot]) -> dict[str, Merged]:
    """Every code of any release with its newest entry; snapshots sorted oldest first."""
    merged: dict[str, Merged] = {}
    newest = snapshots[-1].release
    for snap in snapshots:
        for code, entry in snap.entries.items():
            first = merged[code].first_release if code in merged else snap.release
            merged[code] = Merged(entry, first, snap.release, snap.release == newest)
    return merged


def diff_history(system: str, snapshots: Sequence[Snapshot], basis: str) -> list[HistoryRow]:
    """History events from comparing each release with the one before it."""
    events: list[HistoryRow] = []
    for before, after in zip(snapshots, snapshots[1:], strict=False):
        events.extend(_diff_pair(system, before, after, basis))
    return events


def _diff_pair(system: str, before: Snapshot, after: Snapshot, basis: str) -> list[HistoryRow]:
    how = f"{basis}: {before.release} -> {after.release}"
    last_day = after.effective_date - timedelta(days=1)
    events: list[HistoryRow] = []

    def event(code: str, name: str, old: str, new: str, day: date = after.effective_date) -> None:
        events.append(HistoryRow(system, code, after.release, day, name, old, new, how))

    for code, new in after.entries.items():
        old = before.entries.get(code)
        if old is None:
            event(code, "added", "", new.long_title)
            continue
        if old.long_title != new.long_title:
            event(code, "revised", old.long_title, new.long_title)
        if old.billable != new.billable:
            # The addenda list these as a code deleted and a header added (or back).
            name = "subdivided" if old.billable else "made billable"
            event(code, name, old.long_title, new.long_title)
    for code, old in before.entries.items():
        if code not in after.entries:
            event(code, "terminated", old.long_title, "", last_day)
    return events


def change_rows(system: str, snapshots: Sequence[Snapshot]) -> Iterator[ChangeRow]:
    """Rows of the `release_changes` table for consecutive snapshots (oldest first), in the
    newer release's file order, then the dropped codes in the older one's."""
    for before, after in zip(snapshots, snapshots[1:], strict=False):
        old_entries = before.entries
        for code, new in after.entries.items():
            old = old_entries.get(code)
            if old is None or old.active != new.active or old.long_title != new.long_title:
                yield _change(system, before, after, code, old, new)
        for code, old in old_entries.items():
            if code not in after.entries:
                yield _change(system, before, after, code, old, None)


def _change(
    system: str, before: Snapshot, after: Snapshot, code: str, old: Entry | None, new: Entry | None
) -> ChangeRow:
    return ChangeRow(
        system,
        before.release,
        after.release,
        code,
        _state(old),
        _state(new),
        old.long_title if old else "",
        new.long_title if new else "",
    )


def _state(entry: Entry | None) -> str:
    return ABSENT if entry is None else ACTIVE if entry.active else ENDED
