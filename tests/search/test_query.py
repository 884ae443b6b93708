"""Query understanding, engine-free: code shapes, rewrites, and never an exception."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from medcodes.search.lay_terms import load_lay_terms, phrase_key
from medcodes.search.model import MAX_QUERY_CHARS, MAX_WORDS
from medcodes.search.query import code_shapes, normalise, plan, rewrite


def test_code_shapes() -> None:
    assert code_shapes(" j9039 ")[0].key == "J9039"
    assert code_shapes("e11.9")[0].key == "E119"
    assert code_shapes("E11.")[0].prefix and code_shapes("E11.")[0].dotted
    assert code_shapes("LT")[0].key == "LT"
    assert code_shapes("0dtj4zz")[0].key == "0DTJ4ZZ"
    assert code_shapes("copd") == ()
    assert code_shapes("heart attack") == ()


def test_rewrites_lay_phrases_and_abbreviations() -> None:
    assert rewrite(("heart", "attacks"))[0] == ("acute", "myocardial", "infarction")
    assert rewrite(("high", "bp"))[0] == ("hypertension",)
    assert "atrial" in rewrite(("afib",))[0]


def test_plan_lists_lay_phrases_naming_codes() -> None:
    assert any(codes for _, codes in plan("cpap machine for sleep").lay_codes)


def test_phrase_key_ignores_plurals_and_small_words() -> None:
    assert phrase_key(["ringing", "in", "ears"]) == phrase_key(["ringing", "in", "the", "ear"])


def test_every_lay_term_entry_has_a_rationale() -> None:
    text = (
        __import__("importlib.resources", fromlist=["files"])
        .files("medcodes.search")
        .joinpath("lay_terms.tsv")
        .read_text("utf-8")
    )
    entries = [line for line in text.splitlines() if line and not line.startswith("#")]
    assert len(entries) == len(load_lay_terms()) > 500
    assert all("#" in line for line in entries)


@given(st.text(max_size=400))
@settings(max_examples=400)
def test_plan_never_raises(text: str) -> None:
    result = plan(text)
    assert len(result.text) <= MAX_QUERY_CHARS
    assert result.message or result.words or result.code_shapes


def test_normalise_strips_controls_and_accents() -> None:
    assert normalise("Se\u0301zary\x00\x07 syndrome\n") == "sezary syndrome"
    assert normalise("x" * 10_000) == "x" * MAX_QUERY_CHARS


def test_plan_searches_the_first_words_only() -> None:
    """The work bound: at most MAX_WORDS words; the word being typed is open only when it
    is really the last one typed, not the last one kept."""
    words = ["fracture", "femur", "left", "closed", "initial", "encounter", "displaced"] * 4
    long = plan(" ".join(words))
    assert long.words == tuple(words[:MAX_WORDS])
    assert long.open_words == ()
    assert plan(" ".join(words[:5])).open_words == (4,)


def test_a_repeated_prefix_is_expanded_once() -> None:
    assert plan("0 0 0 0", prefix="all").open_words == (0, 3)
    assert plan("knee pain knee pain", prefix="all").open_words == (0, 1, 3)
