"""Read the knowledge a code has: the documents linked to it (with why), their passages, and
the drug <-> condition lists ("Conditions it is approved to treat" on a drug code, "Drugs
approved for it" on a condition code).

A catalog built without knowledge has empty knowledge tables (or, if older, none): every
read then answers "nothing linked" rather than failing.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field

from medcodes.catalog.read import Catalog, Code
from medcodes.sources.knowledge.publishers import PUBLISHERS

INDICATION = "indication"
_DOCUMENT_COLUMNS = "d.id, d.source, d.collection, d.title, d.url, d.date, d.file"


def _document(row: tuple[object, ...]) -> KnowledgeDocument:
    """A document from the first seven columns of `_DOCUMENT_COLUMNS`."""
    source = str(row[1])
    return KnowledgeDocument(*row[:7], PUBLISHERS.get(source, source))  # type: ignore[arg-type]


@dataclass(frozen=True, slots=True)
class KnowledgeDocument:
    """A document as a page cites it."""

    id: int
    source: str  # medlineplus, medlineplus-tests, nci-drug, nci-pdq, medquad
    collection: str
    title: str
    url: str
    date: str
    file: str  # under the knowledge folder
    publisher: str  # as the page's badge names it: MedlinePlus, NCI, MedQuAD


@dataclass(frozen=True, slots=True)
class KnowledgePassage:
    heading: str
    parent: str
    qtype: str
    line: int
    text: str


@dataclass(frozen=True, slots=True)
class DocumentLink:
    """Why a document is on a code's page."""

    document: KnowledgeDocument
    kind: str  # condition, procedure, test, device, drug, indication
    rule: str
    name: str  # the document's name (or approved condition) that matched
    evidence: str
    anchor: str  # the code the evidence names
    general: bool  # inherited from a header above the code: about the topic in general
    rank: int


@dataclass(frozen=True, slots=True)
class CodeRef:
    system: str
    code: str
    title: str
    status: str


@dataclass(frozen=True, slots=True)
class ApprovedCondition:
    """One "approved to treat" item of the NCI page of a drug code, with its codes."""

    document: KnowledgeDocument
    text: str  # the item, verbatim
    settings: list[str]
    codes: list[CodeRef]  # ICD-10-CM codes the condition names (empty: none found)


@dataclass(frozen=True, slots=True)
class ApprovedDrug:
    """A drug whose NCI page says it is approved to treat this condition, with its codes."""

    document: KnowledgeDocument
    condition: str  # the approved use, verbatim
    evidence: str
    codes: list[CodeRef]  # HCPCS codes billing the drug


@dataclass(frozen=True, slots=True)
class CodeKnowledge:
    """The `knowledge` field of a code view."""

    documents: list[DocumentLink] = field(default_factory=list)
    approved_to_treat: list[ApprovedCondition] = field(default_factory=list)
    drugs_approved: list[ApprovedDrug] = field(default_factory=list)

    def is_empty(self) -> bool:
        return not (self.documents or self.approved_to_treat or self.drugs_approved)


class KnowledgeReader:
    """Knowledge reads over one catalog."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self.present = _has_tables(catalog.conn)

    def links(self, code: Code) -> list[DocumentLink]:
        """Documents linked to a code, best first within each kind (indications last)."""
        if not self.present:
            return []
        rows = self.catalog.conn.execute(
            f"SELECT {_DOCUMENT_COLUMNS}, l.kind, l.rule, l.name, l.evidence, a.code, "
            "l.anchor_id != l.code_id, l.rank FROM knowledge_links l "
            "JOIN knowledge_documents d ON d.id = l.document_id "
            "JOIN codes a ON a.id = l.anchor_id WHERE l.code_id = ? "
            "ORDER BY l.kind = 'indication', l.rank, l.kind",
            (code.id,),
        )
        return [
            DocumentLink(_document(row), row[7], row[8], row[9], row[10], row[11], bool(row[12]),
                         row[13])
            for row in rows
        ]  # fmt: skip

    def document(self, document_id: int) -> KnowledgeDocument:
        row = self.catalog.conn.execute(
            f"SELECT {_DOCUMENT_COLUMNS} FROM knowledge_documents d WHERE d.id = ?",
            (document_id,),
        ).fetchone()
        return _document(row)

    def passages(self, document: KnowledgeDocument) -> list[KnowledgePassage]:
        if not self.present:
            return []
        rows = self.catalog.conn.execute(
            "SELECT heading, parent, qtype, line, text FROM knowledge_passages "
            "WHERE document_id = ? ORDER BY seq",
            (document.id,),
        )
        return [KnowledgePassage(*row) for row in rows]

    def code_knowledge(self, code: Code) -> CodeKnowledge:
        """Everything the page shows under `knowledge` for one code."""
        links = self.links(code)
        documents = [link for link in links if link.kind != INDICATION]
        drug_pages = [link.document for link in documents if link.kind == "drug"]
        return CodeKnowledge(
            documents=documents,
            approved_to_treat=[u for d in drug_pages for u in self._approved_uses(d)],
            drugs_approved=self._drugs_for(code),
        )

    def _approved_uses(self, document: KnowledgeDocument) -> list[ApprovedCondition]:
        uses = self.catalog.conn.execute(
            "SELECT seq, text, settings FROM knowledge_uses WHERE document_id = ? ORDER BY seq",
            (document.id,),
        ).fetchall()
        found = []
        for seq, text, settings in uses:
            codes = self._code_refs(
                "SELECT DISTINCT c.system, c.code, c.long_title, c.status FROM knowledge_links l "
                "JOIN codes c ON c.id = l.code_id WHERE l.document_id = ? AND l.kind = ? "
                "AND l.use_seq = ? AND l.code_id = l.anchor_id ORDER BY c.code",
                (document.id, INDICATION, seq),
            )
            found.append(ApprovedCondition(document, text, json.loads(settings), _tops(codes)))
        return found

    def _drugs_for(self, code: Code) -> list[ApprovedDrug]:
        if not self.present:
            return []
        rows = self.catalog.conn.execute(
            f"SELECT {_DOCUMENT_COLUMNS}, u.text, l.evidence FROM knowledge_links l "
            "JOIN knowledge_documents d ON d.id = l.document_id "
            "JOIN knowledge_uses u ON u.document_id = l.document_id AND u.seq = l.use_seq "
            "WHERE l.code_id = ? AND l.kind = ? ORDER BY d.title, u.seq",
            (code.id, INDICATION),
        ).fetchall()
        drugs: dict[int, ApprovedDrug] = {}
        for row in rows:
            document = _document(row)
            if document.id in drugs:
                continue
            codes = self._code_refs(
                "SELECT c.system, c.code, c.long_title, c.status FROM knowledge_links l "
                "JOIN codes c ON c.id = l.code_id WHERE l.document_id = ? AND l.kind = 'drug' "
                "ORDER BY c.status != 'active', c.code",
                (document.id,),
            )
            drugs[document.id] = ApprovedDrug(document, row[7], row[8], codes)
        return list(drugs.values())

    def _code_refs(self, sql: str, args: tuple[object, ...]) -> list[CodeRef]:
        return [CodeRef(*row) for row in self.catalog.conn.execute(sql, args)]


def _tops(codes: list[CodeRef]) -> list[CodeRef]:
    """The codes not under another of them (C91.0, not also C91.00): ICD-10-CM codes below a
    header start with the header's code."""
    named = {c.code for c in codes}
    return [c for c in codes if not any(c.code != n and c.code.startswith(n) for n in named)]


def _has_tables(conn: sqlite3.Connection) -> bool:
    found = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'knowledge_links'"
    ).fetchone()
    return found is not None
