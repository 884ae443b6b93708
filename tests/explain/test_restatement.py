"""The restatement check on hand-written sentences: it flags what only repeats the title or the
parent's, and lets through what adds a definition, a term, a code or an instruction."""

from __future__ import annotations

import pytest

from medcodes.catalog.read import Code
from medcodes.explain.restatement import content_words, own_words, restates, sentences


def code(text: str, title: str) -> Code:
    return Code(
        1, "X", text, "code", "", title, True, None, 0, "active", None, None, None, None, "s"
    )


SE = own_words(code("SE", "State and/or federally-funded programs/services"), None)
PCS = own_words(
    code("0X0B3KZ", "Alteration of Right Elbow Region with Nonautologous Tissue Substitute"),
    code("0X0", "Anatomical Regions, Upper Extremities, Alteration"),
)


@pytest.mark.parametrize(
    ("sentence", "known"),
    [
        ("Modifier SE signals: State and/or federally-funded programs/services.", SE),
        ("Device Nonautologous Tissue Substitute.", PCS),
        ("It sits under 0X0 Anatomical Regions, Upper Extremities, Alteration.", PCS),
        ("0X0B3KZ is an ICD-10-PCS code: Alteration of Right Elbow Region.", PCS),
    ],
)
def test_restating_sentences_are_flagged(sentence: str, known: set[str]) -> None:
    assert restates(sentence, known)


@pytest.mark.parametrize(
    "sentence",
    [
        "Root operation Alteration: principal purpose is to improve appearance.",
        "Device Nonautologous Tissue Substitute: the Device Key lists under it: Fish skin.",
        "Not valid on a claim: it is a header; report one of the codes below it.",
        "Code also any associated open wound (S61.-).",
    ],
)
def test_sentences_that_add_are_not(sentence: str) -> None:
    assert not restates(sentence, PCS)


def test_words_and_sentences() -> None:
    assert content_words("The Devices of the codes") == {"device"}
    assert content_words("Coronary Arteries") == content_words("coronary artery")
    assert sentences("One (A). Two: B. three") == ["One (A).", "Two: B. three"]
