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
