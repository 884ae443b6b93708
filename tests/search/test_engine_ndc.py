"""The engine's billing rules on the real catalog: an NDC in any written form finds its HCPCS
code first, with the package's billing units; the filter and facet "maps to a CMS-HCC V28
category"."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from medcodes.catalog.billing import hcc_v28_code_ids
from medcodes.ndc import ndc11
from medcodes.search import SearchQuery, open_searcher
from medcodes.search.engine import Searcher
from medcodes.sources import drugs
from ndc_forms import written_forms

CROSSWALK = "drugs/asp-2025-oct/October_2025_ASP_NDC-HCPCS_Crosswalk.csv.gz"
SAMPLE = 200


@pytest.fixture(scope="module")
def searcher(built_catalog: Path) -> Searcher:
    return open_searcher(built_catalog)


@pytest.fixture(scope="module")
def crosswalk(sources_dir: Path) -> dict[str, dict[str, str]]:
    """11-digit NDC -> {HCPCS code: billing units per package}, Level II rows only."""
    packages: dict[str, dict[str, str]] = {}
    for row in drugs.parse_asp_crosswalk(sources_dir / CROSSWALK):
        key = ndc11(row.ndc)
        if key and drugs.LEVEL2.fullmatch(row.hcpcs):
            packages.setdefault(key, {})[row.hcpcs] = str(row.billing_units_per_package)
    return packages


@pytest.mark.parametrize("text", ["55513-0160-01", "55513016001", "55513-160-01", "N455513016001"])
def test_blincyto_carton(searcher: Searcher, text: str) -> None:
    result = searcher.search(SearchQuery(text, facets=True))
    (hit,) = result.hits
    assert hit.code == "J9039" and hit.ndc and hit.ndc.units_per_package == "35"
    assert (hit.matched.rule, hit.matched.field) == ("NDC", "ASP NDC-HCPCS crosswalk")
    assert hit.matched.text == (
        "NDC 55513-0160-01 Blincyto (Amgen), 35 mcg per package = 35 units of J9039"
    )
    assert result.filter_facets == {"ndc": 1}


def test_200_random_ndcs_in_every_written_form(
    searcher: Searcher, crosswalk: dict[str, dict[str, str]]
) -> None:
    sample = random.Random(14).sample(sorted(crosswalk), SAMPLE)
    forms = 0
    for ndc in sample:
        wanted = crosswalk[ndc]
        for text in written_forms(ndc):
            hits = searcher.search(SearchQuery(text, limit=5)).hits
            assert hits and hits[0].code in wanted, f"{text}: {[h.code for h in hits]}"
            assert hits[0].ndc and hits[0].ndc.units_per_package == wanted[hits[0].code]
            assert set(wanted) <= {hit.code for hit in hits}
            forms += 1
    assert forms >= 2 * SAMPLE


def test_unknown_ndc_says_where_ndcs_come_from(searcher: Searcher) -> None:
    result = searcher.search(SearchQuery("12345-6789-01"))
    assert result.hits == [] and result.message and "ASP NDC-HCPCS crosswalk" in result.message


def test_cpt_only_ndc_finds_nothing(searcher: Searcher) -> None:
    assert searcher.search(SearchQuery("13533-0636-01")).hits == []  # CPT 90371 only


def test_hcc_v28_filter_and_facet(searcher: Searcher, built_catalog: Path) -> None:
    mapped = hcc_v28_code_ids(searcher.catalog.conn)
    everything = searcher.search(SearchQuery("diabetes", limit=20, facets=True))
    filtered = searcher.search(SearchQuery("diabetes", limit=20, facets=True, hcc_v28=True))
    assert 0 < filtered.filter_facets["hcc-v28"] < everything.total
    assert everything.filter_facets["hcc-v28"] == filtered.filter_facets["hcc-v28"]
    assert filtered.hits[0].code == "E11.9"
    ids = {info.code: code_id for code_id, info in searcher.codes.items()}
    assert all(ids[hit.code] in mapped for hit in filtered.hits)
    assert set(filtered.facets) == {"ICD10CM"}
