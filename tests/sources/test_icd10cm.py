"""ICD-10-CM tabular XML and order addenda, against the official files and broken inputs."""

from __future__ import annotations

import contextlib
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from medcodes.errors import SourceFormatError
from medcodes.sources.icd10cm import (
    NOTE_KINDS,
    Note,
    TabularNode,
    parse_conventions,
    parse_order_addenda,
    parse_order_addenda_summary,
    parse_tabular,
)

TABULAR_2026 = "icd10cm/icd10cm_tabular_2026_april1.xml.gz"
TABULAR_2025 = "icd10cm/icd10cm_tabular_2025_april.xml.gz"
ADDENDA = [
    "icd10cm/icd10cm_order_addenda_2025.txt",
    "icd10cm/icd10cm_order_addenda_2026.txt",
    "icd10cm/fy2027/icd10cm_order_addenda_2027.txt",
    "icd10cm/originals/2026-code-descriptions-tabular-order.zip",
]


@pytest.fixture(scope="module")
def nodes_2026(sources_dir: Path) -> list[TabularNode]:
    return list(parse_tabular(sources_dir / TABULAR_2026))


@pytest.fixture(scope="module")
def tabular_2026(nodes_2026: list[TabularNode]) -> dict[str, TabularNode]:
    """FY2026 nodes by code; a diag wins over a one-category section of the same code."""
    by_code = {node.code: node for node in nodes_2026 if node.kind != "diag"}
    by_code.update((node.code, node) for node in nodes_2026 if node.kind == "diag")
    return by_code


def test_one_category_sections_share_the_category_code(nodes_2026: list[TabularNode]) -> None:
    """39 sections such as "B10" (Other human herpesviruses) hold a single category."""
    sections = {n.code for n in nodes_2026 if n.kind == "section"}
    shared = sections & {n.code for n in nodes_2026 if n.kind == "diag"}
    assert len(shared) == 39
    b10 = [(n.kind, n.parent) for n in nodes_2026 if n.code == "B10"]
    assert b10 == [("section", "1"), ("diag", "B10")]


@pytest.mark.parametrize(
    ("name", "sections", "diags"), [(TABULAR_2026, 297, 46_881), (TABULAR_2025, 296, 46_498)]
)
def test_tabular_counts(sources_dir: Path, name: str, sections: int, diags: int) -> None:
    kinds = Counter(node.kind for node in parse_tabular(sources_dir / name))
    assert kinds == {"chapter": 22, "section": sections, "diag": diags}


def test_e11_9_and_its_ancestors(tabular_2026: dict[str, TabularNode]) -> None:
    node = tabular_2026["E11.9"]
    assert node.title == "Type 2 diabetes mellitus without complications"
    assert (node.kind, node.first_code, node.last_code) == ("diag", "E11.9", "E11.9")
    chain = []
    while node.parent is not None:
        node = tabular_2026[node.parent]
        chain.append((node.kind, node.code))
    assert chain == [("diag", "E11"), ("section", "E08-E13"), ("chapter", "4")]
    section, chapter = tabular_2026["E08-E13"], tabular_2026["4"]
    assert (section.first_code, section.last_code, section.title) == (
        "E08",
        "E13",
        "Diabetes mellitus (E08-E13)",
    )
    assert (chapter.first_code, chapter.last_code) == ("E00", "E89")
    assert chapter.title == "Endocrine, nutritional and metabolic diseases (E00-E89)"


def texts(node: TabularNode) -> list[tuple[str, str]]:
    return [(note.kind, note.text) for note in node.notes]


def test_category_notes_in_document_order(tabular_2026: dict[str, TabularNode]) -> None:
    notes = texts(tabular_2026["E11"])
    kinds = [kind for kind, _ in notes]
    assert kinds == sorted(kinds, key=["includes", "useAdditionalCode", "excludes1"].index)
    assert ("includes", "diabetes NOS") in notes
    assert ("useAdditionalCode", "insulin (Z79.4)") in notes
    assert ("excludes1", "type 1 diabetes mellitus (E10.-)") in notes
    assert tabular_2026["E11.9"].notes == (
        Note(
            "excludes1",
            "type 2 diabetes mellitus, without complications in remission (E11.A)",
            0,
            False,
        ),
    )


def test_chapter_and_section_notes(tabular_2026: dict[str, TabularNode]) -> None:
    chapter_kinds = {note.kind for note in tabular_2026["4"].notes}
    assert chapter_kinds == {"notes", "excludes1"}
    first = texts(tabular_2026["1"])
    assert ("includes", "diseases generally recognized as communicable or transmissible") in first
    assert {kind for kind, _ in first} == {
        "includes",
        "useAdditionalCode",
        "excludes1",
        "excludes2",
    }
    assert texts(tabular_2026["A15-A19"])[0] == (
        "includes",
        "infections due to Mycobacterium tuberculosis and Mycobacterium bovis",
    )


def test_a_lead_in_and_its_items_are_one_instruction(
    tabular_2026: dict[str, TabularNode],
) -> None:
    """T36-T50's code-first note is one instruction: its lead-in and six items."""
    notes = tabular_2026["T36-T50"].notes
    code_first = [note for note in notes if note.kind == "codeFirst"]
    assert code_first[0].lead and code_first[0].text.startswith(", for adverse effects")
    assert [note.text for note in code_first[1:3]] == [
        "adverse effect NOS (T88.7)",
        "aspirin gastritis (K29.-)",
    ]
    assert len(code_first) == 7 and len({note.unit for note in code_first}) == 1
    assert not any(note.lead for note in code_first[1:])
    excludes2 = [note.unit for note in notes if note.kind == "excludes2"]
    assert len(set(excludes2)) == len(excludes2) == 5  # no lead-in: five instructions
    units = [note.unit for note in notes]
    assert units == sorted(units) and units[0] == 0


def test_two_elements_of_one_kind_stay_two_instructions(
    tabular_2026: dict[str, TabularNode],
) -> None:
    extra = [n for n in tabular_2026["E09"].notes if n.kind == "useAdditionalCode"]
    assert [n.text for n in extra[:2]] == [
        "code for adverse effect, if applicable, to identify drug "
        "(T36-T50 with fifth or sixth character 5)",
        "code to identify control using:",
    ]
    assert extra[0].unit != extra[1].unit == extra[2].unit and extra[1].lead


def test_headings_of_chapter_notes_title_their_paragraph(
    tabular_2026: dict[str, TabularNode],
) -> None:
    notes = tabular_2026["2"].notes
    heading = next(note for note in notes if note.text == "Functional activity")
    paragraph = notes[notes.index(heading) + 1]
    assert heading.lead and not paragraph.lead and heading.unit == paragraph.unit
    assert paragraph.text.startswith("All neoplasms are classified in this chapter")


def test_conventions_of_the_introduction(sources_dir: Path) -> None:
    found = {c.title: c.text for c in parse_conventions(sources_dir / TABULAR_2026)}
    assert list(found) == [
        "Includes",
        "Excludes Notes",
        "Excludes1",
        "Excludes2",
        "Code First/Use Additional Code notes (etiology/manifestation paired codes)",
        "Code Also",
        "7th characters and placeholder X",
    ]
    assert "It means 'NOT CODED HERE!'" in found["Excludes1"]
    assert found["7th characters and placeholder X"].startswith(
        "For codes less than 6 characters that require a 7th character a placeholder X"
    )


def test_every_note_kind_is_captured(nodes_2026: list[TabularNode]) -> None:
    counts = Counter(note.kind for node in nodes_2026 for note in node.notes)
    assert set(counts) == set(NOTE_KINDS)
    # element counts of the FY2026 file (<note> children of each kind)
    assert counts["inclusionTerm"] == 12_574
    assert counts["excludes1"] == 5_407
    assert all(note.text for node in nodes_2026 for note in node.notes)


def test_seven_character_definitions(
    tabular_2026: dict[str, TabularNode], nodes_2026: list[TabularNode]
) -> None:
    s06 = tabular_2026["S06"]
    assert s06.seven_chr_def == (
        ("A", "initial encounter"),
        ("D", "subsequent encounter"),
        ("S", "sequela"),
    )
    assert s06.seven_chr_note.startswith("The appropriate 7th character is to be added")
    s52 = tabular_2026["S52"]
    assert ("B", "initial encounter for open fracture NOS") in s52.seven_chr_inclusions
    assert len([n for n in nodes_2026 if n.seven_chr_def]) == 508
    assert tabular_2026["S06.0X0"].seven_chr_def == ()


def test_tabular_parses_every_diag_once(nodes_2026: list[TabularNode]) -> None:
    """What the old timed test walked: the whole file, each diag once (speed: bench/tabular.py)."""
    diags = [node.code for node in nodes_2026 if node.kind == "diag"]
    assert len(diags) == len(set(diags)) == 46_881


@pytest.mark.parametrize("name", ADDENDA)
def test_addenda_match_their_own_summary(sources_dir: Path, name: str) -> None:
    changes = list(parse_order_addenda(sources_dir / name))
    summary = parse_order_addenda_summary(sources_dir / name)
    counts = Counter((change.action, change.billable) for change in changes)
    for kind, billable in (("codes", True), ("headers", False)):
        block = summary[kind]
        assert counts["add", billable] == block.additions
        assert counts["delete", billable] == block.deletions
        assert counts["revise", billable] == block.revisions


def test_addenda_2026(sources_dir: Path) -> None:
    changes = list(parse_order_addenda(sources_dir / ADDENDA[1]))
    counts = Counter((change.action, change.billable) for change in changes)
    assert counts == {
        ("add", True): 487,
        ("delete", True): 28,
        ("revise", True): 38,
        ("add", False): 143,
        ("revise", False): 7,
    }
    summary = parse_order_addenda_summary(sources_dir / ADDENDA[1])["codes"]
    assert (summary.before, summary.after) == (74_260, 74_719)
    e11a = next(c for c in changes if c.code == "E11A")
    assert (e11a.action, e11a.billable) == ("add", True)
    assert e11a.long_title == "Type 2 diabetes mellitus without complications in remission"
    revised = next(c for c in changes if c.code == "L02212")
    assert revised.previous_long_title == "Cutaneous abscess of back [any part, except buttock]"
    assert revised.long_title == "Cutaneous abscess of back [any part, except buttock and flank]"
    assert revised.short_title == "Cutaneous abscess of back"


# --- malformed inputs -------------------------------------------------------------------

GOOD_TABULAR = """<?xml version="1.0" encoding="utf-8"?>
<ICD10CM.tabular>
  <chapter>
    <name>4</name>
    <desc>Endocrine diseases (E00-E89)</desc>
    <section id="E08-E13">
      <desc>Diabetes mellitus (E08-E13)</desc>
      <diag>
        <name>E11</name>
        <desc>Type 2 diabetes mellitus</desc>
        <includes><note>diabetes NOS</note></includes>
        <diag>
          <name>E11.9</name>
          <desc>Type 2 diabetes mellitus
            without complications</desc>
        </diag>
      </diag>
    </section>
  </chapter>
</ICD10CM.tabular>
"""


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_small_tabular(tmp_path: Path) -> None:
    nodes = list(parse_tabular(_write(tmp_path, "t.xml", GOOD_TABULAR)))
    assert [(n.kind, n.code, n.parent, n.line) for n in nodes] == [
        ("chapter", "4", None, 3),
        ("section", "E08-E13", "4", 6),
        ("diag", "E11", "E08-E13", 8),
        ("diag", "E11.9", "E11", 12),
    ]
    assert nodes[3].title == "Type 2 diabetes mellitus without complications"
    assert nodes[2].notes == (Note("includes", "diabetes NOS", 0, False),)


NOTED_DIAG = """<?xml version="1.0" encoding="utf-8"?>
<ICD10CM.tabular>
  <introduction>
    <introSection type="title"><title>TABULAR LIST</title></introSection>
    <introSection type="instruction">
      <title>Excludes1</title>
      <instruction><note>It means  'NOT CODED HERE!'</note><note>Second  part.</note></instruction>
    </introSection>
  </introduction>
  <chapter>
    <name>19</name>
    <desc>Injury (S00-T88)</desc>
    <section id="T36-T50">
      <desc>Poisoning (T36-T50)</desc>
      <diag>
        <name>T46</name>
        <desc>Poisoning by cardiovascular drugs</desc>
        <codeFirst>
          <note>, for adverse effects, the nature of the adverse effect, such as:</note>
          <note>aspirin gastritis (K29.-)</note>
          <note>nephropathy (N14.0-N14.2)</note>
        </codeFirst>
        <excludes2>
          <note>birth trauma (P10-P15)</note>
          <note>localized pain, such as:</note>
          <note>back pain (M54.9)</note>
        </excludes2>
        <useAdditionalCode><note>code to identify infection</note></useAdditionalCode>
        <useAdditionalCode><note>code (R65.2-) to identify severe sepsis</note></useAdditionalCode>
        <excludes1><note>a lead-in with nothing after it:</note></excludes1>
      </diag>
    </section>
  </chapter>
</ICD10CM.tabular>
"""


def test_small_tabular_note_structure(tmp_path: Path) -> None:
    (diag,) = [n for n in parse_tabular(_write(tmp_path, "n.xml", NOTED_DIAG)) if n.kind == "diag"]
    assert [(n.unit, n.lead, n.kind, n.text[:14]) for n in diag.notes] == [
        (0, True, "codeFirst", ", for adverse "),
        (0, False, "codeFirst", "aspirin gastri"),
        (0, False, "codeFirst", "nephropathy (N"),
        (1, False, "excludes2", "birth trauma ("),
        (2, True, "excludes2", "localized pain"),
        (2, False, "excludes2", "back pain (M54"),
        (3, False, "useAdditionalCode", "code to identi"),
        (4, False, "useAdditionalCode", "code (R65.2-) "),
        (5, False, "excludes1", "a lead-in with"),
    ]
    conventions = parse_conventions(_write(tmp_path, "n.xml", NOTED_DIAG))
    assert [(c.title, c.text) for c in conventions] == [
        ("Excludes1", "It means 'NOT CODED HERE!' Second part.")
    ]


@settings(max_examples=200, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    groups=st.lists(
        st.lists(
            st.tuples(st.booleans(), st.text(alphabet="ab ,()", min_size=1, max_size=12)),
            min_size=1,
            max_size=5,
        ),
        min_size=1,
        max_size=4,
    )
)
def test_note_units_follow_lead_ins(tmp_path: Path, groups: list[list[tuple[bool, str]]]) -> None:
    """Every note keeps its text and order; a unit never spans two elements; an item joins the
    lead-in before it in its element; a note that is not an item starts a unit of its own."""
    elements = "".join(
        "<codeAlso>"
        + "".join(f"<note>x{text}{':' if lead else '.'}</note>" for lead, text in group)
        + "</codeAlso>"
        for group in groups
    )
    xml = NOTED_DIAG.replace(
        "<excludes1><note>a lead-in with nothing after it:</note></excludes1>", ""
    )
    xml = xml.replace(
        "<useAdditionalCode><note>code to identify infection",
        elements + "<useAdditionalCode><note>code to identify infection",
    )
    (diag,) = [n for n in parse_tabular(_write(tmp_path, "h.xml", xml)) if n.kind == "diag"]
    notes = [n for n in diag.notes if n.kind == "codeAlso"]
    flat = [(lead, text) for group in groups for lead, text in group]
    assert [n.text for n in notes] == [
        " ".join(f"x{t}{':' if lead else '.'}".split()) for lead, t in flat
    ]
    position = 0
    for group in groups:
        members = notes[position : position + len(group)]
        in_lead = False
        for index, note in enumerate(members):
            is_lead = group[index][0] and index + 1 < len(group)
            assert note.lead == is_lead
            starts = is_lead or not in_lead
            previous = notes[position + index - 1] if position + index else None
            assert (previous is None or previous.unit != note.unit) == starts
            in_lead = in_lead or is_lead
        position += len(group)


@pytest.mark.parametrize(
    ("text", "line", "problem"),
    [
        (GOOD_TABULAR[:400], None, "not well-formed XML"),
        (GOOD_TABULAR.replace("<name>E11.9</name>", ""), 12, "diag has no <name>"),
        (GOOD_TABULAR.replace("E11.9<", "F11.9<"), 12, "'F11.9' is not a code under E11"),
        (GOOD_TABULAR.replace(' id="E08-E13"', ""), 6, "section id '' is not a code range"),
        (GOOD_TABULAR.replace(" (E00-E89)", ""), 3, "ends in no code range"),
        (GOOD_TABULAR.replace("ICD10CM.tabular", "tabular"), 1, "expected <ICD10CM.tabular>"),
        (
            GOOD_TABULAR.replace(
                "<includes><note>diabetes NOS</note></includes>",
                "<sevenChrDef><extension>x</extension></sevenChrDef>",
            ),
            11,
            "7th character '' is invalid",
        ),
    ],
)
def test_broken_tabular(tmp_path: Path, text: str, line: int | None, problem: str) -> None:
    path = _write(tmp_path, "broken.xml", text)
    with pytest.raises(SourceFormatError) as caught:
        list(parse_tabular(path))
    assert caught.value.file == str(path)
    assert problem in caught.value.problem
    if line is not None:
        assert caught.value.where == line
    else:
        assert isinstance(caught.value.where, int)


@settings(max_examples=200, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.one_of(st.binary(max_size=400), st.text(max_size=400).map(str.encode)))
def test_arbitrary_bytes_raise_only_source_format_error(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "fuzz.xml"
    path.write_bytes(data)
    with contextlib.suppress(SourceFormatError):
        list(parse_tabular(path))


@settings(max_examples=100, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cut=st.integers(min_value=0, max_value=len(GOOD_TABULAR.rstrip()) - 1))
def test_truncated_tabular_raises_source_format_error(tmp_path: Path, cut: int) -> None:
    path = _write(tmp_path, "cut.xml", GOOD_TABULAR[:cut])
    with pytest.raises(SourceFormatError):
        list(parse_tabular(path))


ADD_LINE = "Add:         1 E11A    " + "Short title".ljust(60) + " Long title of E11A"
FROM_LINE = "Revise from: 1 L02212  " + "Old short".ljust(60) + " Old long"
TO_LINE = "Revise to:   1 L02212  " + "New short".ljust(60) + " New long"


def test_small_addenda(tmp_path: Path) -> None:
    text = "\r\n".join([ADD_LINE, "", FROM_LINE, TO_LINE, "", "Codes", "  1 codes in x.txt"])
    changes = list(parse_order_addenda(_write(tmp_path, "a.txt", text)))
    assert [(c.action, c.code, c.long_title, c.previous_long_title, c.line) for c in changes] == [
        ("add", "E11A", "Long title of E11A", "", 1),
        ("revise", "L02212", "New long", "Old long", 3),
    ]


@pytest.mark.parametrize(
    ("lines", "line", "problem"),
    [
        ([ADD_LINE, "Modify:      1 E11A    x"], 2, "no Add/Delete/Revise label"),
        ([ADD_LINE[:40]], 1, "too short"),
        ([ADD_LINE.replace(" 1 E11A", " 2 E11A")], 1, "billable flag '2'"),
        ([ADD_LINE.replace("E11A   ", "E11.A  ")], 1, "not alphanumeric"),
        ([FROM_LINE, ADD_LINE], 1, "not followed by 'Revise to:'"),
        ([FROM_LINE], 1, "not followed by 'Revise to:'"),
        ([ADD_LINE, TO_LINE], 2, "without a 'Revise from:'"),
        ([FROM_LINE, TO_LINE.replace("L02212", "L02222")], 2, "without a 'Revise from:'"),
    ],
)
def test_broken_addenda(tmp_path: Path, lines: list[str], line: int, problem: str) -> None:
    path = _write(tmp_path, "addenda.txt", "\n".join(lines))
    with pytest.raises(SourceFormatError) as caught:
        list(parse_order_addenda(path))
    assert (caught.value.file, caught.value.where) == (str(path), line)
    assert problem in caught.value.problem


def test_addenda_summary_without_counts(tmp_path: Path) -> None:
    path = _write(tmp_path, "addenda.txt", f"{ADD_LINE}\n\nCodes\n  3 additions\n")
    with pytest.raises(SourceFormatError, match="counts missing"):
        parse_order_addenda_summary(path)
