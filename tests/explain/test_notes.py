"""Tabular notes as instructions, on hand-made notes: lead-ins keep their items, labels read
as the tabular prints them, and what is not an instruction for the code is left out."""

from __future__ import annotations

from medcodes.catalog.read import AppliedNote, Code
from medcodes.explain.notes import merged, node_instructions, render

SOURCE = "icd10cm-tabular-FY2026"


def code(text: str, kind: str, ident: int) -> Code:
    return Code(
        ident,
        "ICD10CM",
        text,
        kind,
        "",
        "",
        kind == "code",
        None,
        0,
        "active",
        None,
        None,
        None,
        None,
        SOURCE,
    )


T46_992A = code("T46.992A", "code", 1)
BLOCK = code("T36-T50", "section", 2)
CATEGORY = code("S64", "category", 3)
HEADER = code("S64.49", "subcategory", 4)


def note(kind: str, text: str, unit: int, lead: bool = False, node: str = "T36-T50"):
    return AppliedNote(kind, text, node, True, SOURCE, unit, lead)


def rendered(target: Code, node: Code, notes: list[AppliedNote]) -> list[str]:
    return [render(i, text) for i, text in merged(node_instructions(target, node, notes))]


def test_a_lead_in_and_its_items_read_as_one_instruction() -> None:
    notes = [
        note(
            "codeFirst",
            ", for adverse effects, the nature of the adverse effect, such as:",
            0,
            True,
        ),
        note("codeFirst", "aspirin gastritis (K29.-)", 0),
        note("codeFirst", "nephropathy (N14.0-N14.2)", 0),
        note("useAdditionalCode", "code(s) to specify:", 1, True),
        note("useAdditionalCode", "manifestations of poisoning", 1),
    ]
    assert rendered(T46_992A, BLOCK, notes) == [
        "Code first, for adverse effects, the nature of the adverse effect, such as: aspirin "
        "gastritis (K29.-); nephropathy (N14.0-N14.2) [from block T36-T50]",
        "Use additional code(s) to specify: manifestations of poisoning [from block T36-T50]",
    ]


def test_list_kinds_merge_but_sentences_and_lead_ins_do_not() -> None:
    notes = [
        note("excludes2", "birth trauma (P10-P15)", 0),
        note("excludes2", "obstetric trauma (O70-O71)", 1),
        note("excludes2", "localized pain, such as:", 2, True),
        note("excludes2", "back pain (M54.9)", 2),
        note("notes", "First sentence.", 3),
        note("notes", "Second sentence.", 4),
        note("includes", "moped", 5),
        note("includes", "e-bike", 6),
    ]
    assert rendered(T46_992A, BLOCK, notes) == [
        "Not included here, may be coded as well (Excludes2): birth trauma (P10-P15); "
        "obstetric trauma (O70-O71) [from block T36-T50]",
        "Not included here, may be coded as well (Excludes2): localized pain, such as: "
        "back pain (M54.9) [from block T36-T50]",
        "Note: First sentence [from block T36-T50]",
        "Note: Second sentence [from block T36-T50]",
        "The block T36-T50 also covers: moped; e-bike",
    ]


def test_not_instructions_for_the_code_are_left_out() -> None:
    seventh = note("sevenChrNote", "The appropriate 7th character is to be added", 0, node="S64")
    hierarchy = note("notes", "This section contains the following broad categories:", 1, True)
    item = note("notes", "Y93.0 Activities involving walking and running", 1)
    assert (
        node_instructions(code("S64.498S", "code", 9), CATEGORY, [seventh, hierarchy, item]) == []
    )
    kept = node_instructions(HEADER, CATEGORY, [seventh])  # a header still needs the reminder
    assert [render(i) for i in kept] == [
        "7th character: The appropriate 7th character is to be added [from category S64]"
    ]


def test_own_and_inherited_inclusion_terms() -> None:
    term = "Injury of digital nerve of specified finger with unspecified laterality"
    own = node_instructions(HEADER, HEADER, [note("inclusionTerm", term, 0, node="S64.49")])
    assert [render(i) for i in own] == [f"Also used for: {term}"]
    below = node_instructions(code("S64.49X", "code", 8), HEADER, [note("inclusionTerm", term, 0)])
    assert [render(i) for i in below] == [
        f"Also used for (inclusion term of subcategory S64.49): {term}"
    ]
