"""The coder tools over HTTP: index books and tables, the PCS builder, the code-page builder,
their JSON twins and their answers to bad input."""

from __future__ import annotations

import html
import re

import pytest
from fastapi.testclient import TestClient

MAX_HTML = 200_000


def test_drug_filter_shows_the_six_acetaminophen_codes(client: TestClient) -> None:
    html = client.get("/tables/drugs?q=acetaminophen").text
    for n in range(1, 7):
        assert f'href="/code/ICD10CM/T39.1X{n}"' in html
    assert "Poisoning Intentional self-harm" in html and "Underdosing" in html
    assert "icd10cm/icd10cm_drug_2025.xml.gz" in html and "release FY2025" in html


def test_neoplasm_filter_shows_the_breast_row(client: TestClient) -> None:
    html = client.get("/tables/neoplasms?q=breast").text
    row = re.search(r'<tr id="t\d+" class="l1">.*?breast.*?</tr>', html)
    assert row is not None
    printed = re.findall(r'class="code[^"]*" href="[^"]+"[^>]*>([^<]+)<', row.group(0))
    assert printed == ["C50.9-", "C79.81", "D05.-", "D24.-", "D48.6-", "D49.3"]
    assert 'href="/code/ICD10CM/D05"' in row.group(0)  # an incomplete code links its category


def test_index_filter_lists_term_subterms_and_codes(client: TestClient) -> None:
    html = client.get("/index/icd10cm?q=appendicitis").text
    assert (
        "Appendicitis" in html and '<span class="nemod">(pneumococcal) (retrocecal)</span>' in html
    )
    assert 'href="/code/ICD10CM/K37"' in html and 'href="/code/ICD10CM/K35.891"' in html
    incomplete = re.search(r'href="/code/ICD10CM/O99.61"[^>]*>O99.61-</a> <span[^>]*>(.*?)<', html)
    assert incomplete is not None and incomplete.group(1) == "needs more characters"
    assert "Derived from the FY2025 release" in html
    assert "DERIVED_icd10cm_index_2025_flattened.csv.gz" in html


def test_index_letters_headings_and_see_links(client: TestClient) -> None:
    letter = client.get("/index/icd10cm?letter=A").text
    assert "Abdominalgia" in letter and "subterms ▸" in letter
    see = re.search(
        r'Abdominalgia.*?see <a href="(/index/icd10cm/\d+)">Pain, abdominal</a>', letter
    )
    assert see is not None
    target = client.get(see.group(1)).text
    assert "abdominal" in target and "Pain" in target
    drugs = client.get("/tables/drugs?letter=B").text
    assert '<tr id="t' in drugs and "Barbiturate" in drugs
    external = client.get("/index/external?q=lightning").text
    assert 'href="/code/ICD10CM/T75.0"' in external


def test_pcs_builder_offers_only_valid_values(client: TestClient) -> None:
    start = client.get("/pcs/0DT").text
    assert 'href="/pcs/0DT?code=0DTJ#builder">Appendix</a>' in start
    assert "Cutting out or off, without replacement, all of a body part" in start
    assert "Vermiform appendix" in start  # a body part's official Includes
    chosen = client.get("/pcs/0DT?code=0DTJ").text
    assert 'href="/pcs/0DT?code=0DTJ4#builder">Percutaneous Endoscopic</a>' in chosen
    assert "code=0DTJ3" not in chosen  # no row of 0DT allows approach 3
    done = client.get("/pcs/0DT?code=0DTJ4ZZ").text
    assert 'href="/code/ICD10PCS/0DTJ4ZZ"' in done
    assert re.search(r'<tbody id="row-\d+" class="marked">', done)
    assert "icd10pcs/icd10pcs_tables_2026.xml.gz" in done and "release FY2026" in done


def test_pcs_code_page_links_back_to_its_row(client: TestClient) -> None:
    html = client.get("/code/ICD10PCS/0DTJ4ZZ").text
    link = re.search(r'href="(/pcs/0DT\?code=0DTJ4ZZ#row-(\d+))"', html)
    assert link is not None
    grid = client.get(link.group(1).split("#")[0]).text
    assert f'<tbody id="row-{link.group(2)}" class="marked">' in grid
    assert 'href="/pcs/0DT"' in client.get("/code/ICD10PCS/0DT").text


def test_seventh_character_builder_on_code_pages(client: TestClient) -> None:
    html = client.get("/code/ICD10CM/S72.001").text
    assert "Build the full code" in html and 'href="/code/ICD10CM/S72.001A"' in html
    poisoning = client.get("/code/ICD10CM/T39.1X2").text
    assert 'href="/code/ICD10CM/T39.1X2A"' in poisoning
    view = client.get("/code/ICD10CM/S72.001.json").json()
    first = view["builder"]["seventh"]["choices"][0]
    assert (first["char"], first["code"], first["in_catalog"]) == ("A", "S72.001A", True)
    assert client.get("/code/ICD10CM/E11.9.json").json()["builder"] is None


def test_json_twins(client: TestClient) -> None:
    drugs = client.get("/api/v1/tables/drugs?q=acetaminophen").json()
    (row,) = drugs["rows"]
    assert [c["code"] for c in row["codes"]] == [f"T39.1X{n}" for n in range(1, 7)]
    assert row["codes"][1]["url"] == "/code/ICD10CM/T39.1X2" and row["codes"][1]["needs_more"]
    assert drugs["source"]["file"] == "icd10cm/icd10cm_drug_2025.xml.gz"
    pcs = client.get("/api/v1/pcs/0DT?code=0DTJ4").json()
    assert pcs["code"] == "0DTJ4" and pcs["next_title"] == "Device"
    assert pcs["source"]["release"] == "FY2026"
    heading = client.get("/api/v1/index/icd10cm/1").json()
    assert heading["heading"]["title"] == "Aarskog's syndrome"


@pytest.mark.parametrize(
    ("path", "status", "message"),
    [
        ("/pcs/ZZZ", 404, "no ICD-10-PCS table 'ZZZ'"),
        ("/pcs/%3Cscript%3E", 404, "not an ICD-10-PCS table"),
        ("/api/v1/pcs/0I", 404, "not an ICD-10-PCS table"),
        ("/index/icd10cm/999999", 404, "no heading 999999"),
        ("/api/v1/tables/neoplasms/0", 422, "term_id"),
        ("/tables/drugs?page=100000", 422, "page"),
        ("/tables/recipes", 404, "Not Found"),
        ("/tables/drugs?q=zzqx", 200, "Try fewer or shorter words"),
        ("/tables/drugs?letter=%3F", 200, "has no section"),
        ("/tables/drugs?page=1000", 200, "past the end"),
        ("/pcs/0DT?code=0DTJ9", 200, "allows '9' at position 5"),
        ("/index/icd10cm?q=%3Cscript%3E", 200, "'<script>'"),
    ],
)
def test_bad_input_gets_a_clear_answer(
    client: TestClient, path: str, status: int, message: str
) -> None:
    response = client.get(path)
    assert response.status_code == status
    assert message in html.unescape(response.text)
    assert "<script>" not in response.text


LARGEST = [
    "/tables/drugs?letter=A",
    "/tables/neoplasms",
    "/index/icd10cm?letter=P",
    "/index/icd10cm?q=fracture",
    "/index/external?letter=A",
]


@pytest.mark.parametrize("path", LARGEST)
def test_pages_stay_small(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200 and len(response.content) <= MAX_HTML


def test_every_pcs_table_page_is_small(client: TestClient) -> None:
    listing = client.get("/pcs").text
    tables = re.findall(r'href="/pcs/(\w{3})"', listing)
    assert len(tables) == 914
    largest_html = max(len(client.get(f"/pcs/{t}").content) for t in tables)
    assert largest_html <= MAX_HTML
