"""NDC forms: every way a person writes an NDC reduces to the 11-digit billing form."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from medcodes.ndc import ndc11, ndc11_candidates
from ndc_forms import written_forms


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("55513-0160-01", ("55513016001",)),
        ("55513016001", ("55513016001",)),
        ("55513-160-01", ("55513016001",)),
        ("55513-0160-1", ("55513016001",)),
        ("0781-3400-95", ("00781340095",)),
        (" n4 55513016001 ", ("55513016001",)),
        ("55513 0160 01", ("55513016001",)),
        ("5551316001", ("05551316001", "55513016001", "55513160001")),
        ("55513-01600-1", ()),  # 5-5-1 is no NDC split
        ("J9039", ()),
        ("GG100", ()),
        ("123456789012", ()),
        ("", ()),
    ],
)
def test_candidates(text: str, expected: tuple[str, ...]) -> None:
    assert ndc11_candidates(text) == expected


def test_ndc11_is_none_when_ambiguous_or_not_an_ndc() -> None:
    assert ndc11("55513-0160-01") == "55513016001"
    assert ndc11("5551316001") is None
    assert ndc11("100TSXS") is None


@given(st.from_regex(r"\d{11}", fullmatch=True))
def test_every_written_form_finds_the_billing_form(ndc: str) -> None:
    for form in written_forms(ndc):
        assert ndc in ndc11_candidates(form)


@given(st.text(max_size=40))
def test_any_text_never_raises(text: str) -> None:
    assert all(len(found) == 11 and found.isdigit() for found in ndc11_candidates(text))
