"""Per-code explainers: a facts card from the catalog, writers (rules, LLM), a verifier.

The names below are imported on first use, so that a module needing one small part (the code
view reads `explain.notes`) does not load every writer (the root of `medcodes` does the same).
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from medcodes.explain.explainer import Explainer, explain_code
    from medcodes.explain.model import Explanation, Provenance, Section
    from medcodes.explain.store import ExplainerStore, default_store_path

EXPORTS = {
    "Explainer": "medcodes.explain.explainer",
    "explain_code": "medcodes.explain.explainer",
    "Explanation": "medcodes.explain.model",
    "Provenance": "medcodes.explain.model",
    "Section": "medcodes.explain.model",
    "ExplainerStore": "medcodes.explain.store",
    "default_store_path": "medcodes.explain.store",
}

__all__ = [
    "ExplainerStore",
    "Explainer",
    "Explanation",
    "Provenance",
    "Section",
    "default_store_path",
    "explain_code",
]


def __getattr__(name: str) -> Any:
    if name in EXPORTS:
        return getattr(import_module(EXPORTS[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
