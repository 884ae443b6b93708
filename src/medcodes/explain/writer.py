"""The one interface every explainer writer implements (rules, LLM, and any later one)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from medcodes.explain.facts import FactsCard
from medcodes.explain.model import Draft, SectionSpec


class Writer(Protocol):
    """Writes what it can of the wanted sections for one facts card.

    A section it cannot support is left out of the answer (never filled with filler); the
    caller reports it as not yet written. `grounding` is the text of the documents linked to
    the code (quoted passages), which a writer may restate alongside the facts.
    """

    name: str

    def write(
        self, card: FactsCard, wanted: Sequence[SectionSpec], grounding: Sequence[str] = ()
    ) -> list[Draft]: ...
