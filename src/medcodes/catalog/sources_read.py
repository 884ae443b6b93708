"""Small helpers the per-system loaders share: manifest rows and snapshots from order files."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path

from medcodes.catalog.history import Entry, Snapshot
from medcodes.catalog.rows import ManifestRow, ReleaseRow
from medcodes.errors import SourceFormatError
from medcodes.sources.csv_table import SkippedRow
from medcodes.sources.files import sha256_file
from medcodes.sources.order_file import OrderRecord, parse_order_file
from medcodes.sources.registry import Kind, Located


def manifest_row(located: Located, sources_dir: Path, rows: int) -> ManifestRow:
    """The manifest line for one file the build read."""
    source = located.source
    relative = _relative(located.path, sources_dir)
    return ManifestRow(
        name=source.name,
        kind=source.kind.value,
        release=source.release,
        effective_date=source.effective_date,
        file=relative,
        sha256=sha256_file(located.path),
        rows=rows,
        url=source.url,
    )


def skipped_warnings(skipped: list[SkippedRow], sources_dir: Path) -> list[str]:
    """One build warning per row a parser left out ("file, line N: why"), then a count per
    file, so the build report says how many rows of each file were skipped."""
    counts = Counter(_relative(Path(row.file), sources_dir) for row in skipped)
    return [
        f"{_relative(Path(row.file), sources_dir)}, line {row.line}: {row.why}" for row in skipped
    ] + [
        f"{name}: {count} malformed rows left out (each listed above)"
        for name, count in counts.items()
    ]


def _relative(path: Path, sources_dir: Path) -> str:
    try:
        return str(path.relative_to(sources_dir))
    except ValueError:
        return str(path)


def of_kind(located: Iterable[Located], kind: Kind) -> list[Located]:
    """The files of one kind, oldest release first."""
    return sorted(
        (item for item in located if item.source.kind == kind),
        key=lambda item: item.source.effective_date,
    )


def order_snapshot(located: Located, official: Callable[[str], str]) -> tuple[Snapshot, int]:
    """A release snapshot from an order file, codes in official form; and the row count."""
    entries: dict[str, Entry] = {}
    records: list[OrderRecord] = list(
        parse_order_file(located.path, member=located.source.member or r"order_\d{4}\.txt$")
    )
    for record in records:
        code = official(record.code)
        if code in entries:
            raise SourceFormatError(located.path, record.line, f"code {code} appears twice")
        entries[code] = Entry(code, record.short_title, record.long_title, record.billable)
    if not entries:
        raise SourceFormatError(located.path, None, "no records: the file is empty or truncated")
    snapshot = Snapshot(located.source.release, located.source.effective_date, entries)
    return snapshot, len(records)


def release_rows(system: str, snapshots: list[Snapshot]) -> list[ReleaseRow]:
    """Counts per release for the `releases` table; the newest is current."""
    return [
        ReleaseRow(
            system,
            snap.release,
            snap.effective_date,
            len(snap.entries),
            sum(entry.billable for entry in snap.entries.values()),
            snap is snapshots[-1],
        )
        for snap in snapshots
    ]
