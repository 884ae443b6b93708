"""Drug names onto HCPCS codes: the CMS ASP files and the CMS HCPCS Table of Drugs.

ASP NDC-HCPCS crosswalk (CMS, "ASP NDC - HCPCS Crosswalk for Medicare Part B Drugs", one
file per quarter): banner lines, then the header
`_2025_CODE, Short Description, LABELER NAME, NDC2, Drug Name, HCPCS dosage, PKG SIZE,
PKG QTY, BILLUNITS, BILLUNITSPKG` (the first column is named after the year), then one row per
NDC package; every line padded with empty columns; Windows-1252. `Drug Name` is the product
name as marketed: the brand (Blincyto), or the generic name for generic products.

ASP pricing file (CMS, "Payment Allowance Limits for Medicare Part B Drugs"): banner lines
(title, "Effective October 1, 2025 through December 31, 2025", "Note 1: ..."), then `HCPCS
Code, Short Description, HCPCS Code Dosage, Payment Limit, Co-insurance Percentage, Vaccine
AWP%, Vaccine Limit, Blood AWP%, Blood limit, Clotting Factor, Notes`. The co-insurance is a
percentage of the limit (20.000, or less where inflation-adjusted); the AWP% columns say that
a vaccine's or blood product's limit is that share of its average wholesale price.

Both ASP files also list a few CPT (90xxx) vaccine and immune-globulin codes whose short
descriptions are AMA CPT text; the parsers yield them as published, `brand_names_by_hcpcs`
keeps Level II codes only.

Table of Drugs (CMS HCPCS "Table of Drugs", 2019): published only as a PDF; the CSVs read here
are the staged best-effort text extraction (`drug_name, unit, route, hcpcs_codes` and
`name, see`). Lines the extraction misaligned are recorded as skipped rows.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path

from medcodes.sources.csv_table import (
    RowProblem,
    SkippedRow,
    TableRow,
    build_rows,
    clean_text,
    read_banner,
    read_table,
)

LEVEL2 = re.compile(r"[A-Z]\d{4}")
_ASP_CODE = re.compile(r"[A-Z0-9]\d{3}[A-Z0-9]")  # Level II, or CPT in the 90xxx rows
_ROUTES = frozenset({"IA", "IM", "INH", "IT", "IV", "ORAL", "OTH", "SC", "SQ", "VAR"})
_NAME_ABBREVIATIONS = {"HCL": "HCl"}

_CROSSWALK_COLUMNS = {
    "hcpcs": r"_?\d{4}_CODE|HCPCS( Code)?",
    "short_description": r"Short Description",
    "labeler": r"LABELER NAME",
    "ndc": r"NDC2?",
    "drug_name": r"Drug Name",
    "hcpcs_dosage": r"HCPCS dosage",
    "package_size": r"PKG SIZE",
    "package_qty": r"PKG QTY",
    "billing_units": r"BILLUNITS",
    "billing_units_per_package": r"BILLUNITSPKG",
}
_PRICING_COLUMNS = {
    "hcpcs": r"HCPCS Code",
    "short_description": r"Short Description",
    "dosage": r"HCPCS Code Dosage",
    "payment_limit": r"Payment Limit",
}
_PRICING_OPTIONAL = {
    "coinsurance": r"Co-insurance Percentage",
    "vaccine_awp": r"Vaccine AWP%",
    "blood_awp": r"Blood AWP%",
    "notes": r"Notes",
}
_ASP_HEADER = {"hcpcs": _CROSSWALK_COLUMNS["hcpcs"], "short": r"Short Description"}  # both files
_EFFECTIVE = re.compile(r"Effective (\w+ \d{1,2}, \d{4}) through (\w+ \d{1,2}, \d{4})")
_ENTRY_COLUMNS = {
    "drug_name": r"drug_name",
    "unit": r"unit",
    "route": r"route",
    "codes": r"hcpcs_codes",
}
_SEE_COLUMNS = {"brand": r"name", "generic": r"see"}


@dataclass(frozen=True, slots=True)
class AspCrosswalkRow:
    """One NDC package of the ASP NDC-HCPCS crosswalk."""

    hcpcs: str
    short_description: str  # the HCPCS short descriptor (generic)
    labeler: str
    ndc: str  # as published: 5-4-2 with hyphens; skin substitutes carry a product identifier
    drug_name: str  # product name as marketed: brand, or generic for generic products
    hcpcs_dosage: str  # the amount one billing unit of the code stands for, e.g. "1 MCG"
    package_size: Decimal
    package_qty: Decimal
    billing_units: Decimal  # HCPCS billing units in one package item
    billing_units_per_package: Decimal
    line: int


@dataclass(frozen=True, slots=True)
class AspPriceRow:
    """One code of the ASP payment allowance limits file."""

    hcpcs: str
    short_description: str
    dosage: str
    payment_limit: Decimal | None  # None where the file says N/A
    coinsurance_percent: Decimal | None
    awp_percent: Decimal | None  # vaccines and blood products: the limit is this % of AWP
    notes: str
    line: int


@dataclass(frozen=True, slots=True)
class AspBanner:
    """What an ASP file says above its header: its title, the quarter it is effective for,
    and its notes ("Note 1: ... based on 2Q25 ASP data")."""

    title: str
    effective_from: date | None
    effective_through: date | None
    notes: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class DrugTableEntry:
    """A generic drug name of the Table of Drugs with its unit, route(s) and HCPCS codes."""

    drug_name: str
    unit: str  # "" where the table gives none
    route: str  # as printed, e.g. "IV", "IM, IV"; "" where none
    codes: tuple[str, ...]
    line: int


@dataclass(frozen=True, slots=True)
class DrugSeeReference:
    """A "<brand>, see <generic>" line of the Table of Drugs."""

    brand: str
    generic: str
    line: int


def parse_asp_crosswalk(
    path: Path, warnings: list[SkippedRow] | None = None, member: str = r"\.csv$"
) -> Iterator[AspCrosswalkRow]:
    """Yield every NDC row of an ASP NDC-HCPCS crosswalk (plain, `.gz` or zip member).

    Rows with a malformed code or number, or no NDC, are appended to `warnings` and left out.
    The `NDC2` column holds hyphenated 5-4-2 NDCs, except for skin substitutes (Q41xx-Q43xx)
    and a few devices, which carry the manufacturer's product identifier instead.
    """
    table = read_table(path, _CROSSWALK_COLUMNS, member=member, warnings=warnings)
    return build_rows(path, table, _crosswalk_row, warnings)


def parse_asp_pricing(
    path: Path, warnings: list[SkippedRow] | None = None, member: str = r"\.csv$"
) -> Iterator[AspPriceRow]:
    """Yield every code of an ASP payment allowance limits file (plain, `.gz` or zip member)."""
    table = read_table(path, _PRICING_COLUMNS, _PRICING_OPTIONAL, member=member, warnings=warnings)
    return build_rows(path, table, _price_row, warnings)


def parse_asp_banner(path: Path, member: str = r"\.csv$") -> AspBanner:
    """The title, effective quarter and notes above the header of either ASP file."""
    lines = read_banner(path, _ASP_HEADER, member=member)
    period = next(filter(None, map(_EFFECTIVE.search, lines)), None)
    return AspBanner(
        title=lines[0] if lines else "",
        effective_from=_long_date(period.group(1)) if period else None,
        effective_through=_long_date(period.group(2)) if period else None,
        notes=tuple(line for line in lines[1:] if not _EFFECTIVE.search(line)),
    )


def _long_date(text: str) -> date | None:
    """The date of "October 1, 2025"; None for anything else."""
    try:
        return datetime.strptime(text, "%B %d, %Y").date()
    except ValueError:
        return None


def parse_drug_table_entries(
    path: Path, warnings: list[SkippedRow] | None = None
) -> Iterator[DrugTableEntry]:
    """Yield the Table of Drugs entries of the extracted CSV.

    Repaired: a route printed in the unit column (the unit cell was empty in the PDF) is moved
    to `route`. Left out, with a warning: rows without a name, rows whose name is the tail of a
    wrapped PDF line (starts with a digit, `<`, `>`, a lower-case letter or "Per "), "see"
    lines that landed among the entries, rows whose route cell holds part of a code list, and
    rows with a code that is not a Level II code.
    """
    return build_rows(path, read_table(path, _ENTRY_COLUMNS), _drug_table_entry, warnings)


def parse_drug_see_references(
    path: Path, warnings: list[SkippedRow] | None = None
) -> Iterator[DrugSeeReference]:
    """Yield the brand -> generic "see" references of the extracted CSV.

    Left out, with a warning: rows missing either name, and rows whose generic name was cut at a
    PDF line break (ends with "and", "or", a comma or a semicolon).
    """
    return build_rows(path, read_table(path, _SEE_COLUMNS), _see_reference, warnings)


def brand_names_by_hcpcs(rows: Iterable[AspCrosswalkRow]) -> dict[str, tuple[str, ...]]:
    """Distinct product names per Level II HCPCS code, for display, sorted case-insensitively.

    Names come from the crosswalk's `Drug Name` as marketed: mostly brands, but generic
    products carry the generic name (J1745 gives both "Remicade" and "Infliximab"); both are
    kept. ALL-CAPS and all-lower-case names are title-cased (`display_name`); names that differ
    only in case are one name, spelled as first seen. CPT rows (90xxx) are left out.
    """
    names: dict[str, dict[str, str]] = {}
    for row in rows:
        name = display_name(row.drug_name)
        if name and LEVEL2.fullmatch(row.hcpcs):
            names.setdefault(row.hcpcs, {}).setdefault(name.casefold(), name)
    return {
        code: tuple(sorted(spellings.values(), key=str.casefold))
        for code, spellings in sorted(names.items())
    }


def display_name(name: str) -> str:
    """`name` with whitespace collapsed; ALL-CAPS or all-lower-case words title-cased.

    "BLINCYTO" -> "Blincyto", "ALBUTEROL SULFATE" -> "Albuterol Sulfate", "EPINEPHRINE HCL"
    -> "Epinephrine HCl"; mixed-case names ("HyperHepB", "Eylea HD") are kept as published.
    """
    name = clean_text(name)
    if name.isupper() or name.islower():
        return " ".join(_title_word(word) for word in name.split(" "))
    return name


def _title_word(word: str) -> str:
    if word.upper() in _NAME_ABBREVIATIONS:
        return _NAME_ABBREVIATIONS[word.upper()]
    if any(char.isdigit() for char in word):
        return word
    return re.sub(r"[A-Za-z]+", lambda match: match.group().capitalize(), word)


def _crosswalk_row(row: TableRow) -> AspCrosswalkRow:
    hcpcs, ndc = row.text("hcpcs"), row.text("ndc")
    if not _ASP_CODE.fullmatch(hcpcs):
        raise RowProblem(f"HCPCS code {hcpcs!r} is not a 5-character code")
    if not ndc:
        raise RowProblem("no NDC or product identifier")
    return AspCrosswalkRow(
        hcpcs=hcpcs,
        short_description=row.text("short_description"),
        labeler=row.text("labeler"),
        ndc=ndc,
        drug_name=row.text("drug_name"),
        hcpcs_dosage=row.text("hcpcs_dosage"),
        package_size=_number(row, "package_size"),
        package_qty=_number(row, "package_qty"),
        billing_units=_number(row, "billing_units"),
        billing_units_per_package=_number(row, "billing_units_per_package"),
        line=row.line,
    )


def _price_row(row: TableRow) -> AspPriceRow:
    hcpcs = row.text("hcpcs")
    if not _ASP_CODE.fullmatch(hcpcs):
        raise RowProblem(f"HCPCS code {hcpcs!r} is not a 5-character code")
    return AspPriceRow(
        hcpcs=hcpcs,
        short_description=row.text("short_description"),
        dosage=row.text("dosage"),
        payment_limit=_optional_number(row, "payment_limit"),
        coinsurance_percent=_optional_number(row, "coinsurance"),
        awp_percent=_optional_number(row, "vaccine_awp") or _optional_number(row, "blood_awp"),
        notes=row.text("notes"),
        line=row.line,
    )


def _number(row: TableRow, field: str) -> Decimal:
    text = row.text(field)
    try:
        return Decimal(text)
    except InvalidOperation:
        raise RowProblem(f"{field} {text!r} is not a number") from None


def _optional_number(row: TableRow, field: str) -> Decimal | None:
    """A number, or None for an empty or "N/A" cell."""
    if row.text(field).upper() in ("", "N/A"):
        return None
    return _number(row, field)


def _drug_table_entry(row: TableRow) -> DrugTableEntry:
    name, unit, route = row.text("drug_name"), row.text("unit"), row.text("route")
    if not name:
        raise RowProblem("no drug name (the name was lost when the PDF was read)")
    if re.match(r"[^A-Z]|Per\s", name):
        raise RowProblem(f"name {name!r} is the tail of a wrapped PDF line")
    if ", see " in name:
        raise RowProblem(f"name {name!r} is a 'see' reference, not an entry")
    if re.search(r"[A-Z]\d{4}", route):
        raise RowProblem(f"route {route!r} holds part of a code list (misaligned PDF line)")
    codes = tuple(clean_text(code) for code in row.cells["codes"].split(","))
    bad = [code for code in codes if not LEVEL2.fullmatch(code)]
    if bad:
        raise RowProblem(f"codes {', '.join(map(repr, bad))} are not HCPCS Level II codes")
    if not route and _is_route(unit):
        unit, route = "", unit
    return DrugTableEntry(drug_name=name, unit=unit, route=route, codes=codes, line=row.line)


def _is_route(text: str) -> bool:
    """True for a route list such as "IV, IM" (printed in the unit column by the extraction)."""
    parts = [part.strip().upper() for part in text.split(",")]
    return bool(text) and all(part in _ROUTES for part in parts)


def _see_reference(row: TableRow) -> DrugSeeReference:
    brand, generic = row.text("brand"), row.text("generic")
    if not brand or not generic:
        raise RowProblem("a 'see' reference needs both a name and the name it refers to")
    if re.search(r"(?:\s(?:and|or)|[,;])$", generic):
        raise RowProblem(f"generic name {generic!r} was cut off at a PDF line break")
    return DrugSeeReference(brand=brand, generic=generic, line=row.line)
