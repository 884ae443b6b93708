"""MedlinePlus topics: the staged Markdown, the metadata JSON, and the official bulk XML (read
on a small file written here by hand, as a user with internet would drop in today's)."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from medcodes.sources.knowledge.medlineplus import (
    passages,
    read_metadata,
    read_topics_folder,
    read_topics_xml,
)
from medcodes.sources.knowledge.model import Problem

TOPICS = "medlineplus/topics-2026-04-14"


def knowledge(sources_dir: Path) -> Path:
    return sources_dir / "knowledge"


def test_real_topics_with_metadata(sources_dir: Path) -> None:
    root = knowledge(sources_dir)
    problems: list[Problem] = []
    metadata = read_metadata(root / "medlineplus/health_topics_2025-10-01.json", problems)
    topics = read_topics_folder(root / TOPICS, root, metadata, problems)
    assert len(metadata) == 1017 and len(topics) == 1016 and problems == []
    by_title = {t.title: t for t in topics}
    colonoscopy = by_title["Colonoscopy"]
    assert colonoscopy.url == "https://medlineplus.gov/colonoscopy.html"
    assert colonoscopy.date == "2026-04-14" and colonoscopy.key == "4916"
    assert colonoscopy.mesh == ("Colonoscopy",) and "Diagnostic Tests" in colonoscopy.groups
    blocks = {p.heading: p for p in colonoscopy.passages}
    done = blocks["For a colonoscopy:"]
    assert done.parent.startswith("How are colonoscopy, virtual colonoscopy")
    assert done.text.startswith("- You will have the procedure at a hospital or outpatient center.")
    assert "For a virtual colonoscopy:" in blocks
    assert by_title["Diabetes Type 2"].also_called == ("Type 2 Diabetes",)


def test_unheaded_summary_is_one_passage_per_paragraph_and_credit_lines_go(
    sources_dir: Path,
) -> None:
    root = knowledge(sources_dir)
    topics = {t.title: t for t in read_topics_folder(root / TOPICS, root, {}, [])}
    hip = topics["Hip Replacement"].passages
    assert [p.heading for p in hip] == ["", "", "", ""]
    assert hip[2].text == (
        "A hip replacement can:\n\n- Relieve pain\n- Help your hip joint work better\n"
        "- Improve walking and other movements"
    )
    assert not hip[-1].text.endswith("Diseases")  # the converter's trailing litter
    every = [p.text for t in topics.values() for p in t.passages]
    assert not any(t.endswith("Centers for Disease Control and Prevention") for t in every)


def test_malformed_topic_files_are_reported_with_file_and_line(tmp_path: Path) -> None:
    folder = tmp_path / "medlineplus" / "topics-2026-05-01"
    folder.mkdir(parents=True)
    (folder / "medlineplus_no-title_12.md").write_text("\n\nWhat is it?\nText.\n")
    (folder / "stray.md").write_text("# Stray\n")
    (folder / "medlineplus_fine_13.md").write_text("# Fine\n\nWhat is fine?\nIt is fine.\n")
    problems: list[Problem] = []
    topics = read_topics_folder(folder, tmp_path, {}, problems)
    assert [t.title for t in topics] == ["Fine"] and topics[0].date == "2026-05-01"
    assert str(problems[0]) == (
        "medlineplus/topics-2026-05-01/medlineplus_no-title_12.md, line 3: "
        "no '# Title' line at the top"
    )
    assert problems[1].file.endswith("stray.md") and problems[1].line == 1


def test_broken_metadata_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    bad = tmp_path / "health_topics_2026-01-01.json"
    bad.write_text('[{"id": 1, "title": "x"}, ')
    problems: list[Problem] = []
    assert read_metadata(bad, problems) == {}
    assert problems[0].file == str(bad) and "not readable JSON" in problems[0].why


OFFICIAL_XML = """<?xml version="1.0" encoding="UTF-8"?>
<health-topics total="2" date-generated="05/01/2026 02:30:12">
<health-topic title="Knee Replacement" url="https://medlineplus.gov/kneereplacement.html"
  id="3924" language="English" date-created="07/08/2003">
 <also-called>Knee arthroplasty</also-called>
 <full-summary>&lt;h3&gt;What is knee replacement surgery?&lt;/h3&gt;&lt;p&gt;Knee replacement
 surgery is a surgery to replace parts of your knee joint.&lt;/p&gt;&lt;h3&gt;What are the risks
 of knee replacement surgery?&lt;/h3&gt;&lt;p&gt;Possible problems include:&lt;/p&gt;
 &lt;ul&gt;&lt;li&gt;Infection&lt;/li&gt;&lt;li&gt;&lt;p&gt;Blood clots&lt;/p&gt;&lt;/li&gt;
 &lt;/ul&gt;</full-summary>
 <group url="https://medlineplus.gov/surgeryandrehabilitation.html" id="11"
  >Surgery and Rehabilitation</group>
 <mesh-heading><descriptor id="D019645">Arthroplasty, Replacement, Knee</descriptor>
 </mesh-heading>
 <primary-institute url="https://www.niams.nih.gov">National Institute of Arthritis
 </primary-institute>
</health-topic>
<health-topic title="Reemplazo de rodilla" url="https://medlineplus.gov/spanish/x.html" id="9"
  language="Spanish"><full-summary>&lt;p&gt;Texto.&lt;/p&gt;</full-summary></health-topic>
</health-topics>
"""


def test_official_xml_reader_on_a_hand_written_file(tmp_path: Path) -> None:
    path = tmp_path / "mplus_topics_2026-05-01.xml"
    path.write_text(OFFICIAL_XML)
    problems: list[Problem] = []
    (knee,) = read_topics_xml(path, tmp_path, problems)
    assert problems == [] and knee.date == "2026-05-01" and knee.file == path.name
    assert (knee.key, knee.title, knee.url) == (
        "3924",
        "Knee Replacement",
        "https://medlineplus.gov/kneereplacement.html",
    )
    assert knee.also_called == ("Knee arthroplasty",)
    assert knee.mesh == ("Arthroplasty, Replacement, Knee",)
    assert knee.groups == ("Surgery and Rehabilitation",)
    risks = knee.passages[1]
    assert risks.heading == "What are the risks of knee replacement surgery?"
    assert risks.text == "Possible problems include:\n\n- Infection\n- Blood clots"


def test_broken_official_xml_keeps_what_was_read_and_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "mplus_topics_2026-05-02.xml"
    path.write_text(OFFICIAL_XML.replace("</health-topics>", "<health-topic id='x'"))
    problems: list[Problem] = []
    topics = read_topics_xml(path, tmp_path, problems)
    assert [t.title for t in topics] == ["Knee Replacement"]
    assert problems[0].file == path.name and problems[0].line > 10
    assert problems[0].why.startswith("broken XML")


@given(
    st.lists(
        st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=60), max_size=25
    )
)
def test_passages_never_raise_and_keep_the_words(lines: list[str]) -> None:
    found = list(passages(lines, 2))
    assert all(p.text.strip() for p in found)
    assert all(p.line >= 2 for p in found)
