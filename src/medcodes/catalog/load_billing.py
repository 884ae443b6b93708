"""Billing facts: NDC packages, Part B payment limits, MUEs, CMS-HCC / RxHCC categories.

Like the policies step, in two halves: `BillingStep.load` runs with the other loaders (parses
the newest file of each kind present, records it in the manifest, turns skipped rows into
warnings with a count per file); `BillingStep.write` runs as an enricher once the codes exist
(ties each row to its code and writes the tables of schema.sql's billing section). Every file
is optional: a build without one goes on, and the build names it as missing.

Only HCPCS Level II and ICD-10-CM rows are kept: the CPT rows of the ASP and MUE files (AMA
codes and descriptors) are dropped here and never reach the catalog.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

from medcodes.catalog.rows import Loaded
from medcodes.catalog.sources_read import manifest_row, of_kind, skipped_warnings
from medcodes.ndc import ndc11
from medcodes.sources import drugs
from medcodes.sources.csv_table import SkippedRow, note_skipped
from medcodes.sources.drugs import LEVEL2, AspCrosswalkRow, AspPriceRow, display_name
from medcodes.sources.mue import UnitEdit, parse_mue
from medcodes.sources.registry import Kind, Located
from medcodes.sources.risk_adjustment import (
    DiagnosisCategories,
    RiskWorkbook,
    parse_risk_workbook,
)
from medcodes.systems import code_key

UNKNOWN_SHOWN = 12  # codes named in a warning about codes no release holds
MUE_TITLE = "Medically Unlikely Edits (MUE), practitioner services"
Coded = TypeVar("Coded", AspPriceRow, UnitEdit)
Record = Any  # a parsed row of one of the billing files


@dataclass(frozen=True, slots=True)
class BillingFileRow:
    source: str
    title: str
    effective_from: date | None
    effective_through: date | None
    covers: str
    notes: tuple[str, ...]


@dataclass(slots=True)
class _Read:
    """What the billing files held, kept from `load` until the codes are written."""

    files: list[BillingFileRow] = field(default_factory=list)
    packages: list[tuple[AspCrosswalkRow, str]] = field(default_factory=list)
    prices: list[tuple[AspPriceRow, str]] = field(default_factory=list)
    edits: list[tuple[UnitEdit, str]] = field(default_factory=list)
    risk: list[tuple[RiskWorkbook, str]] = field(default_factory=list)


class BillingStep:
    """Read billing files with the sources; write billing tables once codes exist.

    One instance per build: `extra_steps=(("billing facts", step.load),)` and
    `enrichers=(("billing facts", step.write),)`.
    """

    def __init__(self) -> None:
        self._read = _Read()

    def load(self, located: list[Located], sources_dir: Path) -> Loaded:
        """Parse the newest file of each billing kind present; malformed rows are warnings."""
        loaded = Loaded()
        skipped: list[SkippedRow] = []
        # The crosswalk's manifest row and skipped rows are recorded by the drug-names loader.
        for item in _newest(located, Kind.ASP_CROSSWALK):
            self._crosswalk(item)
        for item in _newest(located, Kind.ASP_PRICING):
            count = self._pricing(item, skipped)
            loaded.manifest.append(manifest_row(item, sources_dir, count))
        for item in _newest(located, Kind.MUE_PRACTITIONER):
            edits = _first_per_code(list(parse_mue(item.path, skipped)), item.path, skipped)
            self._read.edits.extend((edit, item.source.name) for edit in edits)
            self._read.files.append(_file_row(item, MUE_TITLE))
            loaded.manifest.append(manifest_row(item, sources_dir, len(edits)))
        for item in _newest(located, Kind.HCC_MAPPING):
            book = parse_risk_workbook(item.path, skipped)
            self._read.risk.append((book, item.source.name))
            self._read.files.append(_workbook_row(item, book))
            loaded.manifest.append(manifest_row(item, sources_dir, len(book.rows)))
        loaded.warnings.extend(skipped_warnings(skipped, sources_dir))
        return loaded

    def write(self, conn: sqlite3.Connection) -> list[str]:
        """Tie every row to its code and insert; returns warnings for codes no release holds."""
        hcpcs = _Codes(conn, "HCPCS", lambda row: row.hcpcs)
        diagnoses = _Codes(conn, "ICD10CM", lambda row: code_key(row.code))
        read = self._read
        _insert(conn, "billing_files", [_file_values(item) for item in read.files])
        _insert(conn, "ndc_packages", hcpcs.rows(read.packages, _package_values))
        _insert(conn, "payment_limits", hcpcs.rows(read.prices, _price_values))
        _insert(conn, "unit_limits", hcpcs.rows(read.edits, _edit_values))
        for book, source in read.risk:
            rows = diagnoses.rows([(row, source) for row in book.rows], _category_values)
            _insert(conn, "risk_categories", rows, ignore_repeats=True)
            labels = [(label.model, label.category, label.label, source) for label in book.labels]
            _insert(conn, "risk_category_labels", labels)
        self._read = _Read()  # written: the build's peak memory (the index) comes later
        return hcpcs.warnings() + diagnoses.warnings()

    def _crosswalk(self, item: Located) -> None:
        rows = drugs.parse_asp_crosswalk(item.path)
        name = item.source.name
        self._read.packages.extend((row, name) for row in rows if LEVEL2.fullmatch(row.hcpcs))
        self._read.files.append(_asp_file_row(item))

    def _pricing(self, item: Located, skipped: list[SkippedRow]) -> int:
        rows = _first_per_code(
            list(drugs.parse_asp_pricing(item.path, skipped)), item.path, skipped
        )
        name = item.source.name
        self._read.prices.extend((row, name) for row in rows if LEVEL2.fullmatch(row.hcpcs))
        self._read.files.append(_asp_file_row(item))
        return len(rows)


class _Codes:
    """One system's codes by lookup form, and how a file's row names its code; remembers the
    codes the files name that the catalog lacks."""

    def __init__(
        self, conn: sqlite3.Connection, system: str, code_of: Callable[[Record], str]
    ) -> None:
        rows = conn.execute("SELECT code_key, id FROM codes WHERE system = ?", (system,))
        self.ids: dict[str, int] = dict(rows)
        self.code_of = code_of
        self.unknown: dict[str, set[str]] = {}

    def rows(
        self, items: Iterable[tuple[Record, str]], values: Callable[[int, Record, str], list[tuple]]
    ) -> list[tuple]:
        """`values(code_id, item, source)` for every item whose code the catalog holds."""
        out: list[tuple] = []
        for item, source in items:
            code = self.code_of(item)
            found = self.ids.get(code)
            if found is None:
                self.unknown.setdefault(source, set()).add(code)
            else:
                out.extend(values(found, item, source))
        return out

    def warnings(self) -> list[str]:
        return [
            f"{source}: {len(codes)} codes are in no ingested release (left out): "
            + ", ".join(sorted(codes)[:UNKNOWN_SHOWN])
            for source, codes in sorted(self.unknown.items())
        ]


def _package_values(code_id: int, row: AspCrosswalkRow, source: str) -> list[tuple]:
    return [
        (ndc11(row.ndc), row.ndc, code_id, display_name(row.drug_name), row.labeler,
         row.hcpcs_dosage, str(row.package_size), str(row.package_qty), str(row.billing_units),
         str(row.billing_units_per_package), source)
    ]  # fmt: skip


def _price_values(code_id: int, row: AspPriceRow, source: str) -> list[tuple]:
    return [
        (code_id, row.dosage, _text(row.payment_limit), _text(row.coinsurance_percent),
         _text(row.awp_percent), row.notes, source)
    ]  # fmt: skip


def _edit_values(code_id: int, edit: UnitEdit, source: str) -> list[tuple]:
    return [(code_id, edit.units, edit.indicator, edit.rationale, source)]


def _category_values(code_id: int, row: DiagnosisCategories, source: str) -> list[tuple]:
    return [
        (code_id, item.model, item.category, int(item.used_for_payment), source)
        for item in row.categories
    ]


def _file_values(item: BillingFileRow) -> tuple:
    return (
        item.source, item.title, _day(item.effective_from), _day(item.effective_through),
        item.covers, "\n".join(item.notes),
    )  # fmt: skip


def _first_per_code(rows: list[Coded], path: Path, skipped: list[SkippedRow]) -> list[Coded]:
    """A code's first row; a later row for the same code is a skipped row (one figure each)."""
    first: dict[str, Coded] = {}
    for row in rows:
        kept = first.setdefault(row.hcpcs, row)
        if kept is not row:
            why = f"{row.hcpcs} is listed again (first on line {kept.line}); the first is kept"
            note_skipped(skipped, path, row.line, why)
    return list(first.values())


def _newest(located: list[Located], kind: Kind) -> list[Located]:
    """The newest file of a kind, if any: a code has one MUE, one payment limit, ..."""
    return of_kind(located, kind)[-1:]


def _file_row(item: Located, title: str) -> BillingFileRow:
    return BillingFileRow(item.source.name, title, item.source.effective_date, None, "", ())


def _asp_file_row(item: Located) -> BillingFileRow:
    banner = drugs.parse_asp_banner(item.path)
    return BillingFileRow(
        item.source.name,
        banner.title,
        banner.effective_from or item.source.effective_date,
        banner.effective_through,
        "",
        banner.notes,
    )


def _workbook_row(item: Located, book: RiskWorkbook) -> BillingFileRow:
    year = book.payment_year
    return BillingFileRow(
        item.source.name,
        f"{book.title}, payment year {year}",
        date(year, 1, 1),
        date(year, 12, 31),
        " ".join(fy.replace(" ", "") for fy in book.covers),
        book.notes,
    )


def _insert(
    conn: sqlite3.Connection, table: str, rows: list[tuple], ignore_repeats: bool = False
) -> None:
    """Insert rows into one of the billing tables (`ignore_repeats`: a row the file repeats,
    such as a code listed twice for one category, is kept once)."""
    if not rows:
        return
    verb = "INSERT OR IGNORE" if ignore_repeats else "INSERT"
    marks = ",".join("?" * len(rows[0]))
    conn.executemany(f"{verb} INTO {table} VALUES ({marks})", rows)


def _text(value: object | None) -> str | None:
    return None if value is None else str(value)


def _day(value: date | None) -> str | None:
    return value.isoformat() if value else None
