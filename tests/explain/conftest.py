"""Explainer fixtures: the real catalog (the shared `built_catalog`, or MEDCODES_TEST_CATALOG)
and the recorded-response server of llm_replay.py."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from llm_replay import ReplayServer

from medcodes.catalog.read import Catalog
from medcodes.explain import Explainer
from medcodes.explain.verify import NameIndex, Verifier


@pytest.fixture(scope="session")
def catalog(built_catalog: Path) -> Iterator[Catalog]:
    with Catalog(built_catalog) as opened:
        yield opened


@pytest.fixture(scope="session")
def explainer(catalog: Catalog) -> Explainer:
    return Explainer(catalog)


@pytest.fixture(scope="session")
def verifier(catalog: Catalog) -> Verifier:
    return Verifier(catalog, NameIndex.from_catalog(catalog))


@pytest.fixture(scope="session")
def replay() -> Iterator[ReplayServer]:
    server = ReplayServer()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
