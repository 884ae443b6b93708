"""Billing facts on the web: the code page block, the code API, NDC search and the CMS-HCC
V28 filter and facet."""

from __future__ import annotations

from fastapi.testclient import TestClient


def test_j9039_page_has_billing_facts_before_official_data(client: TestClient) -> None:
    html = client.get("/code/J9039").text
    assert html.index('id="billing"') < html.index('id="official"')
    assert "Medicare Part B payment limit, October to December 2025: $164.253 per 1 mcg" in html
    assert "Medicare pays at most 210 units of J9039 per patient per date of service" in html
    assert "<code>55513-0160-01</code>" in html and "Blincyto" in html
    assert (
        "October_2025_ASP_Pricing_File.csv" in html and "effective 2025-10-01 to 2025-12-31" in html
    )


def test_e0431_page_explains_mue_zero(client: TestClient) -> None:
    html = client.get("/code/E0431").text
    assert "Medicare pays no units of E0431 on a practitioner claim" in html
    assert "not pay this code as a separate line" in html


def test_e119_api_has_hcc_categories(client: TestClient) -> None:
    risk = client.get("/api/v1/codes/E11.9").json()["billing"]["risk"]
    found = {(c["model"], c["category"], c["used_for_payment"]) for c in risk["categories"]}
    assert {("CMS-HCC V28", 38, True), ("CMS-HCC ESRD V24", 19, True)} <= found
    assert ("RxHCC V08", 31, True) in found
    assert client.get("/api/v1/codes/0DTJ4ZZ").json()["billing"] is None


def test_code_without_mapping_page(client: TestClient) -> None:
    assert "No CMS-HCC category" in client.get("/code/R05.9").text


def test_api_search_an_ndc(client: TestClient) -> None:
    data = client.get("/api/v1/search", params={"q": "55513-160-01", "facets": "true"}).json()
    (hit,) = data["results"]
    assert hit["code"] == "J9039" and hit["ndc"]["units_per_package"] == "35"
    assert hit["matched"]["text"].startswith("NDC 55513-0160-01 Blincyto (Amgen)")
    assert data["filter_facets"] == {"ndc": 1}


def test_search_page_shows_the_ndc_hit(client: TestClient) -> None:
    html = client.get("/search", params={"q": "55513016001"}).text
    assert "35 mcg per package = 35 units of J9039" in html and "Found from an NDC" in html


def test_hcc_v28_filter_and_facet(client: TestClient) -> None:
    params = {"q": "diabetes", "facets": "true"}
    everything = client.get("/api/v1/search", params=params).json()
    mapped = client.get("/api/v1/search", params={**params, "hcc_v28": "true"}).json()
    assert 0 < mapped["total"] < everything["total"]
    assert set(mapped["facets"]) == {"ICD10CM"}
    assert everything["filter_facets"]["hcc-v28"] == mapped["filter_facets"]["hcc-v28"]
    page = client.get("/search", params={"q": "diabetes", "hcc": "v28"}).text
    assert 'aria-current="true">Maps to a CMS-HCC V28 category' in page
    assert "hcc=v28" in page  # the pager and system chips keep the filter
    assert client.get("/search", params={"q": "diabetes", "hcc": "v99"}).status_code == 422
