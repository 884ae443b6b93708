"""Scoring query sets."""

from __future__ import annotations

from pathlib import Path

import pytest

from medcodes.errors import MedcodesError
from medcodes.search.evaluate import EvalQuery, evaluate, is_accepted, read_query_set


def test_prefix_and_exact_acceptance() -> None:
    assert is_accepted("I21.9", ("I21*",))
    assert is_accepted("E11.9", ("E119",))
    assert not is_accepted("I22.0", ("I21*",))


def test_scores_per_kind() -> None:
    queries = [EvalQuery("a", ("X1",), "k1"), EvalQuery("b", ("Y*",), "k2")]
    answers = {"a": ["Z", "X1"], "b": ["Q"]}
    scores = evaluate(queries, lambda q: answers[q])
    assert scores["k1"].as_dict() == {"queries": 1, "hit@1": 0.0, "hit@10": 1.0, "mrr": 0.5}
    assert scores["k2"].misses == ["b"]
    assert scores["all"].as_dict()["hit@10"] == 0.5


def test_malformed_set_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "set.tsv"
    path.write_text("query\taccepted\tkind\nonly-one-column\n")
    with pytest.raises(MedcodesError, match="line 2"):
        read_query_set(path)
