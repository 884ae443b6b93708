"""Related policies on the real catalog, and range expansion as properties."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from medcodes.catalog.load_policies import CodeIndex, spec_rows, spec_system
from medcodes.catalog.policies import UnknownPolicy, policies_for, policy_codes
from medcodes.catalog.read import Catalog
from medcodes.sources.coverage import CodeSpec, parse_code_field


def test_j9039_lists_fep_blincyto(catalog: Catalog) -> None:
    links = policies_for(catalog, catalog.get("J9039"))
    fep = [link for link in links if link.policy.id == "FEP-5.21.51"]
    assert fep and fep[0].policy.title == "Blincyto (blinatumomab)"
    assert (fep[0].reason, fep[0].policy.owner, fep[0].policy.owner_type) == (
        "listed",
        "FEP Blue",
        "health-plan",
    )


def test_j9035_lists_article_a52370_first(catalog: Catalog) -> None:
    links = policies_for(catalog, catalog.get("J9035"))
    assert links[0].policy.id == "A52370"
    assert links[0].policy.owner_type == "medicare"
    assert links[0].policy.title == "Billing and Coding: Bevacizumab and biosimilars"
    assert links[0].policy.url and "articleid=52370" in links[0].policy.url
    owners = [link.policy.owner_type for link in links]
    assert owners == sorted(owners, key=lambda o: o != "medicare")  # Medicare before plans


def test_topic_matches_are_labelled(catalog: Catalog) -> None:
    topical = [link for link in policies_for(catalog, catalog.get("J9035")) if link.topic_only]
    assert topical, "an intraocular bevacizumab article names the drug without listing J9035"
    assert all("bevacizumab" in link.policy.title.casefold() for link in topical)
    assert all("topic" in link.why for link in topical)


def test_range_membership_is_the_reason(catalog: Catalog) -> None:
    links = policies_for(catalog, catalog.get("E11.9"))
    chelation = next(link for link in links if link.policy.id == "FEP-8.01.02")
    assert (chelation.reason, chelation.listed_as) == ("in-range", "E08.00-E13.9")


def test_policy_codes_keeps_cpt_numbers_without_text(catalog: Catalog) -> None:
    codes = policy_codes(catalog, "fep-8.01.02")  # any case
    cpt = [c for c in codes.codes if c.system == "CPT"]
    assert {"96365", "96374"} <= {c.code for c in cpt}
    assert all(c.title is None for c in cpt)
    assert codes.codes[0].reason == "listed" and codes.total > 100


def test_unknown_policy_names_the_id_forms(catalog: Catalog) -> None:
    try:
        policy_codes(catalog, "X-1")
    except UnknownPolicy as exc:
        assert "FEP-5.21.51" in str(exc)
    else:
        raise AssertionError("no error")


def test_malformed_rows_are_counted_warnings(catalog: Catalog) -> None:
    warnings = catalog.meta()["warnings"]
    assert "fep_blue_medical_policies_2021-03.csv, line 41: codes not understood" in warnings
    assert "'M05.561-M05.469' runs backwards" in warnings


# --- range expansion (pure, on hand-written keys) -------------------------------------------
HCPCS_KEYS = st.from_regex(r"[A-Z][0-9]{4}", fullmatch=True)
ICD_KEYS = st.from_regex(r"[A-Z][0-9][0-9A-Z](\.[0-9A-Z]{1,4})?", fullmatch=True)


def _index(codes: list[str]) -> CodeIndex:
    return CodeIndex(
        (c.replace(".", ""), n, c, len(c.replace(".", "")) >= 5) for n, c in enumerate(codes)
    )


@given(st.lists(ICD_KEYS, unique=True, max_size=60), ICD_KEYS, ICD_KEYS)
def test_in_range_is_keys_between_with_last_as_prefix(
    codes: list[str], first: str, last: str
) -> None:
    index = _index(codes)
    a, b = first.replace(".", ""), last.replace(".", "")
    expected = sorted(c.replace(".", "") for c in codes if a <= c.replace(".", "") and (
        c.replace(".", "") <= b or c.replace(".", "").startswith(b)
    ))  # fmt: skip
    assert [row[0] for row in index.in_range(first, last)] == expected


@given(st.lists(HCPCS_KEYS, unique=True, min_size=1, max_size=60), st.data())
def test_parsed_range_expands_to_its_own_ends(codes: list[str], data: st.DataObject) -> None:
    first, last = sorted(data.draw(st.lists(st.sampled_from(codes), min_size=2, max_size=2)))
    specs, problems = parse_code_field(f" {first} -  {last} , No CPT")
    assert problems == [] and specs[0] == CodeSpec("range", first, last) or first == last
    if first == last:
        return
    rows = list(spec_rows("P", specs[0], {"HCPCS": _index(codes)}, "test"))
    found = [row.code for row in rows]
    assert found[0] == first and found[-1] == last
    assert all(row.reason == "in-range" and row.listed_as == f"{first}-{last}" for row in rows)
    assert found == sorted(c for c in codes if first <= c <= last)


@given(st.from_regex(r"[0-9]{4}[0-9TU]", fullmatch=True))
def test_cpt_numbers_link_to_nothing(number: str) -> None:
    assert spec_system(number) == "CPT"
    (row,) = spec_rows("P", CodeSpec("cpt", number, number), {}, "test")
    assert (row.code_id, row.system, row.code) == (None, "CPT", number)


def test_listed_header_takes_the_codes_below_it() -> None:
    index = _index(["C91", "C91.0", "C91.00", "C91.01", "C91.1", "C92.00"])
    rows = list(spec_rows("P", CodeSpec("code", "C91.0", "C91.0"), {"ICD10CM": index}, "t"))
    assert [(r.code, r.reason) for r in rows] == [
        ("C91.0", "listed"),
        ("C91.00", "in-range"),
        ("C91.01", "in-range"),
    ]
