"""Coverage policies: Medicare Coverage Database (MCD) documents and code links, and health-plan
medical-policy code lists.

MCD documents: the MCD "reports" listing of local coverage documents (LCDs and articles), one
row per document version: `contractor_name_type, document_display_id, document_id,
document_type, document_version, effective_date, note, retirement_date, title, updated_on,
updated_on_sort, url`; dates MM/DD/YYYY, `N/A` for no retirement date; quoted fields hold
newlines (several contractors are separated by a blank line).

HCPCS -> billing articles: the MCD `article_x_hcpc_code` table as staged, one row per (code,
article, code group): `hcpcs_code, article_id, article_display_id, code_group, title, url`.

Health-plan policies (2021 working copies of published lists): FEP Blue Medical Policy Manual
(`policy_number, brand_drug_name, policy_title_or_generic_name | policy_title, cpt_codes,
hcpcs_codes[, icd10_diagnosis_codes]`, one row per policy or drug, a few continued on a second
row) and BCBS Minnesota (`code, policy_number, policy_title`, one row per code). Their code
cells are typed by hand: see `parse_code_field`.

Row problems are never fatal: they are appended to the caller's `warnings` as SkippedRow.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path
from typing import Literal

from medcodes.sources.csv_table import (
    RowProblem,
    SkippedRow,
    TableRow,
    build_rows,
    note_skipped,
    read_table,
)

SpecKind = Literal["code", "range", "cpt"]

_HCPCS = re.compile(r"[A-Z]\d{4}")
_CPT = re.compile(r"\d{4}[0-9FMTU]")  # Category I, or II/III/PLA/MAAA (####F/T/U/M)
_ICD10 = re.compile(r"[A-Z]\d[0-9A-Z](?:\.[0-9A-Z]{1,4})?")  # dotted, or a 3-character category
_CHUNK_BREAK = re.compile(r"[,;\r\n]+|\.\s")
_PROSE_WORD = re.compile(r"\(?(?:[a-z]+|[A-Za-z]{3,})[:)]?")
_RANGE_WORD = re.compile(r"\s*-\s*|\s+(?:thru|through)\s+", re.IGNORECASE)

_DOCUMENT_COLUMNS = {
    "doc_id": r"document_display_id",
    "doc_type": r"document_type",
    "version": r"document_version",
    "title": r"title",
    "contractor": r"contractor_name_type",
    "effective_date": r"effective_date",
    "retirement_date": r"retirement_date",
    "note": r"note",
    "url": r"url",
}
_LINK_COLUMNS = {"hcpcs": r"hcpcs?_code(_id)?", "article_id": r"article_id"}
_LINK_OPTIONAL = {
    "display_id": r"article_display_id",
    "code_group": r"(hcpc_)?code_group",
    "title": r"title",
    "url": r"url",
}
_FEP_COLUMNS = {
    "policy_id": r"policy_number",
    "title": r"policy_title(_or_generic_name)?",
    "cpt": r"cpt_codes",
    "hcpcs": r"hcpcs_codes",
}
_FEP_OPTIONAL = {"brand": r"brand_drug_name", "icd10": r"icd10_diagnosis_codes"}
_BCBSMN_COLUMNS = {"code": r"code", "policy_id": r"policy_number", "title": r"policy_title"}


@dataclass(frozen=True, slots=True)
class CodeSpec:
    """A code or code range as a policy lists it.

    kind "code": one HCPCS Level II or ICD-10-CM code (first == last); "cpt": one CPT code
    number (first == last; the number only, never its descriptor); "range": first..last,
    both ends of the same shape (HCPCS, CPT or ICD-10-CM), first <= last.
    """

    kind: SpecKind
    first: str
    last: str


@dataclass(frozen=True, slots=True)
class CoverageDocument:
    """One version of an MCD local coverage determination (LCD) or article."""

    doc_id: str  # display id: L33394, A52370
    doc_type: str  # "LCD" or "Article"
    version: int
    title: str
    contractor: str  # several contractors joined with "; "
    effective_date: date
    retirement_date: date | None
    status: Literal["current", "future", "retired"]
    note: str  # as listed: "Retired", "Future(Notice Ends 12/31/2025)", ...
    url: str
    line: int


@dataclass(frozen=True, slots=True)
class ArticleCodeLink:
    """A HCPCS code listed in an MCD billing-and-coding article's code group."""

    hcpcs: str
    article_id: str  # display id: A52370
    code_group: int | None
    title: str  # "" where the source has none
    url: str
    line: int


@dataclass(frozen=True, slots=True)
class PayerPolicy:
    """A health plan's medical policy with the codes it lists."""

    owner: str  # "FEP Blue", "BCBS Minnesota"
    policy_id: str  # "5.21.51", "II-76"; "" where the list gives none
    title: str
    brand_name: str  # FEP drug policies: the brand the row is about; else ""
    edition_date: date | None  # of the list, from the file name
    url: str | None  # the 2021 lists carry no links
    code_specs: tuple[CodeSpec, ...]  # CPT and HCPCS
    diagnosis_specs: tuple[CodeSpec, ...]  # ICD-10-CM, where the list has them
    line: int


def parse_code_field(text: str) -> tuple[list[CodeSpec], list[str]]:
    """The codes and ranges of a hand-typed code cell, and a problem string for each part
    that is not understood. Never raises.

    Parts are separated by commas, semicolons, newlines, ". " or spaces. Spaces around a
    range's hyphen are tolerated (`J9000 - J9999`), as is "thru" for the hyphen. Digit-free
    text longer than two characters ("No CPT", "N/A", "see notes", "Policy applies to All
    Diagnoses") is a note and ignored, as are prose words between codes ("81479 or 81599",
    "also reported with: 72285", "(please see ... codes)"). ICD-10-CM codes must carry their
    dot (or be a 3-character category): undotted ones are ambiguous with HCPCS codes. Codes
    are upper-cased (`S42.00xA` -> `S42.00XA`).
    """
    specs: list[CodeSpec] = []
    problems: list[str] = []
    text = text.replace("\u2013", "-").replace("\u2014", "-").replace("\xa0", " ")
    for chunk in _CHUNK_BREAK.split(text):
        chunk = _RANGE_WORD.sub("-", chunk).strip()
        if not any(char.isdigit() for char in chunk):
            if 0 < len(chunk) <= 2:
                problems.append(f"{chunk!r} is not a code")
            continue
        for token in chunk.split():
            if not _PROSE_WORD.fullmatch(token):
                _add_spec(token.rstrip("."), specs, problems)
    return specs, problems


def _add_spec(token: str, specs: list[CodeSpec], problems: list[str]) -> None:
    code = token.upper()
    if "-" not in code:
        shape = _shape(code)
        if shape is None:
            problems.append(f"{token!r} is not a code")
        else:
            specs.append(CodeSpec("cpt" if shape.startswith("cpt") else "code", code, code))
        return
    ends = code.split("-")
    if len(ends) != 2 or None in (_shape(ends[0]), _shape(ends[1])):
        problems.append(f"{token!r} is not a range of two codes")
    elif _shape(ends[0]) != _shape(ends[1]):
        problems.append(f"{token!r} joins codes of different shapes")
    elif ends[0] > ends[1]:
        problems.append(f"{token!r} runs backwards")
    else:
        specs.append(CodeSpec("range", ends[0], ends[1]))


def _shape(code: str) -> str | None:
    """ "hcpcs", "icd10", "cpt" or "cpt-<letter>" (Category II/III, PLA), None for no code."""
    if _HCPCS.fullmatch(code):
        return "hcpcs"
    if _ICD10.fullmatch(code):
        return "icd10"
    if _CPT.fullmatch(code):
        return "cpt" if code[-1].isdigit() else f"cpt-{code[-1]}"
    return None


def parse_mcd_documents(
    path: Path, warnings: list[SkippedRow] | None = None
) -> Iterator[CoverageDocument]:
    """Yield every LCD and article version of an MCD documents listing.

    Rows with a malformed id, version or date are appended to `warnings` and left out.
    """
    table = read_table(path, _DOCUMENT_COLUMNS, warnings=warnings)
    return build_rows(path, table, _document, warnings)


def parse_article_code_links(
    path: Path, warnings: list[SkippedRow] | None = None
) -> Iterator[ArticleCodeLink]:
    """Yield every (HCPCS code, billing article) pair of an MCD article-code table.

    Reads the staged extract (`article_display_id`, `title`, `url`) and the MCD download's
    `article_x_hcpc_code.csv` layout (`hcpc_code_id`, `article_id`, `hcpc_code_group`).
    Rows whose code is not a HCPCS Level II code are appended to `warnings` and left out.
    """
    table = read_table(path, _LINK_COLUMNS, _LINK_OPTIONAL, warnings=warnings)
    return build_rows(path, table, _article_link, warnings)


def parse_fep_policies(
    path: Path, warnings: list[SkippedRow] | None = None, edition_date: date | None = None
) -> Iterator[PayerPolicy]:
    """Yield the FEP Blue policies of a policy list (with or without an ICD-10 column).

    A policy continued on the next row (same number, title and brand) is one policy; the
    same number with another brand (two drugs under one policy) stays two records. Code
    parts not understood are appended to `warnings` (the row's other codes are kept).
    """
    table = read_table(path, _FEP_COLUMNS, _FEP_OPTIONAL, warnings=warnings)
    edition = edition_date or _edition_from_name(path)
    policies = build_rows(path, table, lambda row: _fep_policy(row, edition), warnings)
    merged = _merge(path, policies, lambda p: (p.policy_id, p.title, p.brand_name), warnings)
    return iter(merged)


def parse_bcbsmn_policies(
    path: Path, warnings: list[SkippedRow] | None = None, edition_date: date | None = None
) -> Iterator[PayerPolicy]:
    """Yield the BCBS Minnesota policies of its code list (one row per code), codes merged.

    Rows are grouped by policy number (by title where the number is "N/A"); the title is the
    first row's. Code cells not understood are appended to `warnings`.
    """
    table = read_table(path, _BCBSMN_COLUMNS, warnings=warnings)
    edition = edition_date or _edition_from_name(path)
    policies = build_rows(path, table, lambda row: _bcbsmn_policy(row, edition), warnings)
    merged = _merge(path, policies, lambda p: p.policy_id or p.title, warnings)
    return iter(merged)


def _document(row: TableRow) -> CoverageDocument:
    doc_id, version = row.text("doc_id"), row.text("version")
    if not re.fullmatch(r"[A-Z]\d+", doc_id):
        raise RowProblem(f"document id {doc_id!r} is not a letter and a number")
    if not version.isdigit():
        raise RowProblem(f"document version {version!r} is not a number")
    retired = _date(row, "retirement_date")
    note = row.text("note")
    return CoverageDocument(
        doc_id=doc_id,
        doc_type=row.text("doc_type"),
        version=int(version),
        title=row.text("title"),
        contractor=_contractors(row.cells["contractor"]),
        effective_date=_required_date(row, "effective_date"),
        retirement_date=retired,
        status=_status(note, retired),
        note=note,
        url=row.text("url"),
        line=row.line,
    )


def _contractors(cell: str) -> str:
    """Contractors separated by blank lines, each on one line, joined with "; "."""
    parts = (" ".join(part.split()) for part in re.split(r"\n\s*\n", cell))
    return "; ".join(part for part in parts if part)


def _status(note: str, retired: date | None) -> Literal["current", "future", "retired"]:
    if retired is not None or note.startswith("Retired"):
        return "retired"
    if note.startswith("Future"):
        return "future"
    return "current"


def _date(row: TableRow, field: str) -> date | None:
    """MM/DD/YYYY, or None for an empty or "N/A" cell."""
    text = row.text(field)
    if text.upper() in ("", "N/A"):
        return None
    try:
        return datetime.strptime(text, "%m/%d/%Y").date()
    except ValueError:
        raise RowProblem(f"{field} {text!r} is not a MM/DD/YYYY date") from None


def _required_date(row: TableRow, field: str) -> date:
    value = _date(row, field)
    if value is None:
        raise RowProblem(f"no {field}")
    return value


def _article_link(row: TableRow) -> ArticleCodeLink:
    hcpcs, number = row.text("hcpcs").upper(), row.text("article_id")
    if not _HCPCS.fullmatch(hcpcs):
        raise RowProblem(f"code {hcpcs!r} is not a HCPCS Level II code")
    article_id = row.text("display_id") or f"A{number}"
    if not re.fullmatch(r"A\d+", article_id):
        raise RowProblem(f"article id {article_id!r} is not an article number")
    group = row.text("code_group")
    if group and not group.isdigit():
        raise RowProblem(f"code group {group!r} is not a number")
    return ArticleCodeLink(
        hcpcs=hcpcs,
        article_id=article_id,
        code_group=int(group) if group else None,
        title=row.text("title"),
        url=row.text("url"),
        line=row.line,
    )


@dataclass(frozen=True, slots=True)
class _RowPolicy:
    """A policy as one row gives it, with the code parts that row could not read."""

    policy: PayerPolicy
    problems: tuple[str, ...]


def _fep_policy(row: TableRow, edition: date | None) -> _RowPolicy:
    policy_id = row.text("policy_id")
    if not re.fullmatch(r"\d+\.\d+\.\d+", policy_id):
        raise RowProblem(f"policy number {policy_id!r} is not of the form 5.21.51")
    codes, problems = parse_code_field(row.cells["cpt"] + "\n" + row.cells["hcpcs"])
    diagnoses, diagnosis_problems = parse_code_field(row.cells["icd10"])
    policy = PayerPolicy(
        owner="FEP Blue",
        policy_id=policy_id,
        title=row.text("title"),
        brand_name=row.text("brand"),
        edition_date=edition,
        url=None,
        code_specs=tuple(codes),
        diagnosis_specs=tuple(diagnoses),
        line=row.line,
    )
    return _RowPolicy(policy, tuple(problems + diagnosis_problems))


def _bcbsmn_policy(row: TableRow, edition: date | None) -> _RowPolicy:
    policy_id, title = row.text("policy_id"), row.text("title")
    if not title:
        raise RowProblem("no policy title")
    codes, problems = parse_code_field(row.cells["code"])
    policy = PayerPolicy(
        owner="BCBS Minnesota",
        policy_id="" if policy_id.upper() == "N/A" else policy_id,
        title=title,
        brand_name="",
        edition_date=edition,
        url=None,
        code_specs=tuple(codes),
        diagnosis_specs=(),
        line=row.line,
    )
    return _RowPolicy(policy, tuple(problems))


def _merge(
    path: Path,
    rows: Iterable[_RowPolicy],
    key: Callable[[PayerPolicy], object],
    warnings: list[SkippedRow] | None,
) -> list[PayerPolicy]:
    """Rows of one policy (same key) as one policy with all their codes, in file order."""
    merged: dict[object, PayerPolicy] = {}
    for row in rows:
        if row.problems:
            why = "codes not understood, left out: " + "; ".join(row.problems)
            note_skipped(warnings, path, row.policy.line, why)
        first = merged.setdefault(key(row.policy), row.policy)
        if first is not row.policy:
            merged[key(row.policy)] = replace(
                first,
                code_specs=_union(first.code_specs, row.policy.code_specs),
                diagnosis_specs=_union(first.diagnosis_specs, row.policy.diagnosis_specs),
            )
    return list(merged.values())


def _union(first: tuple[CodeSpec, ...], more: tuple[CodeSpec, ...]) -> tuple[CodeSpec, ...]:
    """`first` then the specs of `more` not already in it."""
    return first + tuple(spec for spec in dict.fromkeys(more) if spec not in first)


def _edition_from_name(path: Path) -> date | None:
    """The list's edition from a `_YYYY-MM` or `_YYYY-MM-DD` in the file name, else None."""
    found = re.search(r"_(\d{4})-(\d{2})(?:-(\d{2}))?(?=[._])", Path(path).name)
    if not found:
        return None
    year, month, day = found.groups()
    return date(int(year), int(month), int(day or 1))
