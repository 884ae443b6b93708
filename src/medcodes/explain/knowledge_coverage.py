"""How much the knowledge documents cover: links per kind and source, and per code system the
share of billable codes with at least one section written from a source.

A code counts as covered when its page shows a section quoted from a source: a linked
document (condition, procedure, test, device or drug link) has a passage for one of the
sections excerpts speak first on (`writers_of`), after the "For a ...:" block choice; or it
can quote only a summary, which shows where the rules writer has none (a condition whose index
entries all restate its title), so for those codes the rules writer is asked. The first is the
writer's own decision, computed once per (document, profile, name).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from medcodes.catalog.knowledge_read import KnowledgeDocument, KnowledgeReader
from medcodes.catalog.read import Catalog
from medcodes.explain.excerpts import DIAGNOSIS, PROCEDURE, SECTION_KINDS, quotable_sections
from medcodes.explain.explainer import spec_of, writers_of
from medcodes.explain.facts import FactsReader
from medcodes.explain.model import EXCERPT, SECTIONS_BY_PROFILE
from medcodes.explain.rules import RulesWriter
from medcodes.serial import Serialisable
from medcodes.systems import System

SUMMARY = "summary"
PROFILE_OF = {
    System.ICD10CM.value: DIAGNOSIS,
    System.ICD10PCS.value: PROCEDURE,
    System.HCPCS.value: PROCEDURE,
}
# Per profile, the sections on which a quoted passage speaks before any other writer.
EXCERPT_FIRST = {
    profile: frozenset(
        spec.key for spec in SECTIONS_BY_PROFILE[profile] if writers_of(spec.key)[0] == EXCERPT
    )
    for profile in (DIAGNOSIS, PROCEDURE)
}


@dataclass(frozen=True, slots=True)
class LinkCount:
    kind: str
    source: str
    links: int
    codes: int
    documents: int


@dataclass(frozen=True, slots=True)
class SystemCoverage:
    system: str
    billable: int  # active billable codes
    linked: int  # with at least one document link (indications aside)
    with_section: int  # with at least one section written from a source

    @property
    def share(self) -> float:
        return self.with_section / self.billable if self.billable else 0.0


@dataclass(frozen=True, slots=True)
class KnowledgeStats(Serialisable):
    """What `medcodes knowledge stats` prints."""

    built_with: str  # the catalog's knowledge note ("6156 documents, 69343 links" or "none: ...")
    documents: int
    links: list[LinkCount] = field(default_factory=list)
    coverage: list[SystemCoverage] = field(default_factory=list)


def knowledge_stats(catalog: Catalog) -> KnowledgeStats:
    reader = KnowledgeReader(catalog)
    note = catalog.meta().get("knowledge", "none: built before knowledge links existed")
    if not reader.present:
        return KnowledgeStats(note, 0)
    conn = catalog.conn
    (documents,) = conn.execute("SELECT count(*) FROM knowledge_documents").fetchone()
    links = [
        LinkCount(*row)
        for row in conn.execute(
            "SELECT l.kind, d.source, count(*), count(DISTINCT l.code_id), "
            "count(DISTINCT l.document_id) FROM knowledge_links l "
            "JOIN knowledge_documents d ON d.id = l.document_id GROUP BY 1, 2 ORDER BY 1, 2"
        )
    ]
    return KnowledgeStats(note, documents, links, _coverage(catalog, reader))


def _coverage(catalog: Catalog, reader: KnowledgeReader) -> list[SystemCoverage]:
    linked, covered = covered_codes(catalog, reader)
    return [
        SystemCoverage(
            system, _billable(catalog, system), len(linked[system]), len(covered[system])
        )
        for system in PROFILE_OF
    ]


def covered_codes(
    catalog: Catalog, reader: KnowledgeReader
) -> tuple[dict[str, set[int]], dict[str, set[int]]]:
    """Per system, the billable codes linked to a document and those whose page quotes one."""
    kinds = ",".join(f"'{kind}'" for kind in sorted(SECTION_KINDS))
    covered: dict[str, set[int]] = {system: set() for system in PROFILE_OF}
    linked: dict[str, set[int]] = {system: set() for system in PROFILE_OF}
    summary_only: dict[str, set[int]] = {system: set() for system in PROFILE_OF}
    documents: dict[int, KnowledgeDocument] = {}
    decided: dict[tuple[int, str, str], set[str]] = {}
    rows = catalog.conn.execute(
        "SELECT c.id, c.system, l.document_id, l.name FROM knowledge_links l "
        "JOIN codes c ON c.id = l.code_id "
        f"WHERE c.billable = 1 AND c.status = 'active' AND l.kind IN ({kinds})"
    )
    for code_id, system, document_id, name in rows:
        profile = PROFILE_OF.get(system)
        if profile is None:
            continue
        linked[system].add(code_id)
        if code_id in covered[system]:
            continue
        key = (document_id, profile, name)
        if key not in decided:
            document = documents.get(document_id) or reader.document(document_id)
            documents[document_id] = document
            decided[key] = quotable_sections(reader.passages(document), profile, name)
        if decided[key] & EXCERPT_FIRST[profile]:
            covered[system].add(code_id)
        elif SUMMARY in decided[key]:
            summary_only[system].add(code_id)
    for system, code_ids in summary_only.items():
        covered[system] |= _without_rules_summary(catalog, code_ids - covered[system])
    return linked, covered


def _without_rules_summary(catalog: Catalog, code_ids: set[int]) -> set[int]:
    """The codes whose summary the rules writer leaves to a quote: the same rules writer the
    explainer asks first (`writers_of("summary")`), on each code's own facts."""
    facts, rules = FactsReader(catalog), RulesWriter()
    left = set()
    for code_id in code_ids:
        card = facts.card(catalog.by_id(code_id))
        if not rules.write(card, (spec_of(SECTIONS_BY_PROFILE[card.profile], SUMMARY),)):
            left.add(code_id)
    return left


def _billable(catalog: Catalog, system: str) -> int:
    (count,) = catalog.conn.execute(
        "SELECT count(*) FROM codes WHERE system = ? AND billable = 1 AND status = 'active'",
        (system,),
    ).fetchone()
    return int(count)
