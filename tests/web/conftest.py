"""Web fixtures: the app over the real catalog, in process (`server`, the real uvicorn
subprocess, is in tests/conftest.py: the MCP tests use it too)."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from medcodes.settings import Settings
from medcodes.web import create_app


@pytest.fixture(scope="session")
def app(built_catalog: Path) -> FastAPI:
    return create_app(Settings(catalog=built_catalog))


@pytest.fixture(scope="session")
def client(app: FastAPI) -> TestClient:
    return TestClient(app)
