"""The Alpha-Numeric HCPCS workbook reader, on CMS's July 2026 workbook and the January 2026
workbook inside CMS's zip; against the January fixed-width file, field by field."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook

from medcodes.errors import SourceFormatError
from medcodes.sources.files import ReleaseFound
from medcodes.sources.hcpcs import HcpcsRecord, identify_release, parse_hcpcs
from medcodes.sources.hcpcs_workbook import COLUMNS, identify_workbook, parse_hcpcs_workbook

JUL_2026 = "hcpcs/2026-jul/HCPC2026_JUL_ANWEB_06172026.xlsx"
JAN_2026_ZIP = "hcpcs/2026-jan/january-2026-alpha-numeric-hcpcs-file.zip"
JAN_2026_WORKBOOK = r"^HCPC2026_JAN_ANWEB_01122026\.xlsx$"
RELEASE_DAY = date(2026, 1, 1)


@pytest.fixture(scope="module")
def july(sources_dir: Path) -> dict[str, HcpcsRecord]:
    return {r.code: r for r in parse_hcpcs_workbook(sources_dir / JUL_2026)}


@pytest.fixture(scope="module")
def january(sources_dir: Path) -> dict[str, HcpcsRecord]:
    return {r.code: r for r in parse_hcpcs(sources_dir / JAN_2026_ZIP)}


@pytest.fixture(scope="module")
def january_workbook(sources_dir: Path) -> dict[str, HcpcsRecord]:
    records = parse_hcpcs_workbook(sources_dir / JAN_2026_ZIP, JAN_2026_WORKBOOK)
    return {r.code: r for r in records}


@dataclass(frozen=True, slots=True)
class Difference:
    code: str
    field: str
    before: object
    after: object


def comparable(record: HcpcsRecord) -> dict[str, object]:
    """Every field of a record, by layout name, that a release states."""
    values: dict[str, object] = {f.name: f.value for f in record.fields}
    values.update(
        LONG=record.long_description,
        SHORT=record.short_description,
        ADD_DT=record.add_date,
        ACT_EFF_DT=record.action_effective_date,
        TERM_DT=record.termination_date,
        MODIFIER=record.is_modifier,
    )
    return values


def differences(before: dict[str, HcpcsRecord], after: dict[str, HcpcsRecord]) -> list[Difference]:
    """Field by field, for every code in both."""
    found = []
    for code in sorted(before.keys() & after.keys()):
        old, new = comparable(before[code]), comparable(after[code])
        for name in sorted(old.keys() | new.keys()):
            if old.get(name) != new.get(name):
                found.append(Difference(code, name, old.get(name), new.get(name)))
    return found


def test_july_counts_and_new_codes(july: dict[str, HcpcsRecord]) -> None:
    assert sum(not r.is_modifier for r in july.values()) == 8_725
    assert sum(r.is_modifier for r in july.values()) == 384
    a2043, a9574 = july["A2043"], july["A9574"]
    assert a2043.long_description == "Biobrane, per square centimeter"
    assert a2043.add_date == date(2026, 4, 1)
    assert a9574.long_description == "Injection, ferumoxytol, 1 mg"
    assert (a9574.add_date, a9574.action_code) == (date(2026, 7, 1), "A")
    assert july["A1"].is_modifier and july["A1"].long_description == "Dressing for one wound"
    assert july["J9039"].long_description == "Injection, blinatumomab, 1 microgram"


def test_july_adds_102_codes_and_one_modifier(
    july: dict[str, HcpcsRecord], january: dict[str, HcpcsRecord]
) -> None:
    added = [july[c] for c in july.keys() - january.keys()]
    assert not january.keys() - july.keys()
    assert sum(not r.is_modifier for r in added) == 102
    assert sum(r.is_modifier for r in added) == 1
    assert sum(r.add_date == date(2026, 4, 1) for r in added) == 51
    assert sum(r.add_date == date(2026, 7, 1) for r in added) == 41  # 40 codes, 1 modifier


def test_both_formats_of_january_agree(
    january: dict[str, HcpcsRecord], january_workbook: dict[str, HcpcsRecord]
) -> None:
    """CMS's two files of one release, read by the two parsers: the same codes and fields,
    except where CMS's workbook itself leaves a cell blank or adds one (checked by hand)."""
    assert january.keys() == january_workbook.keys()
    found = differences(january, january_workbook)
    blank_effective = [d for d in found if d.field == "ACT_EFF_DT"]
    assert all(d.before and d.after is None for d in blank_effective)
    assert len(blank_effective) == 117
    others = [d for d in found if d.field != "ACT_EFF_DT"]
    assert others == [Difference("C9248", "PRICE3", None, "11")]


# Changes between January and July that no July row marks (ACTION CD N, ACT EFF DT not after
# January): CMS's corrections of the January release, each checked against both files.
SILENT_CORRECTIONS = {
    ("C7567", "LONG"),  # "image-guided naviagation" -> "navigation"
    ("G2211", "LONG"),  # "... home or residence or office/outpatient ... service"
    ("G2211", "ACT_EFF_DT"),  # 2021-01-01 -> 2026-01-01, with that wording
    ("J1572", "ASC_GRP"),  # January corrections file: "Do not terminate" (group restored)
    ("J1572", "ASC_DT"),
    ("J9037", "TOS2"),  # type of service P added
}


def declares_change(record: HcpcsRecord) -> bool:
    """Whether the July row says it changed since January: an action code, a later effective
    date or a termination."""
    return (
        record.action_code != "N"
        or (record.action_effective_date or date.min) > RELEASE_DAY
        or (record.termination_date or date.min) >= RELEASE_DAY
    )


def test_january_fixed_width_against_july_workbook_field_by_field(
    january: dict[str, HcpcsRecord],
    january_workbook: dict[str, HcpcsRecord],
    july: dict[str, HcpcsRecord],
) -> None:
    """Every difference is a real change: declared by the July row, one of the workbook's own
    blanks (the same in January's workbook), or a listed CMS correction; none a parser slip."""
    found = differences(january, july)
    unexplained = []
    for d in found:
        if d.field == "ACTION_CD" or declares_change(july[d.code]):
            continue
        if comparable(january_workbook[d.code]).get(d.field) == d.after:
            continue  # the workbook format, as in January's own workbook
        unexplained.append(d)
    report = "\n".join(f"{d.code} {d.field}: {d.before!r} -> {d.after!r}" for d in found)
    print(f"{len(found)} differences between January (fixed-width) and July (workbook):")
    print(report)
    assert {(d.code, d.field) for d in unexplained} == SILENT_CORRECTIONS, report
    assert len({d.code for d in found}) > 600  # action codes reset to N: the compare ran


def test_identified_by_content(sources_dir: Path) -> None:
    assert identify_workbook(sources_dir / JUL_2026) == ReleaseFound("2026-07", date(2026, 7, 1))
    assert identify_release(sources_dir / JAN_2026_ZIP) == ReleaseFound("2026-01", RELEASE_DAY)
    assert identify_release(sources_dir / "icd10cm/icd10cm_order_2026.txt.gz") is None


def write_workbook(path: Path, header: tuple[str, ...], *rows: tuple[str, ...]) -> Path:
    book = Workbook()
    sheet = book.active
    sheet.title = "HCPC2026_OCT_contr"
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def row_of(**cells: str) -> tuple[str, ...]:
    return tuple(cells.get(name.replace(" ", "_"), "") for name in COLUMNS)


A_ROW = row_of(HCPC="A2043", SEQNUM="0010", RECID="3", LONG_DESCRIPTION="Biobrane, per sq cm")


def test_hand_written_workbook_reads(tmp_path: Path) -> None:
    path = write_workbook(tmp_path / "any-name.xlsx", COLUMNS, A_ROW)
    assert identify_workbook(path) == ReleaseFound("2026-10", date(2026, 10, 1))
    (record,) = parse_hcpcs_workbook(path)
    assert (record.code, record.long_description, record.line) == (
        "A2043",
        "Biobrane, per sq cm",
        2,
    )


def test_missing_column_names_file_row_and_column(tmp_path: Path) -> None:
    header = tuple(name for name in COLUMNS if name != "BETOS")
    path = write_workbook(tmp_path / "hcpcs.xlsx", header, A_ROW[:-1])
    with pytest.raises(SourceFormatError) as error:
        parse_hcpcs_workbook(path)
    message = str(error.value)
    assert "hcpcs.xlsx" in message and "row 1" in message and "BETOS" in message


def test_bad_cell_names_its_row(tmp_path: Path) -> None:
    bad = row_of(HCPC="A2043", RECID="3", LONG_DESCRIPTION="x", BETOS="ZZZ")
    path = write_workbook(tmp_path / "hcpcs.xlsx", COLUMNS, A_ROW, bad)
    with pytest.raises(SourceFormatError, match=r"sheet HCPC2026_OCT_contr, row 3: .*'ZZZ'"):
        parse_hcpcs_workbook(path)


def test_corrupt_workbook_is_named(sources_dir: Path, tmp_path: Path) -> None:
    path = tmp_path / "hcpcs.xlsx"
    path.write_bytes((sources_dir / JUL_2026).read_bytes()[:200_000])
    with pytest.raises(SourceFormatError, match="hcpcs.xlsx: not a readable .xlsx workbook"):
        identify_workbook(path)
