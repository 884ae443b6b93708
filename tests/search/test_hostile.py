"""Hostile input through the engine in process: bench/fuzz.py's in-process run, smaller (the
full 100,000 queries and their timings are the bench's). Every query answers, none raises."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.append(str(ROOT / "bench"))  # last: bench/http.py must not shadow the stdlib's http

import fuzz  # noqa: E402
from hostile import Hostile  # noqa: E402

from medcodes import Medcodes  # noqa: E402

QUERIES = 8_000  # every kind 1,000 times; about 15 s


@pytest.fixture(scope="module")
def codes(built_catalog: Path) -> Medcodes:
    with Medcodes(built_catalog, preload=True) as opened:
        yield opened


def test_generator_is_seeded_and_covers_every_kind() -> None:
    first = list(Hostile(7).queries(400))
    assert first == list(Hostile(7).queries(400))
    assert first != list(Hostile(8).queries(400))
    assert {kind for kind, _ in first} == set(Hostile().kinds)
    texts = [text for _, text in first]
    assert any(len(text) == 10_000 for text in texts)
    assert any("\ud800" <= char <= "\udfff" for text in texts for char in text)  # surrogates
    assert any(char < " " for text in texts for char in text)


def test_hostile_queries_answer_and_never_raise(codes: Medcodes) -> None:
    report = fuzz.fuzz_engine(codes, QUERIES, seed=20261201)
    report.print()
    assert report.failures == []
    assert sum(report.outcomes.values()) == QUERIES
