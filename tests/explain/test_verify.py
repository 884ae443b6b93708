"""The verifier catches every crafted error, and lets grounded text through."""

from __future__ import annotations

import pytest

from medcodes.catalog.read import Catalog
from medcodes.explain import Explainer
from medcodes.explain.model import Draft
from medcodes.explain.verify import Verifier

# (code, text, a phrase the rejection reason must contain)
CRAFTED_ERRORS = [
    # the published error: blinatumomab called by brentuximab vedotin's brand
    (
        "J9039",
        "Blinatumomab (Adcetris) is infused over a few hours.",
        "'adcetris', a drug or brand of J9042",
    ),
    ("J9039", "Brentuximab vedotin is given into a vein.", "brentuximab vedotin"),
    ("J9039", "Patients take it by mouth as a tablet.", "by mouth"),
    ("J9039", "It is given as an oral tablet once a day.", "oral"),
    ("J9039", "J9039 is billed per 1 mg of blinatumomab.", "per 1 mg"),
    ("J9039", "Each unit of 10 micrograms is one line on the claim.", "10 micrograms"),
    ("J9039", "See J9042 for the same drug in another unit.", "J9042"),
    ("J9039", "The infusion usually runs for 2 hours.", "2 hours"),
    ("J1745", "Infliximab (Blincyto) is given by intravenous infusion.", "blincyto"),
    ("S72.001A", "A break in the neck of the left femur.", "right side"),
    ("S72.001A", "Pain on the left side after a fall.", "right side"),
    ("S72.001A", "Code S72.002A is used for this fracture.", "S72.002A"),
    ("0DTJ4ZZ", "The surgeon removes the gallbladder through small incisions.", "gallbladder"),
    ("E11.9", "Often coded together with E10.9.", "E10.9"),
]
GROUNDED = [
    ("J9039", "Blinatumomab, sold as Blincyto, is billed per 1 microgram and given by injection."),
    ("J9039", "It is a chemotherapy drug billed under J9039; an older code was C9449."),
    ("J9039", "Listed under drugs administered other than oral method."),
    ("S72.001A", "A break in the neck of the right femur, first treated as a closed fracture."),
    ("S72.001A", "The hardware is left in place while the bone heals."),
    ("0DTJ4ZZ", "The appendix is removed through small incisions with an endoscope."),
    ("E11.9", "Type 2 diabetes without complications; insulin use is coded with Z79.4."),
]


@pytest.mark.parametrize(("code", "text", "reason"), CRAFTED_ERRORS)
def test_crafted_errors_are_rejected(
    catalog: Catalog, explainer: Explainer, verifier: Verifier, code: str, text: str, reason: str
) -> None:
    card = explainer.card(catalog.get(code))
    verdict = verifier.check(card, [Draft("summary", text)])
    assert not verdict.ok
    assert any(reason.casefold() in r.casefold() for r in verdict.reasons), verdict.reasons
    assert all(r.startswith("summary: ") for r in verdict.reasons)


@pytest.mark.parametrize(("code", "text"), GROUNDED)
def test_grounded_text_passes(
    catalog: Catalog, explainer: Explainer, verifier: Verifier, code: str, text: str
) -> None:
    card = explainer.card(catalog.get(code))
    assert verifier.check(card, [Draft("purpose", text)]).reasons == ()


def test_list_items_are_checked_too(
    catalog: Catalog, explainer: Explainer, verifier: Verifier
) -> None:
    card = explainer.card(catalog.get("J9039"))
    verdict = verifier.check(card, [Draft("alternatives", items=("Watchful waiting", "Adcetris"))])
    assert verdict.reasons == (
        "alternatives: names 'adcetris', a drug or brand of J9042, not of J9039",
    )


def test_name_index_maps_brands_and_generics_to_codes(verifier: Verifier) -> None:
    names = verifier.names.names
    assert names["adcetris"] == {"J9042"}
    assert "J9039" in names["blinatumomab"] and "J9039" in names["blincyto"]


# (code, text) a generated text may say only because a linked document's passage says it
BY_PASSAGES = [
    ("G0105", "It usually takes 30 to 60 minutes, at a hospital or outpatient center."),
    ("G0105", "The doctor inserts a colonoscope through your anus into your rectum and colon."),
    ("G0105", "You'll stay at the hospital or outpatient center for 1 to 2 hours after it."),
]
# (code, text, reason): what neither the facts nor the passages give
UNGROUNDED = [
    ("G0105", "It usually takes 3 hours.", "3 hours"),
    ("G0105", "The scope goes through your stomach.", "stomach"),
    ("G0105", "Sedatives are given intramuscularly.", "intramuscularly"),
    ("0SR901Z", "Most patients walk within 3 days.", "3 days"),
    ("0SR901Z", "Pain in the left knee may follow.", "left side"),
    ("J9039", "Treatment has 4 phases.", "number 4"),
]


@pytest.mark.parametrize(("code", "text"), BY_PASSAGES)
def test_passages_ground_a_generated_text(
    catalog: Catalog, explainer: Explainer, verifier: Verifier, code: str, text: str
) -> None:
    card = explainer.card(catalog.get(code))
    grounding = "\n".join(explainer.grounding(card))
    assert verifier.check(card, [Draft("procedure", text)], grounding).reasons == ()
    assert verifier.check(card, [Draft("procedure", text)]).reasons != ()  # facts alone: no


@pytest.mark.parametrize(("code", "text", "reason"), UNGROUNDED)
def test_what_neither_facts_nor_passages_give_is_rejected(
    catalog: Catalog, explainer: Explainer, verifier: Verifier, code: str, text: str, reason: str
) -> None:
    card = explainer.card(catalog.get(code))
    grounding = "\n".join(explainer.grounding(card))
    verdict = verifier.check(card, [Draft("recovery", text)], grounding)
    assert any(reason.casefold() in r.casefold() for r in verdict.reasons), verdict.reasons
