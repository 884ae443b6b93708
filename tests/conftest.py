"""Shared fixtures. Official files are read in place from MEDCODES_SOURCES (default ../shared/data).

`built_catalog` builds the real catalog (and its search index) once per test run; set
MEDCODES_TEST_CATALOG to a catalog built by `medcodes build` to reuse it while developing.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from hypothesis import settings

REPO = Path(__file__).resolve().parents[1]

# Tests never time: Hypothesis' per-example deadline failed parser tests on a loaded machine.
settings.register_profile("medcodes", deadline=None)
settings.load_profile("medcodes")


def sources_root() -> Path:
    """The official source files: MEDCODES_SOURCES, else ../shared/data beside the repo."""
    return Path(os.environ.get("MEDCODES_SOURCES", REPO.parent / "shared" / "data")).resolve()


@pytest.fixture(scope="session")
def sources_dir() -> Path:
    root = sources_root()
    if not (root / "README.md").is_file():
        pytest.fail(f"official sources not found at {root}; set MEDCODES_SOURCES")
    return root


@pytest.fixture(scope="session")
def built_catalog(sources_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Path of a real catalog built from the official files, with its search index beside it."""
    reuse = os.environ.get("MEDCODES_TEST_CATALOG")
    if reuse:
        return Path(reuse).resolve()
    from medcodes.build import build_steps
    from medcodes.catalog.build import build_catalog

    path = tmp_path_factory.mktemp("catalog") / "medcodes.db"
    build_catalog(sources_dir, path, **build_steps())
    return path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def server(built_catalog: Path) -> Iterator[str]:
    """Base URL of `medcodes serve` running in a subprocess on 127.0.0.1 (stopped at the end)."""
    port = free_port()
    code = (
        "from medcodes.cli.serve import serve; "
        f"serve('127.0.0.1', {port}, None, 1, access_log=False)"
    )
    env = {**os.environ, "MEDCODES_CATALOG": str(built_catalog)}
    process = subprocess.Popen([sys.executable, "-c", code], env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(base + "/-/ping", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail("the web server did not start")
            time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)
