"""Put one code's explainer together from its writers, and report what none of them wrote.

Three writers can fill a section: the rules writer (official data restated), the excerpt
writer (public-domain patient text quoted from a linked document) and a generated explainer
that passed the verifier. Which one a section takes when several have it is the table
`SECTION_WRITERS` below: sourced excerpts speak first on clinical sections, the rules writer
keeps the coder sections. A section no writer has is listed as not yet written.
"""

from __future__ import annotations

from medcodes.catalog.knowledge_read import KnowledgeReader
from medcodes.catalog.read import Catalog, Code
from medcodes.explain.excerpts import ExcerptWriter
from medcodes.explain.facts import FactsCard, FactsReader, descriptor_hash
from medcodes.explain.model import (
    EXCERPT,
    NOT_YET_WRITTEN,
    RULES,
    SECTIONS_BY_PROFILE,
    WRITTEN,
    Draft,
    Explanation,
    Provenance,
    Section,
    SectionSpec,
)
from medcodes.explain.rules import RulesWriter
from medcodes.explain.store import ExplainerStore, StoredExplainer

GENERATED = "generated"  # a stored explainer of a language model that passed the verifier
CLINICAL = (EXCERPT, RULES, GENERATED)
CODER = (RULES, GENERATED)
# Section -> its writers, first choice first. Sections not named take CLINICAL.
SECTION_WRITERS: dict[str, tuple[str, ...]] = {
    "summary": (RULES, EXCERPT, GENERATED),
    "usage": CODER,
    "related": CODER,
    "signals": CODER,
    "when_appended": CODER,
    "examples": CODER,
}


def writers_of(key: str) -> tuple[str, ...]:
    return SECTION_WRITERS.get(key, CLINICAL)


class Explainer:
    """Explains codes of one catalog; reuse it across many codes (it remembers shared parents)."""

    def __init__(self, catalog: Catalog) -> None:
        self.reader = FactsReader(catalog)
        self.rules = RulesWriter()
        self.knowledge = KnowledgeReader(catalog)
        self.excerpts = ExcerptWriter(self.knowledge)

    def card(self, code: Code) -> FactsCard:
        return self.reader.card(code)

    def drafts(self, card: FactsCard) -> dict[str, dict[str, Draft]]:
        """Writer -> section -> draft, for the rules and excerpt writers."""
        specs = SECTIONS_BY_PROFILE[card.profile]
        return {
            RULES: {d.key: d for d in self.rules.write(card, specs)},
            EXCERPT: {d.key: d for d in self.excerpts.write(card.code, card.profile, specs)},
        }

    def grounding(self, card: FactsCard) -> tuple[str, ...]:
        """The passages a generated explainer may restate: those of the documents the
        excerpt writer quotes on this code."""
        return tuple(self.excerpts.grounding(card.code, card.profile))

    def explain(self, code: Code, store: ExplainerStore | None = None) -> Explanation:
        card = self.card(code)
        specs = SECTIONS_BY_PROFILE[card.profile]
        by_writer = self.drafts(card)
        stored = store.shown(code.system, code.code, descriptor_hash(code)) if store else None
        if stored is not None:
            by_writer[GENERATED] = {d.key: d for d in stored.drafts if not d.is_empty()}
        sections = [
            _section(spec, by_writer, stored, card)
            or Section(spec.key, spec.title, NOT_YET_WRITTEN)
            for spec in specs
        ]
        return Explanation(
            code=code.code,
            system=code.system,
            title=code.long_title,
            profile=card.profile,
            sections=sections,
            facts=list(card.facts),
            caveats=list(card.caveats),
        )


def explain_code(catalog: Catalog, code: Code, store: ExplainerStore | None) -> Explanation:
    """The explainer of one code as the page, the API and the CLI show it."""
    return Explainer(catalog).explain(code, store)


def spec_of(specs: tuple[SectionSpec, ...], key: str) -> SectionSpec:
    return next(spec for spec in specs if spec.key == key)


def _section(
    spec: SectionSpec,
    by_writer: dict[str, dict[str, Draft]],
    stored: StoredExplainer | None,
    card: FactsCard,
) -> Section | None:
    for writer in writers_of(spec.key):
        draft = by_writer.get(writer, {}).get(spec.key)
        if draft is None or draft.is_empty():
            continue
        if writer == RULES:
            return _rules_section(spec, draft)
        if writer == EXCERPT:
            return _cited_section(spec, draft)
        if stored is not None:
            return _generated_section(spec, draft, stored, card)
    return None


def _rules_section(spec: SectionSpec, draft: Draft) -> Section:
    sources = list(dict.fromkeys(fact.source for fact in draft.facts))
    return Section(
        spec.key,
        spec.title,
        WRITTEN,
        text=draft.text,
        items=list(draft.items),
        provenance=Provenance(RULES, sources, verified=True),
    )


def _cited_section(spec: SectionSpec, draft: Draft) -> Section:
    return Section(
        spec.key,
        spec.title,
        WRITTEN,
        text=draft.text,
        items=list(draft.items),
        provenance=draft.provenance,
    )


def _generated_section(
    spec: SectionSpec, draft: Draft, stored: StoredExplainer, card: FactsCard
) -> Section:
    sources = list(dict.fromkeys(fact.source for fact in card.facts))
    return Section(
        spec.key,
        spec.title,
        WRITTEN,
        text=draft.text,
        items=list(draft.items),
        provenance=Provenance(
            stored.model,
            sources,
            prompt_version=stored.prompt_version,
            date=stored.created_at[:10],
            verified=True,
        ),
    )
