"""/-/health and /-/ready on the real catalog: what load balancers and roll-outs ask a replica."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from medcodes import Medcodes
from medcodes.web.deps import current_site, get_site


def test_health_says_the_server_answers_and_which_build(client: TestClient) -> None:
    response = client.get("/-/health")
    body = response.json()
    assert response.status_code == 200 and body["status"] == "ok"
    assert body["build_id"] == client.get("/-/manifest.json").json()["build_id"]
    assert "cache-control" not in response.headers and "etag" not in response.headers


def test_ready_once_the_catalog_answers_and_the_index_is_warm(client: TestClient) -> None:
    response = client.get("/-/ready", headers={"If-None-Match": "*"})
    body = response.json()
    assert response.status_code == 200  # a probe is never answered 304 from a cached ETag
    assert body["ready"] and body["catalog_open"] and body["index_warm"]
    assert body["warmup_ms"] > 0
    assert "cache-control" not in response.headers


@pytest.fixture
def cold_site(app: FastAPI, client: TestClient, built_catalog: Path) -> Iterator[Medcodes]:
    """The app serving a catalog opened without warm-up, as a live swap might hand it over."""
    codes = Medcodes(built_catalog)
    cold = dataclasses.replace(current_site({"app": app}), codes=codes)
    app.dependency_overrides[get_site] = lambda: cold
    try:
        yield codes
    finally:
        app.dependency_overrides.pop(get_site)
        codes.close()


def test_ready_is_503_until_warm_and_after_the_catalog_closes(
    client: TestClient, cold_site: Medcodes
) -> None:
    cold = client.get("/-/ready")
    assert cold.status_code == 503
    assert cold.json()["catalog_open"] and not cold.json()["index_warm"]
    cold_site.warm()
    assert client.get("/-/ready").status_code == 200
    cold_site.close()
    closed = client.get("/-/ready")
    assert closed.status_code == 503 and not closed.json()["catalog_open"]
    assert client.get("/-/health").status_code == 200  # alive, just not ready
