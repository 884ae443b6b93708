"""Code history from consecutive releases: added, descriptor revised, subdivided (billable
code became a header) or made billable, terminated.

Releases are compared in effective-date order. A code missing from the oldest ingested
release's predecessor is not called "added": we only state what the files show.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from medcodes.catalog.rows import HistoryRow


@dataclass(frozen=True, slots=True)
class Entry:
    """One code as one release states it."""

    code: str
    short_title: str
    long_title: str
    billable: bool


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


def lifecycle(item: Merged, newest: Snapshot) -> dict[str, object]:
    """Status fields of a CodeRow: active, or terminated the day before the newest release."""
    terminated = None if item.in_newest else newest.effective_date - timedelta(days=1)
    return {
        "status": "active" if item.in_newest else "terminated",
        "first_release": item.first_release,
        "last_release": item.last_release,
        "terminated_date": terminated,
    }


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
    events: list[HistoryRow] = []
    for code, new in after.entries.items():
        old = before.entries.get(code)
        if old is None:
            events.append(
                HistoryRow(
                    system,
                    code,
                    after.release,
                    after.effective_date,
                    "added",
                    "",
                    new.long_title,
                    how,
                )
            )
        else:
            if old.long_title != new.long_title:
                events.append(
                    HistoryRow(
                        system,
                        code,
                        after.release,
                        after.effective_date,
                        "revised",
                        old.long_title,
                        new.long_title,
                        how,
                    )
                )
            if old.billable != new.billable:
                # The addenda list these as a code deleted and a header added (or back).
                event = "subdivided" if old.billable else "made billable"
                events.append(
                    HistoryRow(
                        system,
                        code,
                        after.release,
                        after.effective_date,
                        event,
                        old.long_title,
                        new.long_title,
                        how,
                    )
                )
    last_day = after.effective_date - timedelta(days=1)
    for code, old in before.entries.items():
        if code not in after.entries:
            events.append(
                HistoryRow(
                    system, code, after.release, last_day, "terminated", old.long_title, "", how
                )
            )
    return events
