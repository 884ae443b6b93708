"""The glossary as shipped: every row well formed; terms found where the TSV says to look."""

from __future__ import annotations

import pytest

from medcodes.catalog.read import Convention
from medcodes.explain.glossary import (
    OWN_WORDING,
    _entry,
    definitions,
    entries,
    marked,
    terms_in,
)

EXCLUDES1 = Convention("Excludes1", "A type 1 Excludes note is a pure excludes.", "tabular-x")


def test_every_row_parses_and_says_whose_words_it_is() -> None:
    rows = entries()
    assert len(rows) >= 25
    assert {row.term for row in rows} >= {
        "Excludes1",
        "Excludes2",
        "Placeholder X",
        "Sequela",
        "Initial encounter",
        "Subsequent encounter",
        "Laterality",
        "NOS",
        "NEC",
        "Physeal fracture",
        "Nonautologous",
    }
    for row in rows:
        assert bool(row.convention) != bool(row.text)


def test_terms_are_found_where_the_row_says() -> None:
    assert terms_in("ICD10CM", "seventh", "subsequent encounter for fracture with nonunion") == {
        "Subsequent encounter",
        "Nonunion",
    }
    assert "Sequela" not in terms_in("ICD10CM", "title", "Injury of finger, sequela")
    assert terms_in("ICD10CM", "page", "adverse effect NOS (T88.7)") == {"NOS"}
    assert terms_in("HCPCS", "page", "adverse effect NOS (T88.7)") == frozenset()
    assert marked("ICD10CM", {"<excludes1>", "<placeholder>"}) == {"Excludes1", "Placeholder X"}


def test_tabular_entries_take_the_tabular_text() -> None:
    found = definitions("ICD10CM", {"Excludes1", "NOS", "Excludes2"}, [EXCLUDES1])
    assert [(d.term, d.source) for d in found] == [("Excludes1", "tabular-x"), ("NOS", OWN_WORDING)]
    assert found[0].text == EXCLUDES1.text  # Excludes2's convention is missing: left out


@pytest.mark.parametrize(
    "cells",
    [
        ["Term", "x", "title", "ICD10CM", "medcodes"],
        ["Term", "x", "header", "ICD10CM", "medcodes", "text"],
        ["Term", "x", "title", "ICD10CM", "someone", "text"],
        ["Term", "x", "title", "ICD10CM", "tabular: Excludes1", "text"],
        ["Term", "x", "title", "ICD10CM", "medcodes", ""],
    ],
)
def test_malformed_rows_name_their_line(cells: list[str]) -> None:
    with pytest.raises(ValueError, match="glossary.tsv row 7"):
        _entry(7, cells)
