"""What a knowledge document is once parsed: the same record for every publisher.

MedlinePlus topics and tests, NCI drug pages and PDQ summaries, and MedQuAD answers all become
a `Document` carrying where it came from (source, file, original URL, review date) and its
`Passage`s, each under the heading or question type it was published with. None of these
files names a code: links to codes are made later, by the catalog build, with their reason.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from medcodes.sources.knowledge.publishers import PUBLISHERS


@dataclass(frozen=True, slots=True)
class Passage:
    """One block of a document under one heading, as published.

    `text` keeps the document's structure in a small plain form: paragraphs separated by a
    blank line, list items as lines starting with "- ". Markup and conversion litter are gone.
    """

    heading: str  # the question or heading it sits under ("" before the first one)
    text: str
    line: int  # first line of the block in its file (1 for whole-file formats)
    qtype: str = ""  # MedQuAD's question type ("symptoms", "exams and tests", ...)
    parent: str = ""  # the heading above `heading` ("How are ... done?" above "For a colonoscopy:")


@dataclass(frozen=True, slots=True)
class ApprovedUse:
    """One "approved to treat" item of an NCI drug page: the conditions as bolded, the whole
    item verbatim, and its sub-bullets (the settings it is approved in)."""

    conditions: tuple[str, ...]  # ("B-cell acute lymphoblastic leukemia",)
    text: str  # the item as written, links and bold removed
    settings: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Document:
    """One knowledge document and where it came from."""

    source: str  # MEDLINEPLUS, MEDLINEPLUS_TESTS, NCI_DRUG, NCI_PDQ, MEDQUAD
    key: str  # unique within the source: topic id, file stem, MedQuAD document id
    title: str
    url: str  # the original page
    date: str  # review or as-of date, ISO (YYYY-MM-DD) or a year
    file: str  # path of the file it was read from, relative to the knowledge folder
    passages: tuple[Passage, ...]
    collection: str = ""  # MedQuAD subset ("GARD"), MedlinePlus "topics"
    also_called: tuple[str, ...] = ()
    mesh: tuple[str, ...] = ()  # MeSH descriptor names
    cuis: tuple[str, ...] = ()  # UMLS concept ids
    groups: tuple[str, ...] = ()  # MedlinePlus groups ("Surgery and Rehabilitation")
    brands: tuple[str, ...] = ()  # NCI "US Brand Name(s)"
    approved_uses: tuple[ApprovedUse, ...] = ()  # NCI "approved to treat" items
    label_setid: str = ""  # DailyMed set id of the FDA label (NCI drug pages)
    is_single_drug: bool = False  # an NCI page about one drug (not a combination or a list)

    @property
    def publisher(self) -> str:
        return PUBLISHERS[self.source]


@dataclass(frozen=True, slots=True)
class Problem:
    """A file, or part of one, that was skipped, and why: reported, never fatal."""

    file: str
    line: int
    why: str

    def __str__(self) -> str:
        return f"{self.file}, line {self.line}: {self.why}"


@dataclass(slots=True)
class Corpus:
    """Everything read from one knowledge folder."""

    documents: list[Document] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    collections: list[Collection] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Collection:
    """One set of files read (a folder or a file), for the catalog manifest."""

    name: str  # "medlineplus-topics-2026-04-14"
    source: str
    path: str  # relative to the sources folder's knowledge root
    date: str
    documents: int
    sha256: str  # of the file, or of the sorted (name, sha256) list of a folder's files
    url: str  # where the publisher serves it
