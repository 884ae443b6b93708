"""Which section a passage without a heading fills (`SECTION_RULES`): its opening sentence
speaks before the rest of its paragraph."""

from __future__ import annotations

import pytest

from medcodes.catalog.knowledge_read import KnowledgePassage
from medcodes.catalog.read import Catalog
from medcodes.explain import Explainer
from medcodes.explain.excerpts import DIAGNOSIS, section_of


def passage(text: str) -> KnowledgePassage:
    return KnowledgePassage(heading="", parent="", qtype="", line=1, text=text)


@pytest.mark.parametrize(
    ("text", "section"),
    [
        # MedlinePlus Fever, Sore Throat, Shock: treatment that depends on the cause
        (
            "Treatment depends on the cause of your fever. If the fever is very high, ...",
            "treatment",
        ),
        ("Treatment of shock depends on the cause.", "treatment"),
        # MedlinePlus Burns: what burns do, then how they are treated; never "causes"
        (
            "Burns can cause swelling, blistering, scarring and, in serious cases, shock, and "
            "even death. Treatment for burns depends on the cause of the burn, how deep it is.",
            "treatment",
        ),
        # genuine causes still are
        (
            "Often the cause of a hiatal hernia is unknown. It may have to do with weakness.",
            "causes",
        ),
        ("Epilepsy has many possible causes, including illness and brain injury.", "causes"),
        ("Most cases are caused by a virus.", "causes"),
    ],
)
def test_the_opening_sentence_decides(text: str, section: str) -> None:
    assert section_of(passage(text), DIAGNOSIS) == section


def test_a_chemical_burn_page_has_no_causes_from_a_treatment_paragraph(
    catalog: Catalog, explainer: Explainer
) -> None:
    """T23.631A (corrosion of the fingers) quotes MedlinePlus Burns; its paragraph on what
    burns do and how they are treated is not a Causes section."""
    sections = {s.key: s for s in explainer.explain(catalog.get("T23.631A")).sections}
    assert sections["summary"].text.startswith("A burn is damage to your body's tissues")
    assert "Burns can cause swelling" not in (sections["causes"].text or "")


def test_a_what_is_passage_on_another_subject_stays_out_of_the_summary(
    catalog: Catalog, explainer: Explainer
) -> None:
    """T36.0X5A (adverse effect of penicillins) quotes MedlinePlus Drug Reactions: its opening,
    not also "What is a drug interaction?", "What are drug allergies?"."""
    summary = next(
        s for s in explainer.explain(catalog.get("T36.0X5A")).sections if s.key == "summary"
    )
    assert summary.text.startswith("Most of the time, medicines make our lives better.")
    assert "drug interaction is" not in summary.text and not summary.items
