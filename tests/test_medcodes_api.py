"""The library facade on the real catalog: its docstring examples run as tests, then what the
examples do not show (errors, argument checks, one JSON shape)."""

from __future__ import annotations

import doctest
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

import medcodes.api
from medcodes import Medcodes
from medcodes.errors import BadQuery, CatalogMissing, UnknownCode


@pytest.fixture(scope="module")
def codes(built_catalog: Path) -> Iterator[Medcodes]:
    with Medcodes(built_catalog) as opened:
        yield opened


def test_docstring_examples_run(
    built_catalog: Path, codes: Medcodes, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every example in medcodes.api's docstrings, with `Medcodes()` opening the test catalog
    through MEDCODES_CATALOG as a user's would."""
    monkeypatch.setenv("MEDCODES_CATALOG", str(built_catalog))
    failed, tried = doctest.testmod(
        medcodes.api, extraglobs={"mc": codes}, optionflags=doctest.ELLIPSIS, report=True
    )
    assert tried >= 15
    assert failed == 0


def test_docs_python_examples_run(built_catalog: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """docs/python.md shows real calls with their real answers."""
    monkeypatch.setenv("MEDCODES_CATALOG", str(built_catalog))
    docs = Path(__file__).resolve().parents[1] / "docs" / "python.md"
    failed, tried = doctest.testfile(str(docs), module_relative=False, report=True)
    assert tried >= 25
    assert failed == 0


def test_missing_catalog_names_the_fix(tmp_path: Path) -> None:
    with pytest.raises(CatalogMissing, match="run `medcodes build` first"):
        Medcodes(tmp_path / "none.db")


def test_default_path_follows_the_environment(
    built_catalog: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MEDCODES_CATALOG", str(built_catalog))
    with Medcodes() as opened:
        assert opened.path == built_catalog


def test_unknown_code_carries_suggestions(codes: Medcodes) -> None:
    with pytest.raises(UnknownCode) as caught:
        codes.code("J9093")
    assert caught.value.suggestions and all(s.startswith("J90") for s in caught.value.suggestions)


@pytest.mark.parametrize(
    "call",
    [
        lambda c: c.code(""),
        lambda c: c.code("x" * 10_000),
        lambda c: c.code("J9039", system="CPT"),
        lambda c: c.search("x", limit=0),
        lambda c: c.search("x", active_on="yesterday"),
        lambda c: c.search("x", systems=[3]),
        lambda c: c.validate([]),
        lambda c: c.validate(["E11.9"], on="07/01/2026"),
        lambda c: c.validate([None]),
        lambda c: c.release_changes("ICD10CM", "FY1999"),
        lambda c: c.similar("J9039", limit=0),
    ],
)
def test_bad_arguments_are_bad_queries(codes: Medcodes, call) -> None:
    with pytest.raises(BadQuery):
        call(codes)


def test_validate_by_dates(codes: Medcodes) -> None:
    """The issue's four codes on 2026-07-01, and a code that starts after that day."""
    answers = codes.validate(["E11.9", "E119", "J9093", "C9449", "C78.31"], on="2026-07-01")
    verdicts = [(a.verdict, a.code) for a in answers]
    assert verdicts == [
        ("valid", "E11.9"),
        ("not canonical", "E11.9"),
        ("unknown", None),
        ("ended", "C9449"),
        ("not yet valid", "C78.31"),
    ]
    assert answers[2].suggestions and answers[3].valid_to == "2015-12-31"
    assert answers[0].release == "FY2026"  # FY2027 takes effect on 2026-10-01
    assert codes.validate(["C78.31"], on="2026-10-01")[0].verdict == "valid"
    header = codes.validate(["E11"], on="2026-07-01")[0]
    assert header.verdict == "not billable" and "E11.0" in header.suggestions


def test_results_serialise_to_json_types(codes: Medcodes) -> None:
    for answer in (
        codes.search("blincyto"),
        codes.code("J9039"),
        codes.explain("J9039"),
        codes.policies("J9035"),
        codes.similar("J9039"),
        codes.history("C9449"),
        codes.validate(["E11.9"])[0],
        codes.manifest,
    ):
        data = answer.to_dict()
        assert json.loads(json.dumps(data)) == data


def test_readiness_needs_an_open_catalog_and_a_warm_index(built_catalog: Path) -> None:
    codes = Medcodes(built_catalog)
    assert not codes.readiness().ready and codes.readiness().warmup_ms is None
    assert codes.warm() > 0
    assert codes.readiness().ready and codes.readiness().build_id == codes.manifest.build_id
    codes.close()
    closed = codes.readiness()
    assert not closed.ready and not closed.catalog_open
