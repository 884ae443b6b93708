"""Hostile parameters on every endpoint of /openapi.json: each query parameter, path parameter
and FHIR body gets values people and scanners send (blanks, separators, control characters,
huge numbers, injection strings, very long text). Nothing may answer 5xx; every 4xx carries a
message in its error shape."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

HOSTILE = [
    "", " ", "%20", ",", ",,", "code,", ":", "a:b:c", "code:", "code:*", "name:", "|", "x|",
    "\x00", "\x1b[31m", "'", '"', "\\", "*", "?", "&", "=", "%", "%%", "../../etc/passwd",
    "<script>alert(1)</script>", "9" * 30, "-1", "0", "1e309", "NaN", "true", "null", "[]",
    "{}", "é", "💊", "x" * 5000, "E11*", "OR", "AND", "FY9999", "http://x|y",
]  # fmt: skip
VALID = {
    "q": "diab",
    "terms": "diab",
    "url": "http://hl7.org/fhir/sid/icd-10-cm?fhir_vs",
    "system": "http://hl7.org/fhir/sid/icd-10-cm",
    "code": "E11.9",
    "node": "E11",
    "release": "FY2027",
    "policy_id": "A52370",
}
PATH_VALUES = {"system": "ICD10CM", "code": "E11.9", "node": "E11", "release": "FY2027"}
BODIES: list[Any] = [
    {"resourceType": "Parameters", "parameter": [{"name": "code", "valueCode": "\x00"}]},
    {"resourceType": "Parameters", "parameter": [{"name": "count", "valueInteger": 10**12}]},
    {"resourceType": "Parameters", "parameter": [{"name": "coding", "valueCoding": {}}]},
    {"resourceType": "Parameters", "parameter": [{"name": "codeableConcept"}]},
    {
        "resourceType": "Parameters",
        "parameter": [{"name": "codeableConcept", "valueCodeableConcept": {"coding": []}}],
    },
    {"resourceType": "Parameters", "parameter": [{"name": "url", "valueUri": "x" * 5000}]},
    {"resourceType": "Parameters", "parameter": "nope"},
    {"resourceType": "Parameters"},
    [],
    "Parameters",
    None,
]


def get_operations(app: FastAPI) -> list[tuple[str, list[dict[str, Any]]]]:
    schema = app.openapi()
    return [
        (path, item["get"].get("parameters", []))
        for path, item in schema["paths"].items()
        if "get" in item
    ]


def fill(path: str, value: str | None = None, name: str | None = None) -> str:
    """The path with valid values in its parameters (one replaced by `value`, encoded)."""
    for key, default in {**PATH_VALUES, **VALID}.items():
        marker = "{" + key + "}"
        if marker in path:
            chosen = value if key == name and value is not None else default
            path = path.replace(marker, quote(chosen, safe=""))
    return path


def check(response: Any, where: str) -> None:
    assert response.status_code < 500, (where, response.status_code, response.text[:300])
    if response.status_code >= 400 and "json" in response.headers.get("content-type", ""):
        body = response.json()
        message = body.get("message") or (body.get("issue") or [{}])[0].get("diagnostics")
        assert message, where


def test_hostile_query_and_path_parameters_never_give_5xx(app: FastAPI, client: TestClient) -> None:
    operations = get_operations(app)
    assert len(operations) > 15
    sent = 0
    for path, parameters in operations:
        required = {p["name"]: VALID.get(p["name"], "x") for p in parameters if p.get("required")}
        for parameter in parameters:
            name = parameter["name"]
            for value in HOSTILE:
                if parameter["in"] == "path":
                    url, params = fill(path, value, name), required
                else:
                    url, params = fill(path), {**required, name: value}
                check(
                    client.get(
                        url,
                        params={
                            k: v
                            for k, v in params.items()
                            if k in {p["name"] for p in parameters if p["in"] == "query"}
                        },
                    ),
                    f"{url} {name}={value[:20]!r}",
                )
                sent += 1
    assert sent > 1000


@pytest.mark.parametrize("body", BODIES)
@pytest.mark.parametrize(
    "operation", ["CodeSystem/$lookup", "CodeSystem/$validate-code", "ValueSet/$expand"]
)
def test_hostile_fhir_bodies_are_400(client: TestClient, operation: str, body: Any) -> None:
    response = client.post(
        f"/fhir/{operation}", json=body, headers={"content-type": "application/fhir+json"}
    )
    check(response, operation)
    assert response.status_code in (200, 400, 404), response.text
