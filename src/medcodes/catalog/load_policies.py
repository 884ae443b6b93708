"""Related policies: Medicare LCDs and billing articles, health-plan medical policies.

Two halves, because ranges can only be expanded once the codes exist: `PoliciesStep.load`
runs with the other loaders (reads and checks the coverage files, records them in the
manifest, turns their skipped rows into build warnings); `PoliciesStep.write` runs as an
enricher on the written catalog (expands ranges to real codes, matches drug names in titles,
writes the `policies` and `policy_codes` tables).

Why a code is linked: `listed` (the policy lists the code), `in-range` (inside a listed range,
or below a listed category header), `drug-in-title` (the title names the code's drug: a topic
match only, labelled as such). CPT numbers are kept as numbers with no text.
"""

from __future__ import annotations

import bisect
import re
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

from medcodes.catalog.drug_names import hcpcs_drug_names
from medcodes.catalog.rows import Loaded
from medcodes.catalog.sources_read import manifest_row, of_kind, skipped_warnings
from medcodes.sources import coverage
from medcodes.sources.coverage import CodeSpec, CoverageDocument, PayerPolicy
from medcodes.sources.csv_table import SkippedRow
from medcodes.sources.registry import Kind, Located
from medcodes.systems import code_key

LISTED, IN_RANGE, DRUG_IN_TITLE = "listed", "in-range", "drug-in-title"
_STATUS_ORDER = {"current": 0, "future": 1, "retired": 2}
_HCPCS = re.compile(r"[A-Z]\d{4}")
_CPT = re.compile(r"\d{4}[0-9A-Z]")
# Where codes leave off in the sort of lookup keys: after every key starting with a prefix.
_PAST_PREFIX = "~"


@dataclass(frozen=True, slots=True)
class PolicyRow:
    id: str
    number: str
    owner_type: str  # medicare, health-plan
    owner: str
    doc_type: str
    title: str
    edition_date: date | None
    status: str
    url: str | None
    source: str


@dataclass(frozen=True, slots=True)
class PolicyCodeRow:
    policy_id: str
    code_id: int | None
    system: str
    code: str
    reason: str
    listed_as: str
    source: str


@dataclass(slots=True)
class _Read:
    """What the coverage files held, kept from `load` until the codes are written."""

    documents: dict[str, tuple[CoverageDocument, str]] = field(default_factory=dict)
    links: list[tuple[coverage.ArticleCodeLink, str]] = field(default_factory=list)
    plans: list[tuple[PayerPolicy, str]] = field(default_factory=list)


class CodeIndex:
    """The catalog's codes of one system in lookup-key order, to expand ranges and headers."""

    def __init__(self, rows: Iterable[tuple[str, int, str, bool]]) -> None:
        ordered = sorted(rows)  # (key, id, official code, billable)
        self.keys = [row[0] for row in ordered]
        self.rows = ordered
        self.by_key = {row[0]: row for row in ordered}

    def in_range(self, first: str, last: str) -> list[tuple[str, int, str, bool]]:
        """Codes from `first` through `last`, including everything below `last` (E11 - E13
        takes E13.9): key >= first and (key <= last or key starts with last)."""
        start = bisect.bisect_left(self.keys, code_key(first))
        end = bisect.bisect_right(self.keys, code_key(last) + _PAST_PREFIX)
        return self.rows[start:end]


class PoliciesStep:
    """Read coverage files with the sources; write policy tables once codes exist.

    One instance per build: `extra_steps=(("policies", step.load),)` and
    `alongside=(("policies", step.write), ...)`.
    """

    def __init__(self) -> None:
        self._read = _Read()

    def load(self, located: list[Located], sources_dir: Path) -> Loaded:
        """Parse every coverage file present; malformed rows become counted warnings."""
        loaded = Loaded()
        skipped: list[SkippedRow] = []
        for item in of_kind(located, Kind.MCD_DOCUMENTS):
            documents = list(coverage.parse_mcd_documents(item.path, skipped))
            loaded.manifest.append(manifest_row(item, sources_dir, len(documents)))
            for document in documents:
                self._keep_document(document, item.source.name)
        for item in of_kind(located, Kind.MCD_ARTICLE_CODES):
            links = list(coverage.parse_article_code_links(item.path, skipped))
            loaded.manifest.append(manifest_row(item, sources_dir, len(links)))
            self._read.links.extend((link, item.source.name) for link in links)
        for kind, parse in (
            (Kind.FEP_POLICIES, coverage.parse_fep_policies),
            (Kind.BCBSMN_POLICIES, coverage.parse_bcbsmn_policies),
        ):
            for item in of_kind(located, kind):
                plans = list(parse(item.path, skipped, item.source.effective_date))
                loaded.manifest.append(manifest_row(item, sources_dir, len(plans)))
                self._read.plans.extend((plan, item.source.name) for plan in plans)
        loaded.warnings.extend(skipped_warnings(skipped, sources_dir))
        return loaded

    def write(self, conn: sqlite3.Connection) -> list[str]:
        """Expand, match and insert; returns warnings for listed codes the catalog lacks."""
        indexes = {
            system: CodeIndex(
                conn.execute(
                    "SELECT code_key, id, code, billable FROM codes WHERE system = ? "
                    "AND kind NOT IN ('chapter', 'section', 'group')",
                    (system,),
                )
            )
            for system in ("HCPCS", "ICD10CM")
        }
        policies = self._policies()
        rows = list(self._listed_rows(policies, indexes))
        rows.extend(_title_rows(conn, policies.values(), rows))
        rows = list(dict.fromkeys(rows))
        _insert(conn, policies.values(), rows)
        return _unknown_warnings(rows)

    def _keep_document(self, document: CoverageDocument, source: str) -> None:
        """One row per document: the current version, else the newest."""
        kept = self._read.documents.get(document.doc_id)
        rank = (_STATUS_ORDER[document.status], -document.version)
        if kept is None or rank < (_STATUS_ORDER[kept[0].status], -kept[0].version):
            self._read.documents[document.doc_id] = (document, source)

    def _policies(self) -> dict[str, PolicyRow]:
        policies = {
            doc.doc_id: PolicyRow(
                id=doc.doc_id,
                number=doc.doc_id,
                owner_type="medicare",
                owner=doc.contractor,
                doc_type=doc.doc_type,
                title=doc.title,
                edition_date=doc.effective_date,
                status=doc.status,
                url=doc.url or None,
                source=source,
            )
            for doc, source in self._read.documents.values()
        }
        for link, source in self._read.links:
            policies.setdefault(link.article_id, _article_from_link(link, source))
        for plan, source in self._read.plans:
            row = _plan_row(plan, source)
            kept = policies.get(row.id)
            policies[row.id] = row if kept is None else _merge_plans(kept, row)
        return policies

    def _listed_rows(
        self, policies: dict[str, PolicyRow], indexes: dict[str, CodeIndex]
    ) -> Iterator[PolicyCodeRow]:
        for link, source in self._read.links:
            spec = CodeSpec("code", link.hcpcs, link.hcpcs)
            yield from spec_rows(link.article_id, spec, indexes, source)
        for plan, source in self._read.plans:
            policy_id = _plan_id(plan)
            for spec in (*plan.code_specs, *plan.diagnosis_specs):
                yield from spec_rows(policy_id, spec, indexes, source)


def spec_rows(
    policy_id: str, spec: CodeSpec, indexes: dict[str, CodeIndex], source: str
) -> Iterator[PolicyCodeRow]:
    """The rows one listed code or range gives: the code itself (listed; code_id None when
    the catalog lacks it), a category header's codes below it, a range's codes (in-range)."""
    listed = spec.first if spec.first == spec.last else f"{spec.first}-{spec.last}"
    system = spec_system(spec.first)
    if system == "CPT":
        yield PolicyCodeRow(policy_id, None, "CPT", listed, LISTED, listed, source)
        return
    index = indexes[system]
    if spec.kind != "range":
        found = index.by_key.get(code_key(spec.first))
        code = found[2] if found else spec.first
        yield PolicyCodeRow(
            policy_id, found[1] if found else None, system, code, LISTED, listed, source
        )
        if found is None or found[3]:
            return
    for _key, code_id, code, _billable in index.in_range(spec.first, spec.last):
        if code_key(code) != code_key(spec.first) or spec.kind == "range":
            yield PolicyCodeRow(policy_id, code_id, system, code, IN_RANGE, listed, source)


def spec_system(code: str) -> str:
    """HCPCS (`J9039`), CPT (`96413`, `0070U`) or ICD10CM (`C91.00`, `R52`), by shape."""
    if _HCPCS.fullmatch(code):
        return "HCPCS"
    if _CPT.fullmatch(code):
        return "CPT"
    return "ICD10CM"


def _article_from_link(link: coverage.ArticleCodeLink, source: str) -> PolicyRow:
    """A billing article the documents list lacks: what its code-list row says of it."""
    return PolicyRow(
        id=link.article_id,
        number=link.article_id,
        owner_type="medicare",
        owner="Medicare Administrative Contractor (not named in the documents list)",
        doc_type="Article",
        title=link.title or f"Billing and coding article {link.article_id} (no title in source)",
        edition_date=None,
        status="current",
        url=link.url or None,
        source=source,
    )


def _plan_id(plan: PayerPolicy) -> str:
    prefix = "FEP" if plan.owner == "FEP Blue" else "BCBSMN"
    number = plan.policy_id or re.sub(r"[^A-Za-z0-9]+", "-", plan.title).strip("-")[:48]
    return f"{prefix}-{number}"


def _plan_row(plan: PayerPolicy, source: str) -> PolicyRow:
    return PolicyRow(
        id=_plan_id(plan),
        number=plan.policy_id,
        owner_type="health-plan",
        owner=plan.owner,
        doc_type="Medical policy",
        title=plan.title,
        edition_date=plan.edition_date,
        status="current",
        url=plan.url,
        source=source,
    )


def _merge_plans(kept: PolicyRow, row: PolicyRow) -> PolicyRow:
    """One policy number twice: two drugs under it in one list (FEP 5.21.16) keep both
    titles; two editions of the list keep the newer one's."""
    if kept.source != row.source:
        return max(kept, row, key=lambda p: p.edition_date or date.min)
    if row.title in kept.title:
        return kept
    return replace(kept, title=f"{kept.title}; {row.title}")


def _title_rows(
    conn: sqlite3.Connection, policies: Iterable[PolicyRow], listed: list[PolicyCodeRow]
) -> Iterator[PolicyCodeRow]:
    """Active drug codes whose generic or brand name is a whole word of a current policy's
    title and that the policy does not already list."""
    have = {(row.policy_id, row.code_id) for row in listed}
    codes = dict(
        conn.execute("SELECT id, code FROM codes WHERE system = 'HCPCS' AND status = 'active'")
    )
    by_name: dict[str, list[int]] = {}
    for code_id, names in hcpcs_drug_names(conn).items():
        for name in names:
            by_name.setdefault(name, []).append(code_id)
    pattern = re.compile(
        r"\b(" + "|".join(re.escape(n) for n in sorted(by_name, key=len, reverse=True)) + r")\b"
    )
    for policy in policies:
        if policy.status == "retired":
            continue
        for name in set(pattern.findall(policy.title.casefold())):
            for code_id in by_name[name]:
                if code_id in codes and (policy.id, code_id) not in have:
                    yield PolicyCodeRow(
                        policy.id, code_id, "HCPCS", codes[code_id], DRUG_IN_TITLE, name,
                        policy.source,
                    )  # fmt: skip


def _insert(
    conn: sqlite3.Connection, policies: Iterable[PolicyRow], rows: list[PolicyCodeRow]
) -> None:
    conn.executemany(
        "INSERT INTO policies VALUES (?,?,?,?,?,?,?,?,?,?)",
        (
            (
                p.id, p.number, p.owner_type, p.owner, p.doc_type, p.title,
                p.edition_date.isoformat() if p.edition_date else None, p.status, p.url, p.source,
            )
            for p in policies
        ),
    )  # fmt: skip
    conn.executemany(
        "INSERT INTO policy_codes VALUES (?,?,?,?,?,?,?)",
        ((r.policy_id, r.code_id, r.system, r.code, r.reason, r.listed_as, r.source) for r in rows),
    )


def _unknown_warnings(rows: list[PolicyCodeRow]) -> list[str]:
    """One line per source: listed HCPCS/ICD-10-CM codes no ingested release holds."""
    unknown: dict[str, list[str]] = {}
    for row in rows:
        if row.code_id is None and row.system != "CPT":
            unknown.setdefault(row.source, []).append(row.code)
    return [
        f"{source}: {len(codes)} listed codes are in no ingested release (kept, shown "
        f"unlinked): {', '.join(sorted(set(codes))[:12])}"
        for source, codes in sorted(unknown.items())
    ]
