"""The coverage `medcodes knowledge stats` prints is the pages' own: a code counts as having a
quoted section exactly when its explainer shows one."""

from __future__ import annotations

import random

from medcodes.catalog.knowledge_read import KnowledgeReader
from medcodes.catalog.read import Catalog
from medcodes.explain import Explainer
from medcodes.explain.knowledge_coverage import covered_codes
from medcodes.explain.model import EXCERPT

SAMPLE = 150


def shows_a_quote(explainer: Explainer, catalog: Catalog, code_id: int) -> bool:
    explanation = explainer.explain(catalog.by_id(code_id))
    return any(s.provenance and s.provenance.writer == EXCERPT for s in explanation.sections)


def test_counted_codes_are_the_codes_whose_page_quotes_a_source(
    catalog: Catalog, explainer: Explainer
) -> None:
    linked, covered = covered_codes(catalog, KnowledgeReader(catalog))
    rng = random.Random(9)
    for system, codes in linked.items():
        chosen = rng.sample(sorted(codes), min(SAMPLE, len(codes)))
        wrong = [
            catalog.by_id(code_id).code
            for code_id in chosen
            if shows_a_quote(explainer, catalog, code_id) != (code_id in covered[system])
        ]
        assert not wrong, f"{system}: stats and page disagree on {wrong}"


def test_a_condition_quoting_only_its_summary_counts(catalog: Catalog) -> None:
    """S00.03XA (contusion of scalp) quotes MedlinePlus Bruises as its summary only: its index
    entries all restate the title, so no rules summary stands before the quote."""
    _linked, covered = covered_codes(catalog, KnowledgeReader(catalog))
    assert catalog.get("S00.03XA").id in covered["ICD10CM"]
