"""Embedding neighbours are computed once by `medcodes similar embed`, then only looked up."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import numpy as np

from medcodes.similar.embeddings import MIN_COSINE, write_neighbours


def unit(*values: float) -> list[float]:
    vector = np.array(values, dtype=np.float32)
    return list(vector / np.linalg.norm(vector))


def test_neighbours_ranked_thresholded_and_drugs_left_out(tmp_path: Path) -> None:
    keys = [("ICD10CM", "K35.80"), ("ICD10CM", "K37"), ("ICD10PCS", "0DTJ4ZZ"), ("HCPCS", "J9039")]
    vectors = np.array(
        [unit(1, 0.1, 0), unit(1, 0.3, 0), unit(0.2, 1, 0), unit(1, 0.1, 0.01)], dtype=np.float32
    )
    excluded = np.array([False, False, False, True])  # a drug descriptor
    write_neighbours(tmp_path, keys, vectors, excluded)
    rows = (
        sqlite3.connect(tmp_path / "neighbours.db")
        .execute("SELECT code, rank, other_code, score FROM neighbours ORDER BY code, rank")
        .fetchall()
    )
    assert rows[[r[0] for r in rows].index("K35.80")][:3] == ("K35.80", 0, "K37")
    assert all(score >= MIN_COSINE for *_, score in rows)
    assert "J9039" not in {r[0] for r in rows} | {r[2] for r in rows}
    assert all(code != other for code, _, other, _ in rows)
