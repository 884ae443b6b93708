"""ICD-10-PCS tables as grids, and building codes in them, on the real catalog."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from medcodes.catalog.pcs_grid import PcsGrid, grid, row_of, select, table_code
from medcodes.catalog.read import Catalog
from medcodes.errors import NotFound


@pytest.fixture(scope="module")
def cat(built_catalog: Path) -> Iterator[Catalog]:
    with Catalog(built_catalog) as catalog:
        yield catalog


@pytest.fixture(scope="module")
def resection(cat: Catalog) -> PcsGrid:
    return grid(cat, "0dt")


def test_grid_of_0dt(resection: PcsGrid) -> None:
    assert resection.table.code == "0DT"
    section, body_system, operation = (axis.values[0] for axis in resection.heading)
    assert (section.label, body_system.label, operation.label) == (
        "Medical and Surgical",
        "Gastrointestinal System",
        "Resection",
    )
    assert operation.definition == "Cutting out or off, without replacement, all of a body part"
    assert [axis.title for axis in resection.rows[0].axes] == [
        "Body Part",
        "Approach",
        "Device",
        "Qualifier",
    ]
    appendix = next(
        v for row in resection.rows for v in row.axes[0].values if v.label == "Appendix"
    )
    assert appendix.char == "J" and "Vermiform appendix" in appendix.includes
    approaches = {v.label: v for row in resection.rows for v in row.axes[1].values}
    assert approaches["Percutaneous Endoscopic"].definition.startswith("Entry, by puncture")
    assert resection.source is not None and resection.source.release == "FY2026"
    assert resection.definitions_source is not None


def test_building_0dtj4zz_offers_only_valid_values(resection: PcsGrid) -> None:
    start = select(resection, "")
    assert (start.code, start.next_position, start.problem) == ("0DT", 4, "")
    assert "J" in start.offered and len(start.rows) == len(resection.rows)
    body = select(resection, "0DTJ")
    assert body.next_position == 5 and body.offered == {"0", "4", "7", "8"}
    done = select(resection, "0dtj4zz")
    assert (done.code, done.next_position, done.offered, done.problem) == (
        "0DTJ4ZZ",
        None,
        frozenset(),
        "",
    )
    assert len(done.rows) == 1


def test_invalid_choices_keep_the_valid_part(resection: PcsGrid) -> None:
    wrong = select(resection, "0DTJ9")
    assert wrong.code == "0DTJ" and "allows '9' at position 5" in wrong.problem
    other = select(resection, "0DB")
    assert other.code == "0DT" and "not in table 0DT" in other.problem


def test_unknown_tables(cat: Catalog) -> None:
    with pytest.raises(NotFound, match="no ICD-10-PCS table 'ZZZ'"):
        grid(cat, "ZZZ")
    with pytest.raises(NotFound, match="not an ICD-10-PCS table"):
        table_code("0I")
    with pytest.raises(NotFound, match="not an ICD-10-PCS table"):
        grid(cat, "<script>")


def test_row_of_a_code(cat: Catalog, resection: PcsGrid) -> None:
    number = row_of(cat, cat.get("0DTJ4ZZ"))
    assert number is not None
    assert resection.rows[number - 1].allows("J4ZZ")
    assert row_of(cat, cat.get("0DT")) is None
    assert row_of(cat, cat.get("E11.9")) is None
