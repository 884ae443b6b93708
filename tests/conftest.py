"""Shared fixtures. Official files are read in place from MEDCODES_SOURCES (default ../shared/data)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def sources_root() -> Path:
    """The official source files: MEDCODES_SOURCES, else ../shared/data beside the repo."""
    return Path(os.environ.get("MEDCODES_SOURCES", REPO.parent / "shared" / "data")).resolve()


@pytest.fixture(scope="session")
def sources_dir() -> Path:
    root = sources_root()
    if not (root / "README.md").is_file():
        pytest.fail(f"official sources not found at {root}; set MEDCODES_SOURCES")
    return root
