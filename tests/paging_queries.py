"""The queries of the paging property tests (tests/paging_queries.txt), shared by
tests/search/test_paging.py and tests/web/test_http_paging.py."""

from __future__ import annotations

from pathlib import Path

QUERIES = [
    line
    for line in (Path(__file__).parent / "paging_queries.txt").read_text().splitlines()
    if line and not line.startswith("#")
]
