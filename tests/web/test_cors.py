"""Cross-origin reads of the public API: `*` by default, a list of origins when configured,
GET only, no credentials, preflight answered."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from medcodes.settings import Settings
from medcodes.web import create_app

ORIGIN = "https://forms.example.org"


def test_public_api_allows_any_origin(client: TestClient) -> None:
    for path in ("/api/icd10cm/v3/search?terms=diab", "/fhir/metadata", "/api/v1/codes/E11.9"):
        response = client.get(path, headers={"origin": ORIGIN})
        assert response.status_code == 200
        assert response.headers["access-control-allow-origin"] == "*"
        assert "access-control-allow-credentials" not in response.headers
    page = client.get("/code/E11.9", headers={"origin": ORIGIN})
    assert "access-control-allow-origin" not in page.headers  # HTML pages are not the API


def test_preflight_is_answered(client: TestClient) -> None:
    response = client.options(
        "/api/hcpcs/v3/search",
        headers={
            "origin": ORIGIN,
            "access-control-request-method": "GET",
            "access-control-request-headers": "x-requested-with",
        },
    )
    assert response.status_code == 204
    assert response.headers["access-control-allow-origin"] == "*"
    assert "GET" in response.headers["access-control-allow-methods"]
    assert "POST" not in response.headers["access-control-allow-methods"]
    assert response.headers["access-control-allow-headers"] == "x-requested-with"


def test_configured_origins(built_catalog: Path) -> None:
    app = create_app(Settings(catalog=built_catalog, cors_origins=f"{ORIGIN}, https://b.test"))
    with TestClient(app) as listed:
        allowed = listed.get("/fhir/metadata", headers={"origin": ORIGIN})
        assert allowed.headers["access-control-allow-origin"] == ORIGIN
        assert "Origin" in allowed.headers["vary"]
        other = listed.get("/fhir/metadata", headers={"origin": "https://evil.test"})
        assert "access-control-allow-origin" not in other.headers
    app = create_app(Settings(catalog=built_catalog, cors_origins="none"))
    with TestClient(app) as closed:
        refused = closed.get("/fhir/metadata", headers={"origin": ORIGIN})
        assert "access-control-allow-origin" not in refused.headers
