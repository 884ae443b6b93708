"""Release diffs on the real catalog: July 2026 HCPCS against January, composed steps."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from medcodes.catalog.diff import (
    ReleaseDiff,
    UnknownRelease,
    classify,
    consecutive_diffs,
    diff_releases,
)
from medcodes.catalog.read import Catalog
from medcodes.sources.hcpcs import parse_hcpcs
from medcodes.sources.hcpcs_workbook import parse_hcpcs_workbook

HCPCS_2020 = "hcpcs/history/2020-Alpha-Numeric-HCPCS-File.zip"
JULY = "hcpcs/2026-jul/HCPC2026_JUL_ANWEB_06172026.xlsx"
JULY_1 = date(2026, 7, 1)
JAN_2020 = date(2020, 1, 1)


@pytest.fixture(scope="module")
def cat(built_catalog: Path) -> Catalog:
    with Catalog(built_catalog) as catalog:
        yield catalog


def test_july_2026_adds_102_codes_and_one_modifier(cat: Catalog) -> None:
    by_system = {d.system: d for d in diff_releases(cat, "2026-01", "2026-07")}
    assert set(by_system) == {"HCPCS", "HCPCS-MOD"}
    codes = by_system["HCPCS"]
    assert len(codes.added) == 102
    added = {c.code: c for c in codes.added}
    assert added["A2043"].new_title == "Biobrane, per square centimeter"
    assert added["A2043"].added_date == "2026-04-01"
    assert added["A9574"].added_date == "2026-07-01"
    assert sum(c.added_date == "2026-04-01" for c in codes.added) == 51
    # 40 codes and the one new modifier take effect on July 1 (41 additions with that ADD DT)
    assert sum(c.added_date == "2026-07-01" for c in codes.added) == 40
    assert [c.code for c in codes.added] == sorted(added)  # official order
    (modifier,) = by_system["HCPCS-MOD"].added
    assert modifier.added_date == "2026-07-01"
    redescribed = {c.code: c for c in codes.redescribed}
    assert redescribed["C7567"].old_title.endswith("naviagation")
    assert redescribed["C7567"].new_title.endswith("navigation")
    assert all(c.old_title != c.new_title for c in codes.redescribed)
    # ended: valid in January, terminated before July (TERM DT in the July workbook)
    assert codes.ended and all(c.terminated_date < "2026-07-01" for c in codes.ended)


def test_system_filter_and_unknown_release(cat: Catalog) -> None:
    (only,) = diff_releases(cat, "2026-01", "2026-07", "HCPCS")
    assert only.system == "HCPCS"
    with pytest.raises(UnknownRelease, match="2026-04"):
        diff_releases(cat, "2026-01", "2026-04")
    with pytest.raises(UnknownRelease, match="FY2027"):
        diff_releases(cat, "2026-01", "2026-07", "ICD10CM")


def test_composed_diff_equals_comparing_the_two_files(cat: Catalog, sources_dir: Path) -> None:
    """2020-01 -> 2026-07 composes two steps (via 2026-01); it must equal comparing the 2020
    file with the July workbook directly."""
    old = {r.code: r for r in parse_hcpcs(sources_dir / HCPCS_2020) if not r.is_modifier}
    new = {r.code: r for r in parse_hcpcs_workbook(sources_dir / JULY) if not r.is_modifier}
    (whole,) = diff_releases(cat, "2020-01", "2026-07", "HCPCS")
    assert {c.code for c in whole.added} == new.keys() - old.keys()
    valid_in_2020 = {c for c, r in old.items() if (r.termination_date or date.max) >= JAN_2020}
    valid_in_july = {c for c, r in new.items() if (r.termination_date or date.max) >= JULY_1}
    ended = valid_in_2020 - valid_in_july
    assert {c.code for c in whole.ended} == ended
    both = old.keys() & new.keys()
    reworded = {c for c in both if old[c].long_description != new[c].long_description}
    assert {c.code for c in whole.redescribed} == reworded - ended  # an ended code is "ended"
    assert len(whole.added) > 1500 and len(whole.redescribed) > 300


def test_backwards_diff_swaps_added_and_ended(cat: Catalog) -> None:
    (forward,) = diff_releases(cat, "FY2026", "FY2027", "ICD10CM")
    (backward,) = diff_releases(cat, "FY2027", "FY2026", "ICD10CM")
    assert {c.code for c in forward.added} == {c.code for c in backward.ended}
    assert {c.code for c in forward.ended} == {c.code for c in backward.added}
    assert len(forward.added) > 100


def test_consecutive_diffs_newest_first(cat: Catalog) -> None:
    pairs = [(d.before, d.after) for d in consecutive_diffs(cat, "HCPCS")]
    assert pairs[0] == ("2026-01", "2026-07")
    assert pairs[-1] == ("2017-01", "2018-01")
    assert isinstance(consecutive_diffs(cat, "ICD10PCS")[0], ReleaseDiff)


@pytest.mark.parametrize(
    ("old_state", "new_state", "old_title", "new_title", "kind"),
    [
        ("", "active", "", "x", "added"),
        ("active", "", "x", "", "ended"),
        ("active", "ended", "x", "x", "ended"),
        ("active", "active", "x", "y", "redescribed"),
        ("ended", "ended", "x", "y", "redescribed"),
        ("", "", "", "", None),
        ("active", "active", "x", "x", None),
    ],
)
def test_classify(
    old_state: str, new_state: str, old_title: str, new_title: str, kind: str
) -> None:
    assert classify(old_state, new_state, old_title, new_title) == kind
