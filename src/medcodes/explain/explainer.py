"""Put one code's explainer together: rules sections first, then verified generated ones,
and every other section reported as not yet written."""

from __future__ import annotations

from medcodes.catalog.read import Catalog, Code
from medcodes.explain.facts import FactsCard, FactsReader, descriptor_hash
from medcodes.explain.model import (
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


class Explainer:
    """Explains codes of one catalog; reuse it across many codes (it remembers shared parents)."""

    def __init__(self, catalog: Catalog) -> None:
        self.reader = FactsReader(catalog)
        self.rules = RulesWriter()

    def card(self, code: Code) -> FactsCard:
        return self.reader.card(code)

    def explain(self, code: Code, store: ExplainerStore | None = None) -> Explanation:
        card = self.card(code)
        specs = SECTIONS_BY_PROFILE[card.profile]
        written = {
            draft.key: _rules_section(spec_of(specs, draft.key), draft)
            for draft in self.rules.write(card, specs)
        }
        stored = store.shown(code.system, code.code, descriptor_hash(code)) if store else None
        if stored is not None:
            for draft in stored.drafts:
                if draft.key not in written and not draft.is_empty():
                    spec = spec_of(specs, draft.key)
                    written[draft.key] = _generated_section(spec, draft, stored, card)
        sections = [
            written.get(spec.key) or Section(spec.key, spec.title, NOT_YET_WRITTEN)
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
