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
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TypeVar

from medcodes.catalog.rows import Loaded
from medcodes.catalog.sources_read import manifest_row, of_kind, skipped_warnings
from medcodes.ndc import ndc11
from medcodes.sources import drugs
from medcodes.sources.csv_table import SkippedRow, note_skipped
from medcodes.sources.drugs import LEVEL2, AspCrosswalkRow, AspPriceRow, display_name
from medcodes.sources.mue import UnitEdit, parse_mue
from medcodes.sources.registry import Kind, Located
from medcodes.sources.risk_adjustment import RiskWorkbook, parse_risk_workbook
from medcodes.systems import code_key

UNKNOWN_SHOWN = 12  # codes named in a warning about codes no release holds
MUE_TITLE = "Medically Unlikely Edits (MUE), practitioner services"
Coded = TypeVar("Coded", AspPriceRow, UnitEdit)


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
        hcpcs = dict(conn.execute("SELECT code, id FROM codes WHERE system = 'HCPCS'"))
        diagnoses = dict(conn.execute("SELECT code_key, id FROM codes WHERE system = 'ICD10CM'"))
        unknown: dict[str, set[str]] = {}

        def code_id(codes: dict[str, int], code: str, source: str) -> int | None:
            found = codes.get(code)
            if found is None:
                unknown.setdefault(source, set()).add(code)
            return found

        _insert_files(conn, self._read.files)
        _insert(
            conn,
            "ndc_packages",
            (
                (ndc11(row.ndc), row.ndc, cid, display_name(row.drug_name), row.labeler,
                 row.hcpcs_dosage, str(row.package_size), str(row.package_qty),
                 str(row.billing_units), str(row.billing_units_per_package), source)
                for row, source in self._read.packages
                if (cid := code_id(hcpcs, row.hcpcs, source)) is not None
            ),
        )  # fmt: skip
        _insert(
            conn,
            "payment_limits",
            (
                (cid, row.dosage, _text(row.payment_limit), _text(row.coinsurance_percent),
                 _text(row.awp_percent), row.notes, source)
                for row, source in self._read.prices
                if (cid := code_id(hcpcs, row.hcpcs, source)) is not None
            ),
        )  # fmt: skip
        _insert(
            conn,
            "unit_limits",
            (
                (cid, edit.units, edit.indicator, edit.rationale, source)
                for edit, source in self._read.edits
                if (cid := code_id(hcpcs, edit.hcpcs, source)) is not None
            ),
        )
        for book, source in self._read.risk:
            _insert(
                conn,
                "risk_categories",
                (
                    (cid, item.model, item.category, int(item.used_for_payment), source)
                    for row in book.rows
                    if (cid := code_id(diagnoses, code_key(row.code), source)) is not None
                    for item in row.categories
                ),
                ignore_repeats=True,
            )
            _insert(
                conn,
                "risk_category_labels",
                ((label.model, label.category, label.label, source) for label in book.labels),
            )
        return [
            f"{source}: {len(codes)} codes are in no ingested release (left out): "
            + ", ".join(sorted(codes)[:UNKNOWN_SHOWN])
            for source, codes in sorted(unknown.items())
        ]

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


def _insert_files(conn: sqlite3.Connection, files: list[BillingFileRow]) -> None:
    _insert(
        conn,
        "billing_files",
        (
            (f.source, f.title, _day(f.effective_from), _day(f.effective_through), f.covers,
             "\n".join(f.notes))
            for f in files
        ),
    )  # fmt: skip


def _insert(
    conn: sqlite3.Connection, table: str, rows: Iterable[tuple], ignore_repeats: bool = False
) -> None:
    """Insert rows into one of the billing tables (`ignore_repeats`: a row the file repeats,
    such as a code listed twice for one category, is kept once)."""
    rows = list(rows)
    if not rows:
        return
    verb = "INSERT OR IGNORE" if ignore_repeats else "INSERT"
    marks = ",".join("?" * len(rows[0]))
    conn.executemany(f"{verb} INTO {table} VALUES ({marks})", rows)


def _text(value: object | None) -> str | None:
    return None if value is None else str(value)


def _day(value: date | None) -> str | None:
    return value.isoformat() if value else None
