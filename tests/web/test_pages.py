"""Server-rendered pages: content, disambiguation, escaping, size, the notes every page carries."""

from __future__ import annotations

import re

import httpx
import pytest
from fastapi.testclient import TestClient

PAGES = [
    "/",
    "/search?q=diabetes",
    "/search?q=diabetes&system=ICD10CM&page=2",
    "/code/J9039",
    "/code/E11.9",
    "/code/0DTJ4ZZ",
    "/code/S72.001A",
    "/code/ICD10CM/E11",
    "/code/ICD10PCS/0DT",
    "/browse",
    "/browse/ICD10CM",
    "/browse/ICD10PCS/0DT",
    "/browse/HCPCS/J0000-J9999",
    "/releases",
    "/releases/ICD10CM/FY2027?event=added",
    "/docs",
]


@pytest.mark.parametrize("path", PAGES)
def test_page_is_small_and_says_what_it_is(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200
    html = response.text
    assert len(response.content) < 100_000
    assert "not medical advice" in html
    assert re.search(r"ICD-10-CM FY\d{4}", html)  # names the release its data comes from
    assert "<script>" not in html and " on" + "click=" not in html  # CSP: no inline script
    assert '<html lang="en">' in html and "<h1" in html


def test_code_page_blocks(client: TestClient) -> None:
    html = client.get("/code/J9039").text
    assert "Injection, blinatumomab, 1 microgram" in html
    assert "Blincyto" in html  # brand name from the ASP crosswalk
    assert "Pricing indicator" in html and "Drugs" in html  # HCPCS fields decoded
    assert "C9449" in html  # cross-reference
    assert "HCPC2026_JUL_ANWEB_06172026.xlsx" in html  # names its source file
    assert "/code/HCPCS/J9039.json" in html and "$lookup" in html


def test_pcs_axes_and_cm_notes(client: TestClient) -> None:
    pcs = client.get("/code/0DTJ4ZZ").text
    assert "Cutting out or off, without replacement, all of a body part" in pcs
    cm = client.get("/code/E11.9").text
    assert "Excludes1" in cm and "Use additional code" in cm and "(from E11)" in cm


def test_ambiguous_code_links_the_other_system(client: TestClient) -> None:
    html = client.get("/code/A0100").text
    assert "Non-emergency transportation; taxi" in html
    assert "/code/ICD10CM/A01.00" in html


def test_search_page_without_js(client: TestClient) -> None:
    html = client.get("/search", params={"q": "blincyto"}).text
    assert html.index("J9039") < html.index("</main>")
    assert 'action="/search"' in html
    facets = client.get("/search", params={"q": "diabetes"}).text
    assert "/search?q=diabetes&amp;system=ICD10CM" in facets


def test_unknown_code_page_is_404_with_suggestions(client: TestClient) -> None:
    response = client.get("/code/E11.99")
    assert response.status_code == 404
    assert "Close real codes" in response.text and "/code/E11.9" in response.text


XSS = '"><script>alert(1)</script><img src=x onerror=alert(2)>'


@pytest.mark.parametrize(
    "path",
    [
        "/search?q={}",
        "/search/results?q={}",
        "/code/{}",
        "/code/HCPCS/{}",
        "/browse/ICD10CM/{}",
        "/search?q=x&system={}",
        "/api/v1/codes/{}",
        "/fhir/CodeSystem/$lookup?system={}&code=1",
    ],
)
def test_user_text_is_escaped(client: TestClient, path: str) -> None:
    response = client.get(path.format(XSS.replace("/", "%2F").replace("#", "%23")))
    assert response.status_code < 500
    if response.headers["content-type"].startswith("text/html"):
        assert "<script>alert(1)" not in response.text
        assert "<img src=x" not in response.text
    else:  # JSON is not rendered by browsers: nosniff keeps it so
        assert "json" in response.headers["content-type"]
        assert response.headers["x-content-type-options"] == "nosniff"


def test_json_twin_and_alternate_link(client: TestClient) -> None:
    html = client.get("/code/HCPCS/J9039").text
    assert 'rel="alternate" type="application/json" href="/code/HCPCS/J9039.json"' in html
    assert client.get("/code/HCPCS/J9039.json").json()["code"] == "J9039"


def test_releases_page_lists_each_consecutive_diff(client: TestClient) -> None:
    html = client.get("/releases").text
    assert "Release against release" in html
    assert '<a href="/releases/diff?from=2026-01&amp;to=2026-07&amp;system=HCPCS">' in html
    assert "2026-01 → 2026-07</a></td><td>102</td>" in html
    assert "/releases/diff?from=FY2026&amp;to=FY2027&amp;system=ICD10CM" in html


def test_diff_page_links_every_code(client: TestClient) -> None:
    response = client.get("/releases/diff?from=2026-01&to=2026-07&system=HCPCS")
    assert response.status_code == 200
    html = response.text
    assert "102 added" in html
    assert '<a href="/code/HCPCS/A2043"><span class="code">A2043</span> Biobrane' in html
    assert "added 2026-07-01" in html  # A9574's ADD DT
    assert html.count('<li><a href="/code/HCPCS/') == 102 + 6 + 12
    missing = client.get("/releases/diff?from=2026-01&to=2026-04")
    assert missing.status_code == 404 and "2026-04" in missing.text


def test_code_page_history_links_to_the_release_diff(client: TestClient) -> None:
    html = client.get("/code/A2043").text
    assert "Biobrane, per square centimeter" in html
    assert '<a href="/releases/diff?from=2026-01&amp;to=2026-07&amp;system=HCPCS"' in html
    assert ">2026-04</a>" in html  # added April 1, seen between the January and July files
    view = client.get("/code/A9574.json").json()
    assert view["history_diffs"] == [
        {
            "release": "2026-07",
            "before": "2026-01",
            "after": "2026-07",
            "url": "/releases/diff?from=2026-01&to=2026-07&system=HCPCS",
        }
    ]


@pytest.mark.parametrize(
    "path", ["/code/ICD10CM/E11.9", "/api/v1/search?q=asthma", "/fhir/metadata", "/"]
)
def test_head_answers_as_get_without_a_body(server: str, path: str) -> None:
    """Monitors and link checkers ask HEAD (the CORS preflight lists it): through the real
    server, the GET's status and headers, Content-Length included, and no body."""
    get = httpx.get(server + path)
    head = httpx.head(server + path)
    assert get.status_code == head.status_code == 200
    assert head.content == b""
    assert head.headers["content-length"] == str(len(get.content))
    assert head.headers["content-type"] == get.headers["content-type"]
    assert head.headers.get("etag") == get.headers.get("etag")
