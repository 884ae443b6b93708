"""Facts cards on the real catalog: every fact restates the catalog and names its file."""

from __future__ import annotations

from medcodes.catalog.read import Catalog
from medcodes.explain import Explainer
from medcodes.explain.facts import (
    descriptor_hash,
    dose_unit_from_descriptor,
    drug_name_from_descriptor,
    routes_from_descriptor,
)


def values(card, key: str) -> list[str]:
    return [fact.value for fact in card.of(key)]


def test_descriptor_parsing() -> None:
    assert drug_name_from_descriptor("Injection, blinatumomab, 1 microgram") == "blinatumomab"
    assert drug_name_from_descriptor("Cane, includes canes of all materials") is None
    assert dose_unit_from_descriptor("Injection, blinatumomab, 1 microgram") == "1 microgram"
    assert dose_unit_from_descriptor("Injection, infliximab, excludes biosimilar, 10 mg") == "10 mg"
    assert routes_from_descriptor("Injection, x, for intravenous use, 1 mg") == [
        "injection",
        "intravenous",
    ]


def test_drug_card_names_units_and_decoded_fields(catalog: Catalog, explainer: Explainer) -> None:
    card = explainer.card(catalog.get("J9039"))
    assert card.is_drug and card.profile == "procedure"
    assert values(card, "descriptor") == ["Injection, blinatumomab, 1 microgram"]
    assert values(card, "generic_name") == ["Blinatumomab"]
    assert "Blincyto" in values(card, "brand_name")
    assert values(card, "dose_unit") == ["1 microgram"]
    assert values(card, "route") == ["injection"]
    betos = card.first("betos")
    assert betos is not None and (betos.value, betos.detail) == ("O1D", "Chemotherapy")
    brand = next(f for f in card.of("brand_name") if f.value == "Blincyto")
    assert "ASP_NDC-HCPCS_Crosswalk" in brand.source.file
    generic = card.first("generic_name")
    assert generic is not None and "table_of_drugs" in generic.source.file
    assert any("C9449" in f.value for f in card.of("related"))


def test_pcs_card_has_axes_with_official_definitions(
    catalog: Catalog, explainer: Explainer
) -> None:
    card = explainer.card(catalog.get("0DTJ4ZZ"))
    axes = {fact.label: fact for fact in card.of("axis")}
    assert axes["Root operation"].value == "Resection"
    assert axes["Root operation"].detail.startswith("Cutting out or off, without replacement")
    assert axes["Body Part"].value == "Appendix"
    assert "puncture or minor incision" in axes["Approach"].detail
    assert "definitions" in axes["Approach"].source.file


def test_icd_card_has_hierarchy_notes_and_seventh_character(
    catalog: Catalog, explainer: Explainer
) -> None:
    card = explainer.card(catalog.get("S72.001A"))
    assert [f.value.split()[0] for f in card.of("hierarchy")][-3:] == ["S72.0", "S72.00", "S72.001"]
    assert [(f.value, f.detail) for f in card.of("seventh_character")] == [
        ("A", "initial encounter for closed fracture")
    ]
    diabetes = explainer.card(catalog.get("E11.9"))
    assert "diabetes NOS" in values(diabetes, "includes")
    assert any("E10" in text for text in values(diabetes, "excludes1"))
    assert all(f.source.file for f in diabetes.facts)


def test_descriptor_hash_is_stable_and_tracks_the_descriptor(catalog: Catalog) -> None:
    code = catalog.get("J9039")
    assert descriptor_hash(code) == descriptor_hash(catalog.get("j9039"))
    assert descriptor_hash(code) != descriptor_hash(catalog.get("J9042"))
