"""The 7th-character builder on the real catalog."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from medcodes.catalog.read import Catalog
from medcodes.catalog.seventh_builder import SeventhBuilder, seventh_builder


@pytest.fixture(scope="module")
def cat(built_catalog: Path) -> Iterator[Catalog]:
    with Catalog(built_catalog) as catalog:
        yield catalog


def _builder(cat: Catalog, text: str) -> SeventhBuilder | None:
    code = cat.get(text)
    return seventh_builder(cat, code, cat.seventh_characters(code))


def test_s72_001_makes_s72_001a(cat: Catalog) -> None:
    built = _builder(cat, "S72.001")
    assert built is not None and not built.subdivided
    assert (built.base, built.from_code) == ("S72.001", "S72")
    first = built.choices[0]
    assert (first.char, first.code, first.in_catalog, first.status) == (
        "A",
        "S72.001A",
        True,
        "active",
    )
    assert "initial encounter" in first.meaning.lower()
    assert all(choice.in_catalog for choice in built.choices)


def test_placeholders_fill_to_six_characters(cat: Catalog) -> None:
    poisoning = _builder(cat, "T39.1X2")
    assert poisoning is not None
    assert [c.code for c in poisoning.choices] == ["T39.1X2A", "T39.1X2D", "T39.1X2S"]
    head = _builder(cat, "S00.00")
    assert head is not None and head.choices[0].code == "S00.00XA"


def test_a_full_code_marks_itself_among_its_siblings(cat: Catalog) -> None:
    built = _builder(cat, "S72.001A")
    assert built is not None
    assert [c.code for c in built.choices if c.current] == ["S72.001A"]


def test_subdivided_and_unrelated_codes(cat: Catalog) -> None:
    category = _builder(cat, "S72")
    assert category is not None and category.subdivided
    assert not any(choice.in_catalog for choice in category.choices)
    assert _builder(cat, "E11.9") is None
    assert _builder(cat, "J9039") is None
