"""Per-code explainers: a facts card from the catalog, writers (rules, LLM), a verifier."""

from medcodes.explain.explainer import Explainer, explain_code
from medcodes.explain.model import Explanation, Provenance, Section
from medcodes.explain.store import ExplainerStore, default_store_path

__all__ = [
    "ExplainerStore",
    "Explainer",
    "Explanation",
    "Provenance",
    "Section",
    "default_store_path",
    "explain_code",
]
