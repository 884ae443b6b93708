"""CTSS-compatible autocomplete: the answer shape and parameters of clinicaltables v3."""

from __future__ import annotations

from fastapi.testclient import TestClient


def test_hcpcs_answer_shape(client: TestClient) -> None:
    total, codes, extra, display = client.get(
        "/api/hcpcs/v3/search", params={"terms": "blincyto"}
    ).json()
    assert total >= 1 and codes[0] == "J9039" and extra is None
    assert display[0] == ["J9039", "Injection, blinatumomab, 1 microgram"]


def test_icd10cm_description_search_needs_no_sf(client: TestClient) -> None:
    total, codes, _, display = client.get(
        "/api/icd10cm/v3/search", params={"terms": "type 2 diabetes"}
    ).json()
    assert total > 7 and len(codes) == 7  # maxList defaults to 7
    assert all(len(row) == 2 for row in display)  # df defaults to code,name


def test_max_list_count_offset(client: TestClient) -> None:
    url = "/api/icd10cm/v3/search"
    assert len(client.get(url, params={"terms": "fracture", "maxList": 3}).json()[1]) == 3
    page1 = client.get(url, params={"terms": "fracture", "count": 4}).json()[1]
    page2 = client.get(url, params={"terms": "fracture", "count": 4, "offset": 4}).json()[1]
    assert len(page1) == len(page2) == 4 and not set(page1) & set(page2)
    assert client.get(url, params={"terms": "x", "count": 501}).status_code == 422


def test_display_and_extra_fields(client: TestClient) -> None:
    _, codes, extra, display = client.get(
        "/api/hcpcs/v3/search",
        params={"terms": "J9039", "df": "code,short_desc", "ef": "add_dt,obsolete:gone"},
    ).json()
    assert codes == ["J9039"]
    assert display == [["J9039", "Injection, blinatumomab"]]
    assert extra == {"add_dt": ["2016-01-01"], "gone": [False]}


def test_unknown_field_is_400(client: TestClient) -> None:
    response = client.get("/api/icd10cm/v3/search", params={"terms": "x", "df": "code,nope"})
    assert response.status_code == 400 and "nope" in response.json()["message"]


def test_every_word_is_a_prefix_and_all_are_required(client: TestClient) -> None:
    """NLM's semantics: "hypert" offers I10, "blinat" J9039; "asthma zzzz" matches nothing."""
    url = "/api/icd10cm/v3/search"
    assert "I10" in client.get(url, params={"terms": "hypert"}).json()[1]
    assert "E11.9" in client.get(url, params={"terms": "diab"}).json()[1]
    for fragment in ("asth", "pneu", "fract"):
        total, codes, _, _ = client.get(url, params={"terms": fragment}).json()
        assert total > 0 and len(codes) == 7, fragment
    assert client.get(url, params={"terms": "asthma zzzz"}).json() == [0, [], None, []]
    blinat = client.get("/api/hcpcs/v3/search", params={"terms": "blinat"}).json()
    assert blinat[1][0] == "J9039"
    assert "K0001" in client.get("/api/hcpcs/v3/search", params={"terms": "whe"}).json()[1]


def test_tables_are_billable_codes_and_pages_are_full(client: TestClient) -> None:
    total, codes, _, _ = client.get(
        "/api/icd10cm/v3/search", params={"terms": "E11", "maxList": 7}
    ).json()
    assert len(codes) == 7 and total > 7 and "E11" not in codes  # no header codes
    pcs = client.get("/api/icd10pcs/v3/search", params={"terms": "0DT"}).json()[1]
    assert pcs and all(len(code) == 7 for code in pcs)


def test_sf_cf_and_q(client: TestClient) -> None:
    url = "/api/icd10cm/v3/search"
    by_code = client.get(url, params={"terms": "E10", "sf": "code", "count": 20}).json()[1]
    assert by_code and all(code.startswith("E10") for code in by_code)
    assert client.get(url, params={"terms": "diabetes", "sf": "code"}).json()[0] == 0
    narrowed = client.get(url, params={"terms": "diab", "q": "code:E10*", "count": 20}).json()
    assert narrowed[1] and all(code.startswith("E10") for code in narrowed[1])
    words = client.get(url, params={"terms": "diab", "q": "name:neuropathy"}).json()
    assert words[3] and all("neuropath" in name.lower() for _, name in words[3])
    named = client.get(url, params={"terms": "E11.9", "cf": "name"}).json()[1]
    assert named == ["Type 2 diabetes mellitus without complications"]
    assert client.get(url, params={"terms": "E11.9", "cf": " "}).json()[1] == ["E11.9"]
    for bad in ({"cf": "code,"}, {"cf": ","}, {"q": "zip:1"}, {"q": "a OR b"}, {"sf": "nope"}):
        response = client.get(url, params={"terms": "x", **bad})
        assert response.status_code == 400 and response.json()["message"], bad


def test_hcpcs_table_has_codes_only(client: TestClient) -> None:
    _, codes, _, _ = client.get("/api/hcpcs/v3/search", params={"terms": "GA"}).json()
    assert "GA" not in codes  # modifiers are not in the CTSS hcpcs table


def test_icd10pcs_table(client: TestClient) -> None:
    _, codes, _, _ = client.get("/api/icd10pcs/v3/search", params={"terms": "appendectomy"}).json()
    assert codes and all(len(code) == 7 for code in codes)
