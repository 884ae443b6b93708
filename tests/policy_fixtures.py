"""Fixtures for tests/catalog/test_policies.py and tests/similar/: the real catalog built with
the policy loader and the similar-codes enricher (or MEDCODES_TEST_CATALOG), opened once.

Imported by those folders' conftest.py (pytest puts tests/ on sys.path for the root conftest).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from medcodes.catalog.read import Catalog


@pytest.fixture(scope="session")
def policy_catalog_path(sources_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    reuse = os.environ.get("MEDCODES_TEST_CATALOG")
    if reuse:
        return Path(reuse).resolve()
    from medcodes.catalog.build import build_catalog
    from medcodes.catalog.load_policies import PoliciesStep
    from medcodes.similar.build import compute_similar

    step = PoliciesStep()
    path = tmp_path_factory.mktemp("policies") / "medcodes.db"
    build_catalog(
        sources_dir,
        path,
        extra_steps=(("policies", step.load),),
        enrichers=(("policies", step.write), ("similar codes", compute_similar)),
    )
    return path


@pytest.fixture(scope="session")
def catalog(policy_catalog_path: Path) -> Catalog:
    with Catalog(policy_catalog_path) as opened:
        yield opened
