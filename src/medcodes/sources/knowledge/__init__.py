"""Plain-language health text (MedlinePlus, NCI, MedQuAD) as typed documents with passages.

`read_corpus(knowledge_root(sources_dir))` reads every collection present; see `corpus.py`.
"""

from medcodes.sources.knowledge.corpus import knowledge_root, read_corpus
from medcodes.sources.knowledge.model import (
    ApprovedUse,
    Collection,
    Corpus,
    Document,
    Passage,
    Problem,
)

__all__ = [
    "ApprovedUse",
    "Collection",
    "Corpus",
    "Document",
    "Passage",
    "Problem",
    "knowledge_root",
    "read_corpus",
]
