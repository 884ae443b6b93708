"""Read billing facts: what a coder or biller asks of a code, each figure with its source.

For a HCPCS drug code: its NDC packages with billing units per package (CMS ASP NDC-HCPCS
crosswalk) and its Medicare Part B payment limit per billing unit (CMS ASP pricing file). For
any HCPCS Level II code: its Medically Unlikely Edit (CMS NCCI, practitioner services). For a
billable ICD-10-CM code: its CMS-HCC and RxHCC categories for the payment year.

Only what a file says is shown: a code a file does not list gets no figure from it (never an
invented price), except that a billable diagnosis the mapping covers but does not map says so
("no CMS-HCC category"), and one newer than the mapping says the mapping does not cover it.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from medcodes.catalog.read import Catalog, Code
from medcodes.ndc import billing_form
from medcodes.systems import System

V28 = "CMS-HCC V28"  # the search filter and facet "maps to a CMS-HCC V28 category"
HCC_TAG = "hcc-v28"
_DOSE = re.compile(r"(\d+(?:\.\d+)?)\s*([A-Za-z][A-Za-z .]*?)\.?")
_UNIT_NAMES = {"MCG": "mcg", "MG": "mg", "GM": "g", "G": "g", "ML": "mL", "CC": "mL", "MEQ": "mEq"}
_LEGAL_SUFFIX = re.compile(
    r"(?:,?\s+(?:Inc\.?|Incorporated|LLC|L\.L\.C\.|Ltd\.?|Limited|Corporation|Corp\.?|Co\.|"
    r"Company|L\.P\.|LP|plc|GmbH|AG|S\.A\.|N\.V\.))+$",
    re.IGNORECASE,
)
ASP_BASIS = (
    "An ASP payment limit is the most Medicare Part B allows for one billing unit of a drug "
    "in a quarter: by law generally 106% of the drug's average sales price (ASP) as its "
    "manufacturers report it, two quarters earlier. The allowed amount includes the patient's "
    "co-insurance; it is not what a provider paid or charges."
)
MUE_MEANING = {
    1: (
        "line edit",
        "Each claim line is checked on its own: units billed on separate lines are not added up.",
    ),
    2: (
        "date-of-service edit, policy",
        "All units on the same date of service are added up across the claim's lines; the "
        "limit is set by policy and is not exceeded even on appeal.",
    ),
    3: (
        "date-of-service edit, clinical",
        "All units on the same date of service are added up across the claim's lines; the "
        "limit is a clinical benchmark, and units above it may be paid on appeal when the "
        "records show they were medically necessary.",
    ),
}
MUE_ZERO = (
    "An MUE of 0 means Medicare does not pay this code as a separate line on a practitioner "
    "services claim. The outpatient hospital and DME supplier MUE tables, which may differ, "
    "are not in this catalog."
)


@dataclass(frozen=True, slots=True)
class BillingSource:
    """The file a billing figure comes from, its release and the period it is effective."""

    name: str  # sources.name: asp-pricing-2025-10
    title: str  # the file's own title
    file: str  # path inside the sources folder
    release: str
    effective_from: str | None
    effective_through: str | None
    url: str


@dataclass(frozen=True, slots=True)
class NdcPackage:
    """One NDC package of a HCPCS drug code and how many billing units it holds."""

    ndc: str  # 5-4-2 with hyphens; or the product identifier as published (skin substitutes)
    is_ndc: bool
    system: str
    code: str
    product: str  # as marketed: Blincyto
    labeler: str  # as published: Amgen Inc
    dosage: str  # one billing unit of the code, as published: 1 MCG
    package_size: str
    package_quantity: str
    units_per_item: str
    units_per_package: str
    amount_per_package: str | None  # "35 mcg", where the dosage is a plain amount
    summary: str  # NDC 55513-0160-01 Blincyto (Amgen), 35 mcg per package = 35 units of J9039
    source: str  # sources.name


@dataclass(frozen=True, slots=True)
class PaymentLimit:
    """The Medicare Part B payment limit per billing unit for one quarter."""

    amount: str | None  # dollars per billing unit as published ("164.253"); None where N/A
    dosage: str  # the billing unit as published: 1 MCG
    period: str  # October to December 2025
    summary: str  # Medicare Part B payment limit, October to December 2025: $164.253 per 1 mcg
    coinsurance_percent: str | None
    coinsurance: str | None  # the co-insurance in words
    notes: str  # the code's note in the file, as published
    basis: str  # what this limit is (ASP, or a share of AWP)
    file_notes: list[str]
    source: BillingSource


@dataclass(frozen=True, slots=True)
class UnitLimit:
    """A Medically Unlikely Edit: the most units paid per patient per day (or claim line)."""

    units: int
    indicator: int
    adjudication: str  # the indicator in words: date-of-service edit, clinical
    adjudication_meaning: str
    rationale: str  # as published: Prescribing Information
    effective_date: str
    summary: str
    zero_meaning: str | None  # what an MUE of 0 means, for those codes
    source: BillingSource


@dataclass(frozen=True, slots=True)
class RiskCategory:
    model: str  # CMS-HCC V28, CMS-HCC ESRD V24, RxHCC V08, ...
    category: int
    label: str | None  # only where a staged source states it
    used_for_payment: bool
    text: str  # CMS-HCC V28 category 38, used for 2026 payment


@dataclass(frozen=True, slots=True)
class RiskAdjustment:
    """A diagnosis code's CMS-HCC / RxHCC categories for one payment year, or why none."""

    payment_year: int | None
    categories: list[RiskCategory]
    summary: str
    source: BillingSource


@dataclass(frozen=True, slots=True)
class BillingFacts:
    """The "Billing facts" block of a code page (the code view's `billing` field)."""

    ndcs: list[NdcPackage] = field(default_factory=list)
    ndc_source: BillingSource | None = None
    payment: PaymentLimit | None = None
    unit_limit: UnitLimit | None = None
    risk: RiskAdjustment | None = None


def billing_facts(catalog: Catalog, code: Code) -> BillingFacts | None:
    """Everything the billing files say about `code`; None when they say nothing."""
    sources = _sources(catalog.conn)
    if code.system == System.HCPCS:
        ndcs = packages(catalog.conn, "p.code_id = ?", (code.id,))
        facts = BillingFacts(
            ndcs=ndcs,
            ndc_source=sources.get(ndcs[0].source) if ndcs else None,
            payment=_payment(catalog.conn, code, sources),
            unit_limit=_unit_limit(catalog.conn, code, sources),
        )
    elif code.system == System.ICD10CM and code.billable:
        facts = BillingFacts(risk=_risk(catalog.conn, code, sources))
    else:
        return None
    return facts if facts != BillingFacts() else None


def packages_for_ndcs(catalog: Catalog, ndcs: Iterable[str]) -> list[NdcPackage]:
    """The packages whose 11-digit NDC is one of `ndcs` (what an NDC typed in search finds)."""
    wanted = list(dict.fromkeys(ndcs))
    if not wanted:
        return []
    marks = ",".join("?" * len(wanted))
    return packages(catalog.conn, f"p.ndc11 IN ({marks})", wanted)


def packages(conn: sqlite3.Connection, where: str, args: Iterable[object]) -> list[NdcPackage]:
    """NDC packages matching a condition on `ndc_packages p`, by code then NDC."""
    rows = conn.execute(
        "SELECT p.ndc11, p.ndc, c.system, c.code, p.product, p.labeler, p.dosage, "
        "p.package_size, p.package_quantity, p.units_per_item, p.units_per_package, p.source "
        f"FROM ndc_packages p JOIN codes c ON c.id = p.code_id WHERE {where} "
        "ORDER BY c.sort_key, p.ndc11 IS NULL, p.ndc",
        list(args),
    )
    return [_package(*row) for row in rows]


def hcc_v28_code_ids(conn: sqlite3.Connection) -> set[int]:
    """Codes that map to a CMS-HCC V28 category: the search filter's documents."""
    rows = conn.execute("SELECT DISTINCT code_id FROM risk_categories WHERE model = ?", (V28,))
    return {code_id for (code_id,) in rows}


# --- NDC packages ------------------------------------------------------------------------------
def _package(
    ndc11: str | None,
    ndc: str,
    system: str,
    code: str,
    product: str,
    labeler: str,
    dosage: str,
    size: str,
    quantity: str,
    per_item: str,
    per_package: str,
    source: str,
) -> NdcPackage:
    shown = billing_form(ndc11) if ndc11 else ndc
    amount = _amount(dosage, per_package)
    units = f"{_number(per_package)} {_plural('unit', per_package)} of {code}"
    holds = f"{amount} per package = {units}" if amount else f"{units} per package ({dosage} each)"
    label = "NDC" if ndc11 else "Product identifier"
    return NdcPackage(
        ndc=shown,
        is_ndc=ndc11 is not None,
        system=system,
        code=code,
        product=product,
        labeler=labeler,
        dosage=dosage,
        package_size=size,
        package_quantity=quantity,
        units_per_item=per_item,
        units_per_package=per_package,
        amount_per_package=amount,
        summary=f"{label} {shown} {product} ({short_labeler(labeler)}), {holds}",
        source=source,
    )


def short_labeler(name: str) -> str:
    """A labeler's name without its legal form: "Amgen Inc" -> "Amgen"."""
    return _LEGAL_SUFFIX.sub("", name).strip(" ,") or name


def _amount(dosage: str, units: str) -> str | None:
    """What `units` billing units of `dosage` amount to ("35" of "1 MCG" -> "35 mcg"); None
    for a dosage that is not a plain amount ("UP TO 80 MG", "Per Dose")."""
    found = _DOSE.fullmatch(dosage.strip())
    if not found:
        return None
    try:
        total = Decimal(found.group(1)) * Decimal(units)
    except InvalidOperation:
        return None
    unit = found.group(2).strip().upper()
    return f"{_number(total)} {_UNIT_NAMES.get(unit, unit.lower())}"


def _number(value: Decimal | str) -> str:
    """A decimal without trailing zeros or exponent: 35.000 -> 35, 2.50 -> 2.5."""
    try:
        number = Decimal(value)
    except InvalidOperation:
        return str(value)
    return f"{number.normalize():f}"


def _plural(word: str, count: str) -> str:
    return word if _number(count) == "1" else word + "s"


# --- payment limit -----------------------------------------------------------------------------
def _payment(
    conn: sqlite3.Connection, code: Code, sources: dict[str, BillingSource]
) -> PaymentLimit | None:
    row = conn.execute(
        "SELECT dosage, payment_limit, coinsurance, awp_percent, notes, source "
        "FROM payment_limits WHERE code_id = ?",
        (code.id,),
    ).fetchone()
    if row is None:
        return None
    dosage, amount, coinsurance, awp, notes, name = row
    source = sources[name]
    period = quarter(source.effective_from, source.effective_through) or source.release
    unit = _amount(dosage, "1") or f"billing unit ({dosage})"
    figure = f"${amount} per {unit}" if amount else "no payment limit given (N/A in the file)"
    basis = ASP_BASIS
    if awp:
        basis = (
            f"For this code the file sets the limit at {_number(awp)}% of the average wholesale "
            "price (AWP), not from ASP. The allowed amount includes the patient's co-insurance."
        )
    return PaymentLimit(
        amount=amount,
        dosage=dosage,
        period=period,
        summary=f"Medicare Part B payment limit, {period}: {figure}",
        coinsurance_percent=coinsurance,
        coinsurance=_coinsurance(coinsurance),
        notes=notes,
        basis=basis,
        file_notes=_file_notes(conn, name),
        source=source,
    )


def _coinsurance(percent: str | None) -> str | None:
    return None if percent is None else f"Co-insurance: {_number(percent)}% of the allowed amount"


def quarter(first: str | None, last: str | None) -> str | None:
    """The period in words: 2025-10-01 .. 2025-12-31 is "October to December 2025"."""
    if not first or not last:
        return None
    start, end = date.fromisoformat(first), date.fromisoformat(last)
    if start.year == end.year:
        return f"{start:%B} to {end:%B} {end.year}"
    return f"{start:%B %Y} to {end:%B %Y}"


# --- medically unlikely edits ------------------------------------------------------------------
def _unit_limit(
    conn: sqlite3.Connection, code: Code, sources: dict[str, BillingSource]
) -> UnitLimit | None:
    row = conn.execute(
        "SELECT units, indicator, rationale, source FROM unit_limits WHERE code_id = ?",
        (code.id,),
    ).fetchone()
    if row is None:
        return None
    units, indicator, rationale, name = row
    source = sources[name]
    words, meaning = MUE_MEANING[indicator]
    effective = source.effective_from or ""
    per = "per claim line" if indicator == 1 else "per patient per date of service"
    details = f"{words}; rationale: {_lower_words(rationale)}; effective {effective}"
    if units == 0:
        summary = f"Medicare pays no units of {code.code} on a practitioner claim ({details})"
    else:
        summary = f"Medicare pays at most {units} {_plural('unit', str(units))} of {code.code} "
        summary += f"{per} ({details})"
    return UnitLimit(
        units=units,
        indicator=indicator,
        adjudication=words,
        adjudication_meaning=meaning,
        rationale=rationale,
        effective_date=effective,
        summary=summary,
        zero_meaning=MUE_ZERO if units == 0 else None,
        source=source,
    )


def _lower_words(text: str) -> str:
    """Title-cased words in lower case, acronyms kept: "CMS Policy" -> "CMS policy"."""
    return " ".join(word if word.isupper() else word.lower() for word in text.split(" "))


# --- CMS-HCC / RxHCC ---------------------------------------------------------------------------
def _risk(
    conn: sqlite3.Connection, code: Code, sources: dict[str, BillingSource]
) -> RiskAdjustment | None:
    mapping = conn.execute(
        "SELECT source, covers, effective_from FROM billing_files f JOIN sources s "
        "ON s.name = f.source WHERE s.kind = 'cms-hcc-mapping' ORDER BY s.effective_date DESC"
    ).fetchone()
    if mapping is None:
        return None  # no mapping file in this build: nothing can be said
    name, covers, effective = mapping
    year = int(effective[:4]) if effective else None
    rows = conn.execute(
        "SELECT r.model, r.category, l.label, r.used_for_payment FROM risk_categories r "
        "LEFT JOIN risk_category_labels l ON l.model = r.model AND l.category = r.category "
        "WHERE r.code_id = ? AND r.source = ?",
        (code.id, name),
    ).fetchall()
    categories = sorted((_category(*row, year) for row in rows), key=_model_order)
    return RiskAdjustment(
        payment_year=year,
        categories=categories,
        summary=_risk_summary(code, categories, covers.split(), year),
        source=sources[name],
    )


def _category(
    model: str, category: int, label: str | None, used: int, year: int | None
) -> RiskCategory:
    named = f"{model} category {category}" + (f" ({label})" if label else "")
    use = f"used for {year} payment" if used else f"not used for {year} payment"
    return RiskCategory(model, category, label, bool(used), f"{named}, {use}")


def _model_order(item: RiskCategory) -> tuple[bool, bool, int, int]:
    """CMS-HCC before RxHCC, the main model before ESRD, newest version first."""
    words = item.model.split(" ")
    version = words[-1].lstrip("V")
    newest_first = -int(version) if version.isdigit() else 0
    return (words[0] != "CMS-HCC", "ESRD" in words, newest_first, item.category)


def _risk_summary(
    code: Code, categories: list[RiskCategory], covers: list[str], year: int | None
) -> str:
    mapping = f"the PY{year} mapping" if year else "the mapping"
    if covers and code.first_release and code.first_release > max(covers):
        return (
            f"New in {code.first_release}: {mapping} covers ICD-10-CM codes valid in "
            f"{' and '.join(covers)} only, so it does not say which categories {code.code} "
            "maps to."
        )
    if not categories:
        return f"No CMS-HCC category and no RxHCC category in {mapping}."
    listed = "; ".join(item.text for item in categories)
    if not any(item.model.startswith("CMS-HCC") for item in categories):
        return f"No CMS-HCC category in {mapping}; {listed}."
    return f"{code.code} maps to {listed}."


# --- sources -----------------------------------------------------------------------------------
def _sources(conn: sqlite3.Connection) -> dict[str, BillingSource]:
    rows = conn.execute(
        "SELECT s.name, f.title, s.file, s.release, coalesce(f.effective_from, "
        "s.effective_date), f.effective_through, s.url FROM billing_files f "
        "JOIN sources s ON s.name = f.source"
    )
    return {row[0]: BillingSource(*row) for row in rows}


def _file_notes(conn: sqlite3.Connection, name: str) -> list[str]:
    row = conn.execute("SELECT notes FROM billing_files WHERE source = ?", (name,)).fetchone()
    return [line for line in (row[0] if row else "").splitlines() if line]
