"""The knowledge build step: read the plain-language documents with the other sources, then,
once the codes are written, link documents to codes and write the knowledge tables.

Two halves like the policies step: `KnowledgeStep.load` runs with the loaders (reads every
collection, records it in the manifest, turns unreadable files into warnings naming file and
line); `KnowledgeStep.write` runs as an enricher on the written catalog. Without a
`knowledge/` folder the catalog is built without knowledge, and its meta says so.
"""

from __future__ import annotations

import gc
import json
import logging
import sqlite3
import time
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

from medcodes.catalog.knowledge_conditions import ConditionIndex, Node, site_vocabulary
from medcodes.catalog.knowledge_drugs import DrugCode, DrugIndex, DrugPage
from medcodes.catalog.knowledge_links import Link, Linker, rank_key
from medcodes.catalog.knowledge_names import words
from medcodes.catalog.knowledge_procedures import PCS_NAMING_AXES, ProcedureIndex
from medcodes.catalog.rows import Loaded, ManifestRow
from medcodes.sources.knowledge.corpus import FOLDER, knowledge_root, read_corpus
from medcodes.sources.knowledge.model import Collection, Corpus, Document
from medcodes.sources.knowledge.publishers import NCI_DRUG

log = logging.getLogger(__name__)

META_KEY = "knowledge"
NO_KNOWLEDGE = "none: the sources folder has no knowledge/ folder"
SITE_AXES = ("Body Part", "Body Region", "Treatment Site")
# The ICD-10-PCS Body Part Key for muscles, tendons, bursae and ligaments, bones and joints
# (body systems 0K-0S): the anatomical terms each body part value includes ("Anterior cruciate
# ligament (ACL)" in Knee Bursa and Ligament, "Interphalangeal (IP) joint" in Finger Phalangeal
# Joint), the names injury titles give a site by. Other systems' terms are left out: "Corpus
# cavernosum" would make "Fracture of corpus cavernosum penis" a broken bone.
_BODY_PART_KEY_SQL = """
    SELECT k.includes FROM pcs_terms k WHERE k.section = '0' AND k.position = 4 AND EXISTS (
        SELECT 1 FROM pcs_axis_values v JOIN codes t ON t.id = v.table_id
        WHERE v.position = 4 AND v.label = k.term
        AND substr(t.code, 1, 2) IN ('0K', '0L', '0M', '0N', '0P', '0Q', '0R', '0S'))
"""


class KnowledgeStep:
    """Read the knowledge folder with the sources; link and write once codes exist.

    One instance per build: `extra_steps=(("knowledge", step.load),)` and
    `enrichers=(("knowledge links", step.write),)`.
    """

    def __init__(self) -> None:
        self.corpus: Corpus | None = None
        self.sources_dir: Path | None = None

    def load(self, located: object, sources_dir: Path) -> Loaded:
        """Parse every knowledge collection present; unreadable files become warnings."""
        loaded = Loaded()
        self.sources_dir = sources_dir
        root = knowledge_root(sources_dir)
        if root is None:
            return loaded
        started = time.perf_counter()
        with collector_paused():
            self.corpus = read_corpus(root)
        loaded.manifest += [_manifest_row(c) for c in self.corpus.collections]
        loaded.warnings += [f"knowledge: skipped {problem}" for problem in self.corpus.problems]
        log.info(
            "knowledge documents=%d problems=%d seconds=%.1f",
            len(self.corpus.documents),
            len(self.corpus.problems),
            time.perf_counter() - started,
        )
        return loaded

    def write(self, conn: sqlite3.Connection) -> list[str]:
        """Link the documents read to the catalog's codes and write the knowledge tables."""
        if self.corpus is None:
            where = f" {self.sources_dir}" if self.sources_dir else ""
            conn.execute("INSERT INTO meta VALUES (?, ?)", (META_KEY, NO_KNOWLEDGE + where))
            return [f"knowledge: no {FOLDER}/ folder in{where}; built without plain-language text"]
        started = time.perf_counter()
        documents = self.corpus.documents
        with collector_paused():
            links = link_documents(conn, documents)
        _write(conn, documents, links)
        summary = f"{len(documents)} documents, {len(links)} links"
        conn.execute("INSERT INTO meta VALUES (?, ?)", (META_KEY, summary))
        log.info("knowledge %s seconds=%.1f", summary, time.perf_counter() - started)
        return []


@contextmanager
def collector_paused() -> Iterator[None]:
    """Run a block without the cyclic garbage collector. The step makes millions of small
    objects that live until it ends (passages, word bags, index entries); each collection
    walks them again, and the build's rows already in memory with them: about 40% of the
    step's CPU. They form no reference cycles worth reclaiming meanwhile; collecting resumes
    (and catches up) when the block ends."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def link_documents(conn: sqlite3.Connection, documents: list[Document]) -> list[tuple[Link, int]]:
    """The ranked links of the documents to the catalog's codes. The indexes made for it are
    freed on return (before the collector resumes, so it never walks them)."""
    linker = build_linker(conn, documents)
    title_of = dict(conn.execute("SELECT id, long_title FROM codes"))
    return _ranked(list(linker.links(documents)), documents, linker.code_of, title_of)


def build_linker(conn: sqlite3.Connection, documents: list[Document]) -> Linker:
    """The three indexes (conditions, procedures, drugs) from a written catalog."""
    nodes = [
        Node(*row)
        for row in conn.execute(
            "SELECT id, code, kind, long_title, parent_id FROM codes WHERE system = 'ICD10CM'"
        )
    ]
    cm_terms = conn.execute(
        "SELECT t.term, t.code_id, t.source FROM terms t JOIN codes c ON c.id = t.code_id "
        "WHERE c.system = 'ICD10CM' AND t.source IN ('index', 'index-main', 'inclusion')"
    ).fetchall()
    sites = site_vocabulary(
        [row[0] for row in conn.execute(
            f"SELECT DISTINCT label FROM pcs_axis_values WHERE title IN ({_marks(SITE_AXES)})",
            SITE_AXES,
        )]
        + [row[0].split(", ")[2] for row in conn.execute(
            "SELECT DISTINCT term FROM terms WHERE source = 'neoplasm-index' "
            "AND term LIKE 'Neoplasm, neoplastic, %'"
        )]
        + [line for row in conn.execute(_BODY_PART_KEY_SQL) for line in row[0].splitlines()]
    )  # fmt: skip
    conditions = ConditionIndex(
        nodes,
        [(term, code_id) for term, code_id, source in cm_terms if source != "inclusion"],
        [term for term, _id, source in cm_terms if source == "index-main"],
        [(term, code_id) for term, code_id, source in cm_terms if source == "inclusion"],
        sites,
    )
    procedures = ProcedureIndex(
        conn.execute(
            "SELECT t.term, c.id, c.code FROM terms t JOIN codes c ON c.id = t.code_id "
            "WHERE t.source = 'pcs-index' AND c.kind = 'code'"
        ),
        conn.execute("SELECT id, code, long_title FROM codes WHERE system = 'HCPCS'"),
        conn.execute("SELECT id, code FROM codes WHERE system = 'ICD10PCS' AND kind = 'code'"),
        conn.execute(
            "SELECT DISTINCT t.code, v.position, v.label FROM pcs_axis_values v "
            "JOIN codes t ON t.id = v.table_id "
            f"WHERE v.position IN ({_marks(PCS_NAMING_AXES)}) "
            "AND v.char = substr(t.code, v.position, 1)",
            PCS_NAMING_AXES,
        ),
    )
    pages = [DrugPage(d.title, d.brands) for d in documents if d.source == NCI_DRUG]
    return Linker(conditions, procedures, _drug_index(conn, pages), _codes(conn))


def _drug_index(conn: sqlite3.Connection, pages: list[DrugPage]) -> DrugIndex:
    products: dict[int, set[str]] = defaultdict(set)
    for code_id, term in conn.execute("SELECT code_id, term FROM terms WHERE source = 'asp-brand'"):
        products[code_id].add(term.casefold())
    codes = [
        DrugCode(code_id, code, title, frozenset(products[code_id]))
        for code_id, code, title in conn.execute(
            "SELECT id, code, long_title FROM codes WHERE system = 'HCPCS' AND kind = 'code'"
        )
    ]
    return DrugIndex(codes, pages)


def _codes(conn: sqlite3.Connection) -> dict[int, str]:
    return dict(conn.execute("SELECT id, code FROM codes"))


def _marks(values: tuple[object, ...]) -> str:
    return ",".join("?" * len(values))


def _ranked(
    links: list[Link],
    documents: list[Document],
    code_of: dict[int, str],
    title_of: dict[int, str],
) -> list[tuple[Link, int]]:
    """One link per (code, kind, document, use), the best evidence kept, ranked per code."""
    best: dict[tuple[int, str, int, int | None], tuple[tuple[int, ...], Link]] = {}
    title_words: dict[int, frozenset[str]] = {}  # a code's title, taken apart once
    for link in links:
        said = title_words.get(link.code_id)
        if said is None:
            said = title_words[link.code_id] = frozenset(words(title_of[link.code_id]))
        key = rank_key(link, documents[link.document], code_of[link.anchor_id], said)
        slot = (link.code_id, link.kind, link.document, link.use)
        if slot not in best or key < best[slot][0]:
            best[slot] = (key, link)
    per_code: dict[tuple[int, str], list[tuple[tuple[int, ...], Link]]] = defaultdict(list)
    for key, link in best.values():
        per_code[(link.code_id, link.kind)].append((key, link))
    ranked = []
    for group in per_code.values():
        group.sort(key=lambda item: (item[0], item[1].document, item[1].use or 0))
        ranked += [(link, rank) for rank, (_key, link) in enumerate(group)]
    return ranked


def _write(
    conn: sqlite3.Connection, documents: list[Document], links: list[tuple[Link, int]]
) -> None:
    linked = {link.document for link, _rank in links}
    conn.executemany(
        "INSERT INTO knowledge_documents VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
        [_document_row(position, d) for position, d in enumerate(documents)],
    )
    conn.executemany(
        "INSERT INTO knowledge_passages VALUES (?,?,?,?,?,?,?)",
        [
            (position + 1, seq, p.heading, p.parent, p.qtype, p.line, p.text)
            for position in sorted(linked)
            for seq, p in enumerate(documents[position].passages)
        ],
    )
    conn.executemany(
        "INSERT INTO knowledge_uses VALUES (?,?,?,?,?)",
        [
            (position + 1, seq, json.dumps(u.conditions), u.text, json.dumps(u.settings))
            for position, d in enumerate(documents)
            if d.source == NCI_DRUG
            for seq, u in enumerate(d.approved_uses)
        ],
    )
    conn.executemany(
        "INSERT INTO knowledge_links VALUES (?,?,?,?,?,?,?,?,?)",
        [
            (
                link.document + 1,
                link.code_id,
                link.anchor_id,
                link.kind,
                link.rule,
                link.name,
                link.evidence,
                link.use,
                rank,
            )
            for link, rank in links
        ],
    )


def _document_row(position: int, d: Document) -> tuple[object, ...]:
    return (
        position + 1,
        d.source,
        d.collection,
        d.key,
        d.title,
        d.url,
        d.date,
        d.file,
        json.dumps(d.also_called),
        json.dumps(d.mesh),
        json.dumps(d.cuis),
        json.dumps(d.brands),
        d.label_setid,
    )


def _manifest_row(collection: Collection) -> ManifestRow:
    return ManifestRow(
        name=collection.name,
        kind=f"knowledge-{collection.source}",
        release=collection.date,
        effective_date=_as_date(collection.date),
        file=f"{FOLDER}/{collection.path}",
        sha256=collection.sha256,
        rows=collection.documents,
        url=collection.url,
    )


def _as_date(text: str) -> date:
    """`2026-04-14` or a bare year (`2017` -> 2017-01-01)."""
    if len(text) == 4 and text.isdigit():
        return date(int(text), 1, 1)
    try:
        return date.fromisoformat(text)
    except ValueError:
        return date(1970, 1, 1)
