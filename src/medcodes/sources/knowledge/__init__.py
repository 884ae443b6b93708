"""Plain-language health text (MedlinePlus, NCI, MedQuAD) as typed documents with passages.

`corpus.read_corpus(corpus.knowledge_root(sources_dir))` reads every collection present. This
package file imports nothing, so that reading `model` (as code pages do) does not load lxml.
"""
