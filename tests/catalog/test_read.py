"""Read access on the real catalog: the ICD-10-PCS definitions file as typed records."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from medcodes.catalog.read import Catalog, PcsTerm

DEFINITIONS = "icd10pcs-definitions-FY2026"


@pytest.fixture(scope="module")
def cat(built_catalog: Path) -> Iterator[Catalog]:
    with Catalog(built_catalog) as catalog:
        yield catalog


def test_root_operation_whole(cat: Catalog) -> None:
    assert cat.pcs_term("0", 3, "alteration") == PcsTerm(
        "0",
        3,
        "Alteration",
        "Modifying the anatomic structure of a body part without affecting the function of "
        "the body part",
        "Principal purpose is to improve appearance",
        ("Face lift, breast augmentation",),
        DEFINITIONS,
    )


def test_device_and_body_part_keys(cat: Catalog) -> None:
    device = cat.pcs_term("0", 6, "Nonautologous Tissue Substitute")
    assert device is not None and device.definition == "" and device.explanation == ""
    assert device.includes[:2] == ("Acellular Hydrated Dermis", "Bone bank bone graft")
    assert "Tissue bank graft" in device.includes and len(device.includes) == 11
    appendix = cat.pcs_term("0", 4, "Appendix")
    assert appendix is not None
    assert appendix.includes == ("Appendiceal orifice", "Vermiform appendix")
    assert cat.pcs_term("0", 4, "Elbow Region, Right") is None  # the file says nothing of it


def test_a_whole_axis_for_a_table_builder(cat: Catalog) -> None:
    """Every term of an axis: the 954 <terms> of the FY2026 file, one record per title."""
    operations = cat.pcs_terms("0", 3)
    assert len(operations) == 31 and operations[0].term == "Alteration"
    assert all(op.definition and op.source == DEFINITIONS for op in operations)
    approaches = {term.term: term for term in cat.pcs_terms("0", 5)}
    assert approaches["Percutaneous"].definition.startswith("Entry, by puncture or minor")
    assert cat.pcs_terms("0", 9) == []
    total = sum(len(cat.pcs_terms(s, p)) for s in "0123456789BCDFGHX" for p in range(1, 8))
    assert total == 1_090


def test_notes_keep_their_instruction(cat: Catalog) -> None:
    """T36-T50's code-first note reaches T46.992A as one unit: its lead-in, then six items."""
    notes = [n for n in cat.notes(cat.get("T46.992A")) if n.kind == "codeFirst"]
    assert [n.from_code for n in notes] == ["T36-T50"] * 7
    assert notes[0].lead and not any(n.lead for n in notes[1:])
    assert len({n.unit for n in notes}) == 1


def test_inclusion_terms_reach_the_codes_below(cat: Catalog) -> None:
    inclusion = [n for n in cat.notes(cat.get("S64.498S")) if n.kind == "inclusionTerm"]
    assert [(n.from_code, n.inherited, n.text) for n in inclusion] == [
        ("S64.498", True, "Injury of digital nerve of specified finger with unspecified laterality")
    ]


def test_conventions_of_the_tabular(cat: Catalog) -> None:
    found = {c.title: c for c in cat.conventions()}
    assert len(found) == 7
    assert found["Excludes1"].text.startswith("A type 1 Excludes note is a pure excludes.")
    assert found["Excludes1"].source == "icd10cm-tabular-FY2026"


def test_title_sources_of_a_page_of_codes(cat: Catalog) -> None:
    # each source once, in the order of the codes; the system is part of the key (A01.00 is
    # ICD-10-CM, not HCPCS), and a pair naming no code adds nothing
    pairs = [
        ("ICD10CM", "E11.9"),
        ("HCPCS", "J9039"),
        ("ICD10CM", "E10.9"),
        ("HCPCS", "A01.00"),
        ("HCPCS", "C9449"),
    ]
    found = cat.title_sources(pairs)
    assert found == [cat.get("E11.9").title_source, cat.get("J9039").title_source]
    assert cat.title_sources([("HCPCS", "C9449")]) == [cat.get("C9449").title_source]
    assert cat.title_sources([]) == []
