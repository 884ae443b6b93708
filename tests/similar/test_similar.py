"""Similar codes on the real catalog: each kind of reason, ranking and limits."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from medcodes.catalog.read import Catalog
from medcodes.similar import similar_codes
from medcodes.similar.build import same_drug_pairs


def _by_code(catalog: Catalog, code: str) -> dict[str, str]:
    return {s.code: s.reason for s in similar_codes(catalog, catalog.get(code))}


def test_j9039_has_its_predecessor(catalog: Catalog) -> None:
    similar = _by_code(catalog, "J9039")
    assert "C9449" in similar
    assert "earlier code" in similar["C9449"]


def test_j9035_has_its_biosimilars(catalog: Catalog) -> None:
    similar = _by_code(catalog, "J9035")
    biosimilars = {"Q5107", "Q5118", "Q5126", "Q5129"} & similar.keys()
    assert len(biosimilars) >= 3
    assert all("bevacizumab" in similar[code].casefold() for code in biosimilars)


def test_e119_has_siblings_and_similar_wording(catalog: Catalog) -> None:
    similar = similar_codes(catalog, catalog.get("E11.9"))
    kinds = {s.kind for s in similar}
    assert {"hierarchy", "meaning"} <= kinds
    assert any(s.code in ("E13.9", "E10.9") for s in similar)
    assert any(s.code == "E11" and s.reason == "parent" for s in similar)


@pytest.mark.parametrize("code", ["J9039", "J9035", "E11.9", "0DTJ4ZZ", "C91.00", "A4595"])
def test_five_to_twelve_distinct_with_reasons(catalog: Catalog, code: str) -> None:
    similar = similar_codes(catalog, catalog.get(code))
    assert 5 <= len(similar) <= 12
    keys = [(s.system, s.code) for s in similar]
    assert len(set(keys)) == len(keys)
    assert catalog.get(code).code not in {s.code for s in similar}
    assert all(s.reason and s.title for s in similar)


def test_same_drug_pairs_are_symmetric_and_skip_class_words() -> None:
    names = {1: {"bevacizumab": "generic"}, 2: {"bevacizumab": "generic", "mvasi": "brand"}}
    names |= {10 + n: {"insulin": "generic"} for n in range(41)}
    pairs = {(a, b): (score, name) for a, b, _kind, score, name in same_drug_pairs(names)}
    assert pairs == {(1, 2): (1.0, "bevacizumab"), (2, 1): (1.0, "bevacizumab")}


SAME_DRUG_DETAILS = """
import sqlite3, sys
from medcodes.catalog.drug_names import hcpcs_drug_names
from medcodes.similar.build import same_drug_pairs
conn = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True)
print(sorted(same_drug_pairs(hcpcs_drug_names(conn))))
"""


def test_same_drug_details_do_not_depend_on_the_hash_seed(built_catalog: Path) -> None:
    """Two builds of the same files give the same catalog: a biosimilar's title names two
    generics (cemiplimab-rwlc, cemiplimab) and the one a pair cites must not follow the
    order of a set, which changes with each process's hash seed."""
    details = {
        subprocess.run(
            [sys.executable, "-c", SAME_DRUG_DETAILS, str(built_catalog)],
            env={**os.environ, "PYTHONHASHSEED": seed},
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        for seed in ("1", "2")
    }
    assert len(details) == 1
