"""Find and read every knowledge collection under a sources folder's `knowledge/`.

Layout (as staged, and as a user refreshing it would lay it out):
```
knowledge/medlineplus/topics-YYYY-MM-DD/medlineplus_<slug>_<id>.md   topic summaries
knowledge/medlineplus/mplus_topics_YYYY-MM-DD.xml[.gz|.zip]          official bulk XML
knowledge/medlineplus/health_topics_YYYY-MM-DD.json                   topic metadata
knowledge/medlineplus/tests-YYYY/medplus_labs.csv                     medical tests
knowledge/nci/drugs/about-cancer-treatment-drugs-*.md                 NCI drug pages
knowledge/nci/pdq-patient/*-treatment-pdq.md                          PDQ patient summaries
knowledge/medquad/<n>_<SUBSET>_QA*/*.xml                              MedQuAD subsets
```
Every collection is optional. Where both the official XML and the Markdown topics are present,
the newer one wins for each topic. A file that cannot be read is reported and skipped.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from pathlib import Path

from medcodes.sources.files import sha256_file
from medcodes.sources.knowledge import lab_tests, medlineplus, medquad, nci
from medcodes.sources.knowledge.model import Collection, Corpus, Document, Problem
from medcodes.sources.knowledge.publishers import (
    MEDLINEPLUS,
    MEDLINEPLUS_TESTS,
    MEDQUAD,
    NCI_DRUG,
    NCI_PDQ,
)

FOLDER = "knowledge"
_DATE = re.compile(r"(\d{4}(?:-\d{2}-\d{2})?)")
URLS = {
    MEDLINEPLUS: "https://medlineplus.gov/xml.html",
    MEDLINEPLUS_TESTS: "https://medlineplus.gov/lab-tests/",
    NCI_DRUG: "https://www.cancer.gov/about-cancer/treatment/drugs",
    NCI_PDQ: "https://www.cancer.gov/publications/pdq",
    MEDQUAD: "https://github.com/abachaa/MedQuAD",
}


def knowledge_root(sources_dir: Path) -> Path | None:
    """The knowledge folder of a sources folder, or None when it has none."""
    root = sources_dir / FOLDER
    return root if root.is_dir() else None


def read_corpus(root: Path) -> Corpus:
    """Every collection found under `root` (a `knowledge/` folder)."""
    corpus = Corpus()
    _read_medlineplus(root, corpus)
    tests = sorted((root / "medlineplus").glob("tests-*/medplus_labs.csv"))
    for path in tests[-1:]:
        documents = lab_tests.read_lab_tests(path, root, _date(path.parent.name), corpus.problems)
        _add(corpus, root, path, MEDLINEPLUS_TESTS, _date(path.parent.name), documents)
    _read_folder(corpus, root, root / "nci" / "drugs", NCI_DRUG, nci.parse_drug_page)
    _read_folder(corpus, root, root / "nci" / "pdq-patient", NCI_PDQ, nci.parse_pdq_page)
    for folder in sorted(p for p in (root / "medquad").glob("*_QA*") if p.is_dir()):
        documents = medquad.read_medquad_folder(folder, root, corpus.problems)
        _add(corpus, root, folder, MEDQUAD, medquad.AS_OF, documents)
    corpus.documents = _unique(corpus.documents, corpus.problems)
    return corpus


def _unique(documents: list[Document], problems: list[Problem]) -> list[Document]:
    """The first document of each (source, key); a repeat is reported, not kept."""
    seen: dict[tuple[str, str], Document] = {}
    for document in documents:
        first = seen.setdefault((document.source, document.key), document)
        if first is not document:
            problems.append(Problem(document.file, 1, f"same {document.source} id as {first.file}"))
    return list(seen.values())


def _read_medlineplus(root: Path, corpus: Corpus) -> None:
    folder = root / "medlineplus"
    metadata: dict[str, medlineplus.TopicMetadata] = {}
    for path in sorted(folder.glob("health_topics_*.json"))[-1:]:
        metadata = medlineplus.read_metadata(path, corpus.problems)
    chosen: dict[str, Document] = {}
    sets: list[tuple[Path, str, list[Document]]] = []
    for topics in sorted(p for p in folder.glob("topics-*") if p.is_dir()):
        date = _date(topics.name)
        sets.append(
            (topics, date, medlineplus.read_topics_folder(topics, root, metadata, corpus.problems))
        )
    for path in sorted(folder.glob("mplus_topics_*.xml*")):
        sets.append(
            (path, _date(path.name), medlineplus.read_topics_xml(path, root, corpus.problems))
        )
    for path, date, documents in sorted(sets, key=lambda item: item[1]):
        for document in documents:
            chosen[document.key] = document  # the newest set wins per topic
        _add(corpus, root, path, MEDLINEPLUS, date, [], count=len(documents))
    corpus.documents.extend(chosen.values())


def _read_folder(
    corpus: Corpus,
    root: Path,
    folder: Path,
    source: str,
    parse: Callable[[Path, str], Document],
) -> None:
    if not folder.is_dir():
        return
    documents = nci.read_nci_folder(folder, root, parse, corpus.problems)
    dates = sorted(d.date for d in documents if d.date)
    _add(corpus, root, folder, source, dates[-1] if dates else "", documents)


def _add(
    corpus: Corpus,
    root: Path,
    path: Path,
    source: str,
    date: str,
    documents: list[Document],
    count: int | None = None,
) -> None:
    corpus.documents.extend(documents)
    relative = str(path.relative_to(root))
    corpus.collections.append(
        Collection(
            name="knowledge-" + relative.replace("/", "-").split(".")[0],
            source=source,
            path=relative,
            date=date,
            documents=len(documents) if count is None else count,
            sha256=_sha256(path),
            url=URLS[source],
        )
    )


def _sha256(path: Path) -> str:
    """A file's sha256; for a folder, the sha256 of its files' `<sha256>  <name>` lines."""
    if path.is_file():
        return sha256_file(path)
    lines = [f"{sha256_file(p)}  {p.name}\n" for p in sorted(path.iterdir()) if p.is_file()]
    return hashlib.sha256("".join(lines).encode()).hexdigest()


def _date(name: str) -> str:
    found = _DATE.search(name)
    return found.group(1) if found else ""
