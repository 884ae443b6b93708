"""Paging over HTTP, as clients page: for 30 queries, in CTSS and in FHIR `$expand`, pages
concatenated equal one large page, with no duplicates and the same total on every page."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from paging_queries import QUERIES

TABLES = {"hcpcs": "HCPCS", "icd10cm": "ICD10CM", "icd10pcs": "ICD10PCS"}
URIS = {
    "ICD10CM": "http://hl7.org/fhir/sid/icd-10-cm",
    "ICD10PCS": "http://www.cms.gov/Medicare/Coding/ICD10",
    "HCPCS": "http://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets",
}
LARGE = 240  # past the first 50 of a rule ranked by relevance: the official-order rest is paged too


def ctss(client: TestClient, table: str, terms: str, count: int, offset: int) -> list[Any]:
    params = {"terms": terms, "count": count, "offset": offset}
    response = client.get(f"/api/{table}/v3/search", params=params)
    assert response.status_code == 200, response.text
    return response.json()


def expand(client: TestClient, system: str, text: str, count: int, offset: int) -> dict:
    params = {"url": f"{URIS[system]}?fhir_vs", "filter": text, "count": count, "offset": offset}
    response = client.get("/fhir/ValueSet/$expand", params=params)
    assert response.status_code == 200, response.text
    return response.json()["expansion"]


@pytest.mark.parametrize("number", range(len(QUERIES)))
def test_ctss_pages_equal_one_large_page(client: TestClient, number: int) -> None:
    terms = QUERIES[number]
    table = list(TABLES)[number % len(TABLES)]
    total, large, _, _ = ctss(client, table, terms, LARGE, 0)
    assert len(set(large)) == len(large) == min(LARGE, total)
    for size in (7, 50):
        paged: list[str] = []
        for offset in range(0, len(large), size):
            page_total, codes, _, rows = ctss(client, table, terms, size, offset)
            assert page_total == total and len(codes) == len(rows)
            paged.extend(codes)
        assert paged[: len(large)] == large, (terms, table, size)


@pytest.mark.parametrize("number", range(len(QUERIES)))
def test_expand_pages_equal_one_large_page(client: TestClient, number: int) -> None:
    text = QUERIES[number]
    system = list(TABLES.values())[(number + 1) % len(TABLES)]
    large = expand(client, system, text, LARGE, 0)
    codes = [entry["code"] for entry in large.get("contains", [])]
    assert len(set(codes)) == len(codes) == min(LARGE, large["total"])
    for size in (20, 100):
        paged: list[str] = []
        for offset in range(0, len(codes), size):
            page = expand(client, system, text, size, offset)
            assert page["total"] == large["total"]
            paged.extend(entry["code"] for entry in page.get("contains", []))
        assert paged[: len(codes)] == codes, (text, system, size)
