"""ICD-10-PCS tables, definitions and order addenda: the real CMS files, then malformed input."""

from __future__ import annotations

import gzip
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from medcodes.errors import SourceFormatError
from medcodes.sources.icd10pcs import (
    PcsTable,
    decode_code,
    parse_definitions,
    parse_order_addenda,
    parse_tables,
)
from medcodes.sources.order_file import parse_order_file


@pytest.fixture(scope="module")
def pcs_dir(sources_dir: Path) -> Path:
    return sources_dir / "icd10pcs"


@pytest.fixture(scope="module")
def tables_2026(pcs_dir: Path) -> dict[str, PcsTable]:
    return {table.prefix: table for table in parse_tables(pcs_dir / "icd10pcs_tables_2026.xml.gz")}


def test_tables_2026_match_order_file_headers(pcs_dir: Path) -> None:
    """(Their parse time is a figure of bench/tabular.py, not a timed assertion.)"""
    tables = parse_tables(pcs_dir / "icd10pcs_tables_2026.xml.gz")
    headers = [
        r.code for r in parse_order_file(pcs_dir / "icd10pcs_order_2026.txt.gz") if not r.billable
    ]
    assert len(tables) == len(headers) == 914
    assert {table.prefix for table in tables} == set(headers)


@pytest.mark.parametrize("year", [2025, 2026])
def test_every_billable_code_decodes(pcs_dir: Path, year: int) -> None:
    tables = {t.prefix: t for t in parse_tables(pcs_dir / f"icd10pcs_tables_{year}.xml.gz")}
    order = pcs_dir / f"icd10pcs_order_{year}.txt.gz"
    codes = [record.code for record in parse_order_file(order) if record.billable]
    assert len(codes) == {2025: 78_948, 2026: 79_115}[year]
    decoded = [decode_code(tables, code) for code in codes]
    assert all(
        "".join(v.char for v in values) == code for values, code in zip(decoded, codes, strict=True)
    )
    allowed = sum(
        len(row.axes[0]) * len(row.axes[1]) * len(row.axes[2]) * len(row.axes[3])
        for table in tables.values()
        for row in table.rows
    )
    assert allowed == len(codes)


def test_appendix_resection_decodes_to_its_seven_axes(tables_2026: dict[str, PcsTable]) -> None:
    values = decode_code(tables_2026, "0DTJ4ZZ")
    assert [(v.position, v.title, v.char, v.label) for v in values] == [
        (1, "Section", "0", "Medical and Surgical"),
        (2, "Body System", "D", "Gastrointestinal System"),
        (3, "Operation", "T", "Resection"),
        (4, "Body Part", "J", "Appendix"),
        (5, "Approach", "4", "Percutaneous Endoscopic"),
        (6, "Device", "Z", "No Device"),
        (7, "Qualifier", "Z", "No Qualifier"),
    ]
    assert values[2].definition == "Cutting out or off, without replacement, all of a body part"
    assert all(v.definition == "" for v in values if v.position != 3)


def test_axis_titles_are_the_sections_own(tables_2026: dict[str, PcsTable]) -> None:
    titles = {
        value.title
        for table in tables_2026.values()
        for row in table.rows
        for values in row.axes
        for value in values
    }
    assert {"Body Region", "Substance", "Body System / Region", "Contrast"} <= titles
    assert tables_2026["B02"].axes[2].title == "Type"


@pytest.mark.parametrize("code", ["0DTJ4Z", "0DTJ4ZZZ", "QQQJ4ZZ", "0DTJXZZ", "0DTJ4ZY"])
def test_invalid_codes_raise_value_error(tables_2026: dict[str, PcsTable], code: str) -> None:
    with pytest.raises(ValueError):
        decode_code(tables_2026, code)


def test_definitions_match_the_tables(pcs_dir: Path, tables_2026: dict[str, PcsTable]) -> None:
    definitions = parse_definitions(pcs_dir / "icd10pcs_definitions_2026.xml")
    assert len(definitions) == 1090
    assert sum(1 for d in definitions if d.definition) == 323
    by_term = {(d.section, d.axis_position, d.term): d for d in definitions}
    resection = by_term[("0", 3, "Resection")]
    assert resection.definition == decode_code(tables_2026, "0DTJ4ZZ")[2].definition
    assert resection.axis_title == "Operation"
    approach = by_term[("0", 5, "Percutaneous Endoscopic")]
    assert approach.definition.startswith("Entry, by puncture or minor incision")
    assert "Hallux" in by_term[("0", 4, "1st Toe, Left")].includes
    assert by_term[("0", 4, "1st Toe, Right")].includes == ("Hallux",)


def test_definitions_2025_parse(pcs_dir: Path) -> None:
    definitions = parse_definitions(pcs_dir / "icd10pcs_definitions_2025.xml")
    assert len(definitions) == 1066
    assert len({d.section for d in definitions}) == 16


@pytest.mark.parametrize(
    ("year", "adds", "deletes", "revisions"), [(2025, 374, 61, 0), (2026, 160, 27, 2)]
)
def test_order_addenda(pcs_dir: Path, year: int, adds: int, deletes: int, revisions: int) -> None:
    changes = parse_order_addenda(pcs_dir / f"icd10pcs_order_addenda_{year}.txt")
    actions = [change.action for change in changes]
    assert actions.count("Add") == adds
    assert actions.count("Delete") == deletes
    assert actions.count("Revise from") + actions.count("Revise to") == revisions


def test_order_addenda_from_the_cms_zip(pcs_dir: Path) -> None:
    zipped = pcs_dir / "originals" / "2026-icd-10-pcs-order-file-long-and-abbreviated-titles.zip"
    plain = parse_order_addenda(pcs_dir / "icd10pcs_order_addenda_2026.txt")
    assert parse_order_addenda(zipped) == plain
    assert plain[0].code == "00H033J"
    assert (
        plain[0].long_title
        == "Insertion of Infusion Device into Brain, Temporary, Percutaneous Approach"
    )


# --- malformed input ------------------------------------------------------------------------

GOOD_TABLES = """<?xml version="1.0" encoding="utf-8"?>
<ICD10PCS.tabular>
<pcsTable>
<axis pos="1" values="1"><title>Section</title><label code="0">Medical and Surgical</label></axis>
<axis pos="2" values="1"><title>Body System</title><label code="D">Gastrointestinal</label></axis>
<axis pos="3" values="1"><title>Operation</title><label code="T">Resection</label>
<definition>Cutting out</definition></axis>
<pcsRow codes="2">
<axis pos="4" values="1"><title>Body Part</title><label code="J">Appendix</label></axis>
<axis pos="5" values="2"><title>Approach</title>
<label code="0">Open</label><label code="4">Percutaneous Endoscopic</label></axis>
<axis pos="6" values="1"><title>Device</title><label code="Z">No Device</label></axis>
<axis pos="7" values="1"><title>Qualifier</title><label code="Z">No Qualifier</label></axis>
</pcsRow>
</pcsTable>
</ICD10PCS.tabular>
"""


def write(tmp_path: Path, text: str | bytes, name: str = "tables.xml") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode() if isinstance(text, str) else text)
    return path


def test_hand_written_table_parses_plain_and_gzipped(tmp_path: Path) -> None:
    plain = parse_tables(write(tmp_path, GOOD_TABLES))
    zipped = parse_tables(write(tmp_path, gzip.compress(GOOD_TABLES.encode()), "t.xml.gz"))
    assert plain == zipped
    table = plain[0]
    assert (table.prefix, table.line) == ("0DT", 3)
    assert [v.label for v in decode_code({"0DT": table}, "0DTJ0ZZ")][4] == "Open"


def test_a_file_is_parsed_once_until_it_changes(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD_TABLES)
    first = parse_tables(path)
    assert parse_tables(path) is first  # a build's second reader gets the same tables
    changed = GOOD_TABLES.replace("<pcsTable>", "<pcsTable> ", 1)
    path.write_text(changed, encoding="utf-8")
    assert parse_tables(path) is not first


@pytest.mark.parametrize(
    ("broken", "line", "problem"),
    [
        (GOOD_TABLES[:400], None, "not well-formed XML"),
        (GOOD_TABLES.replace('<label code="J">', "<label>"), 9, "not one letter or digit"),
        (GOOD_TABLES.replace('<label code="J">', '<label code="j">'), 9, "not one letter"),
        (GOOD_TABLES.replace('axis pos="2"', 'axis pos="4"'), 3, "expected [1, 2, 3]"),
        (GOOD_TABLES.replace('axis pos="6"', 'axis pos="8"'), 8, "expected [4, 5, 6, 7]"),
        (GOOD_TABLES.replace('codes="2"', 'codes="3"'), 8, "its axes give 2"),
        (GOOD_TABLES.replace('values="2"', 'values="5"'), 10, "has 2 labels"),
        (GOOD_TABLES.replace("<title>Approach</title>", ""), 10, "has 0 <title>"),
        (GOOD_TABLES.replace(">Appendix<", "> <"), 9, "is empty"),
        (GOOD_TABLES.replace("ICD10PCS.tabular", "ICD10CM.tabular"), 2, "root is"),
        (GOOD_TABLES.replace('code="4">Perc', 'code="0">Perc'), 10, "repeats a code"),
    ],
)
def test_malformed_tables_name_file_and_line(
    tmp_path: Path, broken: str, line: int | None, problem: str
) -> None:
    path = write(tmp_path, broken)
    with pytest.raises(SourceFormatError) as caught:
        parse_tables(path)
    assert caught.value.file == str(path)
    assert problem in caught.value.problem
    if line is None:
        assert isinstance(caught.value.where, int)
    else:
        assert caught.value.where == line


def test_repeated_table_is_an_error(tmp_path: Path) -> None:
    table = GOOD_TABLES[GOOD_TABLES.index("<pcsTable>") : GOOD_TABLES.index("</ICD10PCS")]
    doubled = GOOD_TABLES.replace("</ICD10PCS.tabular>", table + "</ICD10PCS.tabular>")
    with pytest.raises(SourceFormatError, match="repeats the one at line 3"):
        parse_tables(write(tmp_path, doubled))


def test_truncated_gzip_is_a_source_format_error(tmp_path: Path) -> None:
    data = gzip.compress(GOOD_TABLES.encode())
    with pytest.raises(SourceFormatError):
        parse_tables(write(tmp_path, data[: len(data) // 2], "t.xml.gz"))


@settings(max_examples=200, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.one_of(
        st.binary(max_size=400),
        st.integers(0, len(GOOD_TABLES)).map(lambda cut: GOOD_TABLES[:cut].encode()),
        st.tuples(st.integers(0, len(GOOD_TABLES) - 1), st.binary(min_size=1, max_size=3)).map(
            lambda edit: (
                GOOD_TABLES[: edit[0]].encode() + edit[1] + GOOD_TABLES[edit[0] + 1 :].encode()
            )
        ),
    )
)
def test_arbitrary_bytes_raise_only_source_format_error(tmp_path: Path, data: bytes) -> None:
    path = write(tmp_path, data)
    try:
        tables = parse_tables(path)
    except SourceFormatError as error:
        assert error.file == str(path)
    else:
        assert all(len(table.prefix) == 3 for table in tables)


DEFINITIONS = """<?xml version="1.0"?>
<ICD10PCS.definitions>
<section code="0"><title>Medical and Surgical</title>
<axis pos="3"><title>Operation</title>
<terms><title>Resection</title><definition>Cutting out</definition>
<explanation>All of it</explanation><includes>Total nephrectomy</includes></terms>
</axis>
<axis pos="4"><title>Body Part</title>
<terms><title>1st Toe, Left</title>
<title>1st Toe, Right</title><includes>Hallux</includes></terms>
</axis>
</section>
</ICD10PCS.definitions>
"""


def test_hand_written_definitions(tmp_path: Path) -> None:
    found = parse_definitions(write(tmp_path, DEFINITIONS, "d.xml"))
    assert [(d.term, d.definition, d.explanation, d.includes, d.line) for d in found] == [
        ("Resection", "Cutting out", "All of it", ("Total nephrectomy",), 5),
        ("1st Toe, Left", "", "", ("Hallux",), 9),
        ("1st Toe, Right", "", "", ("Hallux",), 10),
    ]


@pytest.mark.parametrize(
    ("broken", "line", "problem"),
    [
        (DEFINITIONS.replace('axis pos="4"', 'axis pos="9"'), 8, "is not 1..7"),
        (DEFINITIONS.replace("<title>Resection</title>", ""), 5, "has no <title>"),
        (
            DEFINITIONS.replace("</explanation>", "</explanation><definition>x</definition>"),
            6,
            "several <definition>",
        ),
        (DEFINITIONS.replace('section code="0"', 'section code="00"'), 3, "code '00'"),
        (DEFINITIONS[:300], None, "not well-formed XML"),
    ],
)
def test_malformed_definitions_name_file_and_line(
    tmp_path: Path, broken: str, line: int | None, problem: str
) -> None:
    path = write(tmp_path, broken, "d.xml")
    with pytest.raises(SourceFormatError) as caught:
        parse_definitions(path)
    assert caught.value.file == str(path)
    assert problem in caught.value.problem
    assert caught.value.where == line if line is not None else isinstance(caught.value.where, int)


ADDENDA_LINE = "Add:         00H033J {short:<60} Insertion of Infusion Device into Brain"


def test_malformed_addenda_name_the_line(tmp_path: Path) -> None:
    good = ADDENDA_LINE.format(short="Insertion of Infusion Device into Brain")
    text = f"{good}\r\nChange:      00H033J whatever\r\n\r\nCodes\r\n  78986 codes in x\r\n"
    path = write(tmp_path, text, "order_addenda_2026.txt")
    with pytest.raises(SourceFormatError) as caught:
        parse_order_addenda(path)
    assert (caught.value.file, caught.value.where) == (str(path), 2)
    assert parse_order_addenda(write(tmp_path, good + "\n", "a.txt"))[0].short_title == (
        "Insertion of Infusion Device into Brain"
    )


def test_members_of_one_cms_codes_zip(tmp_path: Path) -> None:
    archive = tmp_path / "2026-icd-10-pcs-codes-file.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("icd10pcs_definitions_2026.xml", DEFINITIONS)
        zipped.writestr("icd10pcs_tables_2026.xml", GOOD_TABLES)
    assert parse_tables(archive)[0].prefix == "0DT"
    assert parse_definitions(archive)[0].term == "Resection"
