"""FHIR R4 terminology operations: $lookup, $validate-code, $expand, metadata."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

CM = "http://hl7.org/fhir/sid/icd-10-cm"
PCS = "http://www.cms.gov/Medicare/Coding/ICD10"
HCPCS = "http://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets"
FHIR_JSON = {"content-type": "application/fhir+json"}
LOOKUP = "/fhir/CodeSystem/$lookup"


def values(parameters: dict[str, Any]) -> dict[str, Any]:
    assert parameters["resourceType"] == "Parameters"
    found: dict[str, Any] = {}
    for item in parameters["parameter"]:
        value = next((v for k, v in item.items() if k.startswith("value")), item.get("part"))
        found.setdefault(item["name"], value)
    return found


def test_metadata(client: TestClient) -> None:
    response = client.get("/fhir/metadata")
    assert response.headers["content-type"].startswith("application/fhir+json")
    body = response.json()
    assert body["resourceType"] == "TerminologyCapabilities"
    assert {system["uri"] for system in body["codeSystem"]} == {CM, PCS, HCPCS}


def test_lookup_get_and_post(client: TestClient) -> None:
    got = values(
        client.get("/fhir/CodeSystem/$lookup", params={"system": CM, "code": "E11.9"}).json()
    )
    assert got["display"] == "Type 2 diabetes mellitus without complications"
    assert got["name"] == "ICD-10-CM" and got["version"]
    body = {
        "resourceType": "Parameters",
        "parameter": [{"name": "coding", "valueCoding": {"system": PCS, "code": "0DTJ4ZZ"}}],
    }
    posted = client.post("/fhir/CodeSystem/$lookup", json=body, headers=FHIR_JSON).json()
    assert values(posted)["display"].startswith("Resection of Appendix")


def test_lookup_hcpcs_modifier_and_unknown(client: TestClient) -> None:
    assert (
        client.get(
            "/fhir/CodeSystem/$lookup", params={"system": HCPCS, "code": "J9039"}
        ).status_code
        == 200
    )
    missing = client.get("/fhir/CodeSystem/$lookup", params={"system": CM, "code": "E11.99"})
    assert missing.status_code == 404
    outcome = missing.json()
    assert outcome["resourceType"] == "OperationOutcome"
    assert outcome["issue"][0]["code"] == "not-found"


def test_unknown_system_is_an_operation_outcome(client: TestClient) -> None:
    response = client.get(
        "/fhir/CodeSystem/$lookup", params={"system": "http://snomed.info/sct", "code": "1"}
    )
    assert response.status_code == 400
    assert response.json()["resourceType"] == "OperationOutcome"


def test_validate_code(client: TestClient) -> None:
    url = "/fhir/CodeSystem/$validate-code"
    ok = values(client.get(url, params={"url": CM, "code": "E11.9"}).json())
    assert ok["result"] is True
    unknown = values(client.get(url, params={"url": CM, "code": "E11.99"}).json())
    assert unknown["result"] is False and "E11.99" in unknown["message"]
    wrong = values(client.get(url, params={"url": CM, "code": "E11.9", "display": "Asthma"}).json())
    assert wrong["result"] is False
    terminated = values(client.get(url, params={"url": HCPCS, "code": "C9449"}).json())
    assert terminated["result"] is True and terminated["inactive"] is True


def test_expand_with_filter_and_paging(client: TestClient) -> None:
    params = {"url": f"{CM}?fhir_vs", "filter": "diabetes", "count": 5}
    page1 = client.get("/fhir/ValueSet/$expand", params=params).json()
    assert page1["resourceType"] == "ValueSet"
    assert page1["expansion"]["total"] > 100 and len(page1["expansion"]["contains"]) == 5
    page2 = client.get("/fhir/ValueSet/$expand", params={**params, "offset": 5}).json()
    first = {c["code"] for c in page1["expansion"]["contains"]}
    assert not first & {c["code"] for c in page2["expansion"]["contains"]}
    assert all(c["system"] == CM for c in page1["expansion"]["contains"])


def test_expand_without_filter_lists_in_official_order(client: TestClient) -> None:
    body = {
        "resourceType": "Parameters",
        "parameter": [
            {"name": "url", "valueUri": f"{PCS}?fhir_vs"},
            {"name": "count", "valueInteger": 3},
        ],
    }
    expansion = client.post("/fhir/ValueSet/$expand", json=body, headers=FHIR_JSON).json()[
        "expansion"
    ]
    assert expansion["total"] > 70_000 and len(expansion["contains"]) == 3


def test_bad_parameters_are_operation_outcomes(client: TestClient) -> None:
    response = client.get("/fhir/ValueSet/$expand", params={"url": f"{CM}?fhir_vs", "count": -1})
    assert response.status_code == 422
    assert response.json()["resourceType"] == "OperationOutcome"
    bad_body = client.post(
        "/fhir/CodeSystem/$lookup", json={"resourceType": "Patient"}, headers=FHIR_JSON
    )
    assert bad_body.status_code == 422 and bad_body.json()["resourceType"] == "OperationOutcome"
