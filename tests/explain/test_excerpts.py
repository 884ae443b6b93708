"""The excerpt writer on the real catalog: Duration and Setting quote the sentence that
states them, with the sentence it leans on."""

from __future__ import annotations

from medcodes.catalog.read import Catalog
from medcodes.explain import explain_code


def stated(catalog: Catalog, code: str) -> dict[str, str]:
    explanation = explain_code(catalog, catalog.get(code), None)
    return {s.key: s.text for s in explanation.sections if s.key in ("duration", "setting")}


def test_a_sentence_leaning_on_the_one_before_is_quoted_with_it(catalog: Catalog) -> None:
    """Audit find: 0SRC0JZ's Setting read "Other people will stay in the hospital a few
    days." alone: other than whom?"""
    assert stated(catalog, "0SRC0JZ")["setting"] == (
        "Some people go home the same day they have surgery. "
        "Other people will stay in the hospital a few days."
    )


def test_colonoscopy_duration_and_setting_still_shown(catalog: Catalog) -> None:
    for code in ("G0105", "0DJD8ZZ"):
        found = stated(catalog, code)
        assert found["duration"].endswith("It usually takes 30 to 60 minutes.")
        assert found["setting"] == "You will have the procedure at a hospital or outpatient center."


def test_a_list_of_further_reading_is_not_a_treatment(catalog: Catalog) -> None:
    """Audit find: F78.A1's Treatment quoted MedQuAD's "These resources address the diagnosis
    or management of SYNGAP1-related intellectual disability: - Genetic Testing Registry: ...
    - Drug Therapy - Surgery and Rehabilitation", a list of links run together."""
    explanation = explain_code(catalog, catalog.get("F78.A1"), None)
    found = {s.key: s for s in explanation.sections}
    assert "These resources" not in found["treatment"].text
    assert found["causes"].text.startswith("SYNGAP1-related intellectual disability is caused")


def test_how_long_something_else_takes_is_no_duration(catalog: Catalog) -> None:
    """Audit find: 0TY00Z0 (kidney transplant) had Duration "But sometimes it takes a few weeks
    to start working.", how long the new kidney takes, not the operation."""
    assert stated(catalog, "0TY00Z0")["duration"] == ""  # not yet written


def test_a_line_sending_the_reader_elsewhere_is_not_quoted(catalog: Catalog) -> None:
    """NCI PDQ passages end "Learn more in Recurrent Cancer: When Cancer Comes Back.": a link
    whose target the quote does not carry."""
    explanation = explain_code(catalog, catalog.get("C4A.60"), None)
    quoted = " ".join(s.text or "" for s in explanation.sections) + " ".join(
        item for s in explanation.sections for item in s.items
    )
    assert "Merkel" in quoted and "Learn more in" not in quoted
