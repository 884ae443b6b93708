"""FHIR R4 terminology operations: $lookup, $validate-code, $expand, metadata. Every answer,
errors included, is parsed with fhir.resources' R4B models (the R4 family of that library)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from fhir.resources.R4B import get_fhir_model_class

CM = "http://hl7.org/fhir/sid/icd-10-cm"
PCS = "http://www.cms.gov/Medicare/Coding/ICD10"
HCPCS = "http://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets"
FHIR_JSON = {"content-type": "application/fhir+json"}
LOOKUP = "/fhir/CodeSystem/$lookup"
VALIDATE = "/fhir/CodeSystem/$validate-code"
EXPAND = "/fhir/ValueSet/$expand"


def resource(response: httpx.Response, kind: str, status: int = 200) -> dict[str, Any]:
    """The FHIR resource of an answer, checked: status, content type, R4 model."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/fhir+json")
    body = response.json()
    assert body["resourceType"] == kind
    get_fhir_model_class(kind).model_validate(body)
    return body


def values(parameters: dict[str, Any]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for item in parameters["parameter"]:
        value = next((v for k, v in item.items() if k.startswith("value")), item.get("part"))
        found.setdefault(item["name"], value)
    return found


def outcome(response: httpx.Response, status: int) -> str:
    body = resource(response, "OperationOutcome", status)
    return body["issue"][0]["diagnostics"]


def test_metadata_is_an_r4_capability_statement(client: TestClient) -> None:
    body = resource(client.get("/fhir/metadata"), "CapabilityStatement")
    assert body["fhirVersion"] == "4.0.1" and body["format"] == ["json"]
    operations = {
        (r["type"], op["name"]) for r in body["rest"][0]["resource"] for op in r["operation"]
    }
    assert operations == {
        ("CodeSystem", "lookup"),
        ("CodeSystem", "validate-code"),
        ("ValueSet", "expand"),
    }
    terminology = resource(
        client.get("/fhir/metadata", params={"mode": "terminology"}), "TerminologyCapabilities"
    )
    assert {system["uri"] for system in terminology["codeSystem"]} == {CM, PCS, HCPCS}
    assert "fhirVersion" not in terminology


def test_lookup_get_and_post(client: TestClient) -> None:
    got = values(resource(client.get(LOOKUP, params={"system": CM, "code": "E11.9"}), "Parameters"))
    assert got["display"] == "Type 2 diabetes mellitus without complications"
    assert got["name"] == "ICD-10-CM" and got["version"]
    use, _ = got["designation"]
    assert use["valueCoding"]["system"] and use["valueCoding"]["code"] == "short"
    body = {
        "resourceType": "Parameters",
        "parameter": [{"name": "coding", "valueCoding": {"system": PCS, "code": "0DTJ4ZZ"}}],
    }
    posted = resource(client.post(LOOKUP, json=body, headers=FHIR_JSON), "Parameters")
    assert values(posted)["display"].startswith("Resection of Appendix")
    coding = client.get(LOOKUP, params={"coding": f"{CM}|E11.9"})
    assert values(resource(coding, "Parameters"))["display"] == got["display"]


def test_lookup_honours_the_version(client: TestClient) -> None:
    old = values(
        resource(
            client.get(LOOKUP, params={"system": CM, "code": "E11.9", "version": "FY2025"}),
            "Parameters",
        )
    )
    assert old["version"] == "FY2025"
    unknown = client.get(LOOKUP, params={"system": CM, "code": "E11.9", "version": "FY1999"})
    assert "FY2025" in outcome(unknown, 404)  # names the known versions
    newer = client.get(LOOKUP, params={"system": CM, "code": "C78.31", "version": "FY2025"})
    assert "not in" in outcome(newer, 404)  # added in FY2027


def test_lookup_hcpcs_and_unknown(client: TestClient) -> None:
    resource(client.get(LOOKUP, params={"system": HCPCS, "code": "J9039"}), "Parameters")
    missing = client.get(LOOKUP, params={"system": CM, "code": "E11.99"})
    assert resource(missing, "OperationOutcome", 404)["issue"][0]["code"] == "not-found"


def test_unknown_system_is_an_operation_outcome(client: TestClient) -> None:
    response = client.get(LOOKUP, params={"system": "http://snomed.info/sct", "code": "1"})
    assert "icd-10-cm" in outcome(response, 400)


def test_validate_code(client: TestClient) -> None:
    ok = values(resource(client.get(VALIDATE, params={"url": CM, "code": "E11.9"}), "Parameters"))
    assert ok["result"] is True
    unknown = values(
        resource(client.get(VALIDATE, params={"url": CM, "code": "E11.99"}), "Parameters")
    )
    assert unknown["result"] is False and "E11.99" in unknown["message"]
    wrong = client.get(VALIDATE, params={"url": CM, "code": "E11.9", "display": "Asthma"})
    assert values(resource(wrong, "Parameters"))["result"] is False
    ended = values(
        resource(client.get(VALIDATE, params={"url": HCPCS, "code": "C9449"}), "Parameters")
    )
    assert ended["result"] is True and ended["inactive"] is True


@pytest.mark.parametrize("written", ["E119", "e11.9", "E11-9", "E11.9\x00", " E11.9"])
def test_validate_code_accepts_only_the_official_spelling(client: TestClient, written: str) -> None:
    answer = values(
        resource(client.get(VALIDATE, params={"url": CM, "code": written}), "Parameters")
    )
    assert answer["result"] is False and "E11.9" in answer["message"]


def test_validate_coding_and_codeable_concept(client: TestClient) -> None:
    by_coding = client.get(VALIDATE, params={"coding": f"{CM}|E11.9"})
    assert values(resource(by_coding, "Parameters"))["result"] is True
    concept = {
        "coding": [{"system": CM, "code": "E119"}, {"system": CM, "code": "E11.9"}],
        "text": "type 2 diabetes",
    }
    body = {
        "resourceType": "Parameters",
        "parameter": [{"name": "codeableConcept", "valueCodeableConcept": concept}],
    }
    answer = values(resource(client.post(VALIDATE, json=body, headers=FHIR_JSON), "Parameters"))
    assert answer["result"] is True  # one of its codings is valid
    concept["coding"] = concept["coding"][:1]
    answer = values(resource(client.post(VALIDATE, json=body, headers=FHIR_JSON), "Parameters"))
    assert answer["result"] is False


def test_expand_with_filter_and_paging(client: TestClient) -> None:
    params = {"url": f"{CM}?fhir_vs", "filter": "diabetes", "count": 5}
    page1 = resource(client.get(EXPAND, params=params), "ValueSet")
    assert page1["expansion"]["total"] > 100 and len(page1["expansion"]["contains"]) == 5
    page2 = resource(client.get(EXPAND, params={**params, "offset": 5}), "ValueSet")
    first = {c["code"] for c in page1["expansion"]["contains"]}
    assert not first & {c["code"] for c in page2["expansion"]["contains"]}
    assert all(c["system"] == CM for c in page1["expansion"]["contains"])
    total_only = resource(client.get(EXPAND, params={**params, "count": 0}), "ValueSet")
    assert total_only["expansion"]["total"] == page1["expansion"]["total"]
    assert "contains" not in total_only["expansion"]


def test_expand_active_only(client: TestClient) -> None:
    params = {"url": f"{HCPCS}?fhir_vs", "filter": "blinatumomab", "count": 50}
    everything = resource(client.get(EXPAND, params=params), "ValueSet")["expansion"]
    assert any(c.get("inactive") for c in everything["contains"])  # C9449 ended
    active = resource(client.get(EXPAND, params={**params, "activeOnly": "true"}), "ValueSet")
    assert active["expansion"]["contains"] and not any(
        c.get("inactive") for c in active["expansion"]["contains"]
    )
    exact = client.get(EXPAND, params={**params, "filter": "C9449", "activeOnly": "true"})
    assert resource(exact, "ValueSet")["expansion"]["total"] == 0


def test_expand_without_filter_pages_past_ten_thousand(client: TestClient) -> None:
    body = {
        "resourceType": "Parameters",
        "parameter": [
            {"name": "url", "valueUri": f"{PCS}?fhir_vs"},
            {"name": "count", "valueInteger": 3},
            {"name": "offset", "valueInteger": 50_000},
        ],
    }
    expansion = resource(client.post(EXPAND, json=body, headers=FHIR_JSON), "ValueSet")["expansion"]
    assert expansion["total"] > 70_000 and len(expansion["contains"]) == 3
    assert expansion["offset"] == 50_000


def test_bad_requests_are_400_and_xml_is_406(client: TestClient) -> None:
    negative = client.get(EXPAND, params={"url": f"{CM}?fhir_vs", "count": -1})
    assert "count" in outcome(negative, 400)
    assert "count" in outcome(client.get(EXPAND, params={"url": CM, "count": 1001}), 400)
    malformed = client.post(LOOKUP, content=b'{"resourceType": "Param', headers=FHIR_JSON)
    outcome(malformed, 400)
    patient = client.post(LOOKUP, json={"resourceType": "Patient"}, headers=FHIR_JSON)
    outcome(patient, 400)
    assert "json" in outcome(client.get("/fhir/metadata", params={"_format": "xml"}), 406)
    xml = client.get(
        LOOKUP, params={"system": CM, "code": "E11.9"}, headers={"accept": "application/fhir+xml"}
    )
    outcome(xml, 406)
    json_format = client.get("/fhir/metadata", params={"_format": "application/fhir+json"})
    resource(json_format, "CapabilityStatement")
