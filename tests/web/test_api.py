"""JSON API on the real catalog: /api/v1/search, /api/v1/codes, errors and headers."""

from __future__ import annotations

from fastapi.testclient import TestClient


def test_search_finds_a_brand_name(client: TestClient) -> None:
    body = client.get("/api/v1/search", params={"q": "blincyto"}).json()
    first = body["results"][0]
    assert (first["system"], first["code"]) == ("HCPCS", "J9039")
    assert first["matched"]["field"] == "drug name"
    assert set(body) >= {"total", "took_ms", "results", "facets", "message", "did_you_mean"}
    assert body["release"]["HCPCS"]


def test_search_filters_by_system_and_keeps_facets(client: TestClient) -> None:
    params = {"q": "diabetes", "system": "icd10cm", "facets": "true"}
    body = client.get("/api/v1/search", params=params).json()
    assert {hit["system"] for hit in body["results"]} == {"ICD10CM"}
    assert body["facets"]["ICD10CM"] > 100


def test_search_by_code_in_any_form(client: TestClient) -> None:
    body = client.get("/api/v1/search", params={"q": " e119 "}).json()
    assert body["results"][0]["code"] == "E11.9"


def test_search_paginates(client: TestClient) -> None:
    first = client.get("/api/v1/search", params={"q": "fracture", "limit": 5}).json()
    second = client.get("/api/v1/search", params={"q": "fracture", "limit": 5, "offset": 5}).json()
    assert len(first["results"]) == len(second["results"]) == 5
    assert not {h["code"] for h in first["results"]} & {h["code"] for h in second["results"]}


def test_empty_query_says_why(client: TestClient) -> None:
    body = client.get("/api/v1/search", params={"q": "  "}).json()
    assert body["total"] == 0 and body["message"]


def test_bad_parameters_are_4xx_with_a_message(client: TestClient) -> None:
    too_long = client.get("/api/v1/search", params={"q": "x" * 201})
    assert too_long.status_code == 422 and "q" in too_long.json()["message"]
    limit = client.get("/api/v1/search", params={"q": "x", "limit": 1000})
    assert limit.status_code == 422
    system = client.get("/api/v1/search", params={"q": "x", "system": "cpt"})
    assert system.status_code == 400 and "unknown code system" in system.json()["message"]
    day = client.get("/api/v1/search", params={"q": "x", "active_on": "yesterday"})
    assert day.status_code == 422


def test_code_returns_everything_the_page_shows(client: TestClient) -> None:
    body = client.get("/api/v1/codes/e119").json()
    assert body["code"] == "E11.9" and body["system"] == "ICD10CM"
    assert [a["code"] for a in body["ancestors"]][-1] == "E11"
    assert any(group["kind"] == "excludes1" for group in body["notes"])
    assert body["source"]["sha256"] and body["release"]
    assert body == client.get("/code/E11.9.json").json()


def test_code_with_system(client: TestClient) -> None:
    body = client.get("/api/v1/codes/A01.00", params={"system": "ICD10CM"}).json()
    assert body["system"] == "ICD10CM"
    other = client.get("/api/v1/codes/A0100", params={"system": "HCPCS"}).json()
    assert other["system"] == "HCPCS"
    assert [a["system"] for a in other["also"]] == ["ICD10CM"]


def test_unknown_code_is_404_with_suggestions(client: TestClient) -> None:
    response = client.get("/api/v1/codes/E11.99")
    assert response.status_code == 404
    body = response.json()
    assert body["error"] == "UnknownCode" and body["suggestions"]
    assert all(
        client.get(f"/api/v1/codes/{code}").status_code == 200 for code in body["suggestions"]
    )


def test_security_headers_on_every_response(client: TestClient) -> None:
    for path in ("/api/v1/search?q=x", "/api/v1/codes/nope", "/", "/static/style.css", "/nope"):
        headers = client.get(path).headers
        assert "script-src 'self'" in headers["content-security-policy"], path
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"]


def test_immutable_answers_have_etag_and_304(client: TestClient) -> None:
    response = client.get("/api/v1/codes/J9039")
    etag = response.headers["etag"]
    assert "max-age" in response.headers["cache-control"]
    again = client.get("/api/v1/codes/J9039", headers={"If-None-Match": etag})
    assert again.status_code == 304 and not again.content


def test_manifest_lists_sources_with_sha256(client: TestClient) -> None:
    body = client.get("/-/manifest.json").json()
    assert body["build_id"]
    assert all(len(source["sha256"]) == 64 for source in body["sources"])


def test_diff_api(client: TestClient) -> None:
    answer = client.get("/api/v1/diff", params={"from": "2026-01", "to": "2026-07"}).json()
    assert [(d["system"], len(d["added"])) for d in answer] == [("HCPCS", 102), ("HCPCS-MOD", 1)]
    a9574 = next(c for c in answer[0]["added"] if c["code"] == "A9574")
    assert a9574 == {
        "system": "HCPCS",
        "code": "A9574",
        "old_title": "",
        "new_title": "Injection, ferumoxytol, 1 mg",
        "status": "active",
        "added_date": "2026-07-01",
        "terminated_date": None,
    }
    one = client.get("/api/v1/diff", params={"from": "FY2027", "to": "FY2026", "system": "cm"})
    assert [d["system"] for d in one.json()] == ["ICD10CM"]
    bad = client.get("/api/v1/diff", params={"from": "2026-01", "to": "2031-01"})
    assert bad.status_code == 404 and bad.json()["error"] == "UnknownRelease"


def test_new_july_codes_are_found(client: TestClient) -> None:
    for code, title in (("A2043", "Biobrane"), ("A9574", "ferumoxytol")):
        page = client.get(f"/api/v1/codes/{code}").json()
        assert page["release"] == "2026-07" and title in page["title"]
        hits = client.get("/api/v1/search", params={"q": page["title"]}).json()["results"]
        assert hits[0]["code"] == code
