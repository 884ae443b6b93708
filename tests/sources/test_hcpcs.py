"""The Alpha-Numeric HCPCS parser: real CMS releases read in place, malformed input hand-written."""

from __future__ import annotations

import contextlib
import gzip
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from medcodes.errors import SourceFormatError, SourcesMissing
from medcodes.sources.hcpcs import HcpcsRecord, parse_hcpcs, parse_processing_notes

JAN_2026_ZIP = "hcpcs/2026-jan/january-2026-alpha-numeric-hcpcs-file.zip"
JAN_2026_GZ = "hcpcs/2026-jan/HCPC2026_JAN_ANWEB_01122026.txt.gz"
HISTORY = [
    f"hcpcs/history/{year}-Alpha-Numeric-HCPCS-File.zip" for year in (2017, 2018, 2019, 2020)
]


@pytest.fixture(scope="module")
def jan2026(sources_dir: Path) -> list[HcpcsRecord]:
    return parse_hcpcs(sources_dir / JAN_2026_ZIP)


def by_code(records: list[HcpcsRecord]) -> dict[str, HcpcsRecord]:
    return {record.code: record for record in records}


def fields_of(record: HcpcsRecord) -> dict[str, tuple[str, str]]:
    return {f.name: (f.value, f.meaning) for f in record.fields}


# --- the real January 2026 release ---------------------------------------------------------


def test_jan2026_counts(jan2026: list[HcpcsRecord]) -> None:
    procedures = [r for r in jan2026 if not r.is_modifier]
    modifiers = [r for r in jan2026 if r.is_modifier]
    assert len(procedures) == 8623
    assert len(modifiers) == 383
    assert sum(1 for r in jan2026 if r.termination_date) == 1320
    assert len(by_code(jan2026)) == len(jan2026)
    assert all(len(r.code) == 5 for r in procedures)
    assert all(len(r.code) == 2 for r in modifiers)


def test_gz_and_zip_give_the_same_records(sources_dir: Path, jan2026: list[HcpcsRecord]) -> None:
    assert parse_hcpcs(sources_dir / JAN_2026_GZ) == jan2026


def test_j9039(jan2026: list[HcpcsRecord]) -> None:
    record = by_code(jan2026)["J9039"]
    assert record.long_description == "Injection, blinatumomab, 1 microgram"
    assert record.short_description == "Injection, blinatumomab"
    assert record.add_date == date(2016, 1, 1)
    assert record.termination_date is None
    assert record.action_code == "N"
    assert not record.is_modifier
    fields = fields_of(record)
    assert fields["PRICE1"] == ("51", "Drugs")
    assert fields["MULT_PI"] == ("A", "Not applicable as HCPCS priced under one methodology")
    assert fields["COV"] == ("C", "Carrier judgment")
    assert fields["BETOS"] == ("O1D", "Chemotherapy")
    assert fields["TOS1"] == ("1", "Medical care")
    assert fields["TOS2"] == ("P", "Lump sum purchase of DME, prosthetics, orthotics")
    assert fields["ASC_GRP"] == ("YY", "Approved to be performed in an ambulatory surgical center")
    assert fields["ACTION_CD"] == ("N", "No maintenance for this code")
    assert [f.label for f in record.fields][:3] == [
        "Pricing indicator",
        "Multiple pricing indicator",
        "Coverage code",
    ]


def test_c9449_terminated_with_xref(jan2026: list[HcpcsRecord]) -> None:
    record = by_code(jan2026)["C9449"]
    assert record.termination_date == date(2015, 12, 31)
    assert record.xrefs == ("J9039",)
    assert fields_of(record)["XREF1"] == ("J9039", "")


def test_continuation_lines_join_long_description(jan2026: list[HcpcsRecord]) -> None:
    record = by_code(jan2026)["AB"]
    assert record.is_modifier
    assert record.long_description.startswith(
        "Audiology service furnished personally by an audiologist without a physician/npp order"
    )
    assert record.long_description.endswith("every 12 months, per beneficiary")
    assert "  " not in record.long_description


def test_every_coded_field_is_decoded(jan2026: list[HcpcsRecord]) -> None:
    coded = ("PRICE", "MULT_PI", "COV", "BETOS", "TOS", "ASC_GRP", "LABCERT", "ACTION_CD")
    decoded = [f for r in jan2026 for f in r.fields if f.name.startswith(coded)]
    assert decoded and all(f.meaning for f in decoded)


# --- the older annual releases -------------------------------------------------------------


@pytest.mark.parametrize("name", HISTORY)
def test_history_release_parses(sources_dir: Path, name: str) -> None:
    records = by_code(parse_hcpcs(sources_dir / name))
    assert records["J9039"].long_description == "Injection, blinatumomab, 1 microgram"
    assert records["C9449"].xrefs == ("J9039",)
    assert records["C9449"].termination_date == date(2015, 12, 31)


def test_2018_shifted_asc_date_is_realigned(sources_dir: Path) -> None:
    record = by_code(parse_hcpcs(sources_dir / HISTORY[1]))["C9488"]
    fields = fields_of(record)
    assert fields["ASC_DT"] == ("20170401", "")
    assert "ASC_GRP" not in fields


# --- processing notes ----------------------------------------------------------------------


def test_processing_notes(sources_dir: Path) -> None:
    notes = parse_processing_notes(sources_dir / "hcpcs/2026-jan/proc_notes_JAN2026.txt")
    assert len(notes) == 234
    assert notes["0001"] == "THIS PROCESSING NOTE DELETED 1/1/97."
    assert notes["0002"] == (
        "THESE CODES (82585, 82595) PERTAIN TO PERFORMING THE ANALYSIS FOR THE "
        "ANALYTE AS OPPOSED TO ADMINISTRATION OF THE ANALYTE."
    )
    assert all(text and "*" not in text[-1:] for text in notes.values())
    assert parse_processing_notes(sources_dir / JAN_2026_ZIP) == notes


def test_every_procnote_of_jan2026_has_a_note(
    sources_dir: Path, jan2026: list[HcpcsRecord]
) -> None:
    notes = parse_processing_notes(sources_dir / JAN_2026_ZIP)
    referenced = {f.value for r in jan2026 for f in r.fields if f.name == "PROCNOTE"}
    assert referenced <= notes.keys()


# --- hand-written input ----------------------------------------------------------------------


def put(line: str, column: int, text: str) -> str:
    """Place `text` at 1-based `column` of a 320-character line."""
    return line[: column - 1] + text + line[column - 1 + len(text) :]


def record_line(code: str = "J9039", ric: str = "3", **columns: str) -> str:
    """A valid procedure (or modifier) first line; `columns` maps "c<col>" to replacement text."""
    line = " " * 320
    line = put(line, 1, code.rjust(5) if len(code) == 2 else code)
    line = put(line, 6, "00100" + ric)
    line = put(line, 12, "Injection, blinatumomab, 1 microgram")
    line = put(line, 92, "Injection, blinatumomab")
    if ric == "3":
        line = put(line, 120, "51      A")
        line = put(line, 230, "C")
        line = put(line, 257, "O1D 1P     0")
    line = put(line, 269, "201601012016010120251231N")
    for key, text in columns.items():
        line = put(line, int(key[1:]), text)
    return line


def continuation(code: str = "J9039", ric: str = "4", text: str = "more words") -> str:
    return put(put(put(" " * 320, 1, code.rjust(5)), 6, "00200" + ric), 12, text)


def write(tmp_path: Path, lines: list[str], name: str = "hcpcs.txt") -> Path:
    path = tmp_path / name
    path.write_text("".join(line + "\r\n" for line in lines), encoding="latin-1")
    return path


def test_hand_written_record_decodes(tmp_path: Path) -> None:
    lines = ["***Disclaimers", "", record_line(), continuation(), " " * 296, record_line("LT", "7")]
    first, modifier = parse_hcpcs(write(tmp_path, lines))
    assert first.line == 3
    assert first.long_description == "Injection, blinatumomab, 1 microgram more words"
    assert first.termination_date == date(2025, 12, 31)
    assert modifier.code == "LT" and modifier.is_modifier and modifier.line == 6


def test_trimmed_and_blank_padded_lines_are_accepted(tmp_path: Path) -> None:
    lines = [record_line().rstrip(), continuation()[:91], record_line("J9040") + " " * 200]
    assert [r.code for r in parse_hcpcs(write(tmp_path, lines))] == ["J9039", "J9040"]


@pytest.mark.parametrize(
    ("lines", "line", "problem"),
    [
        ([record_line(), record_line("J9040")[:250]], 2, "record too short"),
        ([record_line(), record_line("J9040") + "x"], 2, "longer than 320"),
        ([record_line(), "J9040001009" + "x" * 309], 2, "unknown record identification code"),
        ([record_line(), "J9040"], 2, "not a HCPCS record"),
        ([continuation()], 1, "no record before"),
        ([record_line(), continuation("J9040")], 2, "follows record J9039"),
        ([record_line("LT", "7"), continuation("LT", "4")], 2, "follows record LT"),
        ([record_line(), continuation(text="")], 2, "has no description"),
        ([record_line(), put(continuation(), 120, "51")], 2, "data after column 91"),
        ([record_line(c269="20161301")], 1, "invalid date '20161301' in ADD_DT"),
        ([record_line(c285="2025123x")], 1, "invalid date '2025123x' in TERM_DT"),
        ([record_line(c120="77")], 1, "unknown coded value '77' for field PRICE1"),
        ([record_line(c230="X")], 1, "unknown coded value 'X' for field COV"),
        ([record_line(c257="Q9Q")], 1, "unknown coded value 'Q9Q' for field BETOS"),
        ([record_line(c293="Z")], 1, "unknown coded value 'Z' for field ACTION_CD"),
        ([record_line(c266=" x0")], 1, "anesthesia base units"),
        ([record_line("J 039")], 1, "not a valid procedure code"),
        ([record_line("1LT", "7")], 1, "not a valid modifier"),
        ([], 1, "no HCPCS records"),
        (["***Disclaimers", "", "text"], 3, "no HCPCS records"),
    ],
)
def test_malformed_input_names_file_and_line(
    tmp_path: Path, lines: list[str], line: int, problem: str
) -> None:
    path = write(tmp_path, lines)
    with pytest.raises(SourceFormatError) as caught:
        parse_hcpcs(path)
    message = str(caught.value)
    assert message.startswith(f"{path}, line {line}: ")
    assert problem in message


def test_truncated_gzip(tmp_path: Path) -> None:
    path = tmp_path / "hcpcs.txt.gz"
    path.write_bytes(gzip.compress((record_line() + "\r\n").encode() * 50)[:-30])
    with pytest.raises(SourceFormatError, match="cannot read"):
        parse_hcpcs(path)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(SourcesMissing):
        parse_hcpcs(tmp_path / "absent.zip")


def test_processing_notes_malformed(tmp_path: Path) -> None:
    with pytest.raises(SourceFormatError, match=r"line 3: processing note 0001 appears twice"):
        parse_processing_notes(write(tmp_path, ["  0001--A.  *", "  B", "  0001--C"]))
    with pytest.raises(SourceFormatError, match=r"line 2: no processing notes"):
        parse_processing_notes(write(tmp_path, ["PROCESSING NOTES", "____"]))


_LINES = st.one_of(
    st.text(st.characters(exclude_categories=("Cs",)), max_size=400),
    st.builds(
        lambda line, column, text: put(line, column, text)[: column + 300],
        st.sampled_from([record_line(), continuation(), record_line("LT", "7")]),
        st.integers(1, 330),
        st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=12),
    ),
)


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(_LINES, max_size=8))
def test_arbitrary_lines_raise_only_source_format_error(tmp_path: Path, lines: list[str]) -> None:
    path = tmp_path / "fuzz.txt"
    path.write_text("\n".join(lines), encoding="utf-8")
    with contextlib.suppress(SourceFormatError):
        parse_hcpcs(path)
