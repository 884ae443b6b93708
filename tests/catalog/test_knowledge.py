"""Links from knowledge documents to codes on the real catalog: each pair the issue names,
and its wrong twin. No link beats a wrong link."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from medcodes.catalog.knowledge import NO_KNOWLEDGE, KnowledgeStep
from medcodes.catalog.knowledge_read import KnowledgeReader
from medcodes.catalog.read import Catalog


@pytest.fixture(scope="module")
def knowledge(built_catalog: Path) -> Iterator[KnowledgeReader]:
    with Catalog(built_catalog) as catalog:
        yield KnowledgeReader(catalog)


def linked(knowledge: KnowledgeReader, code: str, kind: str | None = None) -> list[str]:
    """Titles of the documents linked to `code` (of one kind), best first."""
    found = knowledge.links(knowledge.catalog.get(code))
    return [link.document.title for link in found if kind is None or link.kind == kind]


def links_where(knowledge: KnowledgeReader, condition: str) -> int:
    """How many links meet an SQL condition on the link (`l`) and its document (`d`)."""
    (count,) = knowledge.catalog.conn.execute(
        "SELECT count(*) FROM knowledge_links l JOIN knowledge_documents d "
        f"ON d.id = l.document_id WHERE {condition}"
    ).fetchone()
    return count


def evidence_of(knowledge: KnowledgeReader, code: str, title: str) -> str:
    """The evidence of the one link of `code` to the document titled `title`."""
    (link,) = [
        link
        for link in knowledge.links(knowledge.catalog.get(code))
        if link.document.title == title
    ]
    return link.evidence


def test_blinatumomab_drug_page_and_what_it_is_approved_to_treat(
    knowledge: KnowledgeReader,
) -> None:
    j9039 = knowledge.catalog.get("J9039")
    (page,) = [link for link in knowledge.links(j9039) if link.kind == "drug"]
    assert page.document.title == "Blinatumomab" and page.document.source == "nci-drug"
    assert page.document.url == "https://www.cancer.gov/about-cancer/treatment/drugs/blinatumomab"
    assert "Blincyto" in page.evidence
    (use,) = knowledge.code_knowledge(j9039).approved_to_treat
    assert use.text.startswith("B-cell acute lymphoblastic leukemia that is CD19 positive")
    assert [c.code for c in use.codes] == ["C91.0"]
    assert not any("Brentuximab" in title for title in linked(knowledge, "J9039"))


def test_all_code_lists_blinatumomab_and_takes_all_text_not_aml(
    knowledge: KnowledgeReader,
) -> None:
    c9100 = knowledge.catalog.get("C91.00")
    drugs = knowledge.code_knowledge(c9100).drugs_approved
    blinatumomab = next(d for d in drugs if d.document.title == "Blinatumomab")
    assert "J9039" in [c.code for c in blinatumomab.codes]
    conditions = linked(knowledge, "C91.00", "condition")
    assert conditions[0] == "Acute Lymphocytic Leukemia"
    assert "Acute Lymphoblastic Leukemia Treatment (PDQ®)–Patient Version" in conditions
    assert not any("Myeloid" in title for title in conditions)
    aml = linked(knowledge, "C92.00", "condition")
    assert aml[0] == "Acute Myeloid Leukemia" and "Acute Lymphocytic Leukemia" not in aml
    assert "Blinatumomab" not in [
        d.document.title
        for d in knowledge.code_knowledge(knowledge.catalog.get("C92.00")).drugs_approved
    ]


def test_a_conjugate_is_another_drug(knowledge: KnowledgeReader) -> None:
    assert linked(knowledge, "J9355", "drug") == ["Trastuzumab"]
    assert linked(knowledge, "Q5112", "drug") == ["Trastuzumab"]  # a biosimilar may link
    assert linked(knowledge, "J9354", "drug") == ["Ado-Trastuzumab Emtansine"]
    assert linked(knowledge, "J9356", "drug") == ["Trastuzumab and Hyaluronidase-oysk"]


def test_a_drug_without_an_nci_page_gets_none(knowledge: KnowledgeReader) -> None:
    assert linked(knowledge, "J1745") == []  # infliximab: no NCI page
    assert linked(knowledge, "J0202", "drug") == []  # alemtuzumab sold as Lemtrada, not Campath
    assert linked(knowledge, "J7312", "drug") == []  # dexamethasone eye implant


def test_type_1_and_type_2_diabetes_never_cross(knowledge: KnowledgeReader) -> None:
    type2, type1 = linked(knowledge, "E11.9"), linked(knowledge, "E10.9")
    assert type2[0] == "Diabetes Type 2" and type1[0] == "Diabetes Type 1"
    assert "Diabetes Type 1" not in type2 and "Diabetes Type 2" not in type1
    assert "Diabetes Insipidus" not in linked(knowledge, "E11.65")


def test_hip_is_not_knee(knowledge: KnowledgeReader) -> None:
    assert linked(knowledge, "0SR901Z") == ["Hip Replacement"]
    assert linked(knowledge, "0SRC0JZ") == ["Knee Replacement"]


def test_seasonal_flu_is_not_bird_flu_and_a_disease_is_not_its_vaccine(
    knowledge: KnowledgeReader,
) -> None:
    assert linked(knowledge, "J11.1")[0] == "Flu"
    assert "Bird Flu" not in linked(knowledge, "J11.1")
    bird = linked(knowledge, "J09.X2")
    assert bird[0] == "Bird Flu" and "Flu" not in bird
    assert "Flu Shot" not in linked(knowledge, "J11.1")
    for vaccine in ("G0008", "Q2035", "90658"):
        if knowledge.catalog.lookup(vaccine):
            assert "Flu" not in linked(knowledge, vaccine)


def test_colonoscopy_codes_and_the_barium_enema_that_is_not_one(
    knowledge: KnowledgeReader,
) -> None:
    assert linked(knowledge, "G0105")[0] == "Colonoscopy"
    assert linked(knowledge, "0DJD8ZZ")[0] == "Colonoscopy"
    assert "Colonoscopy" not in linked(
        knowledge, "G0120"
    )  # "alternative to g0105 ... barium enema"


def test_devices_by_descriptor(knowledge: KnowledgeReader) -> None:
    (link,) = knowledge.links(knowledge.catalog.get("V5050"))
    assert (link.document.title, link.kind) == ("Hearing Aids", "device")


def test_children_inherit_a_categorys_link_in_general(knowledge: KnowledgeReader) -> None:
    (link,) = [
        link
        for link in knowledge.links(knowledge.catalog.get("S72.001A"))
        if link.document.title == "Fractures"
    ]
    assert link.general and link.anchor.startswith("S72")
    assert "is under" in link.evidence


def test_without_a_knowledge_folder_the_build_says_so(tmp_path: Path) -> None:
    step = KnowledgeStep()
    assert step.load([], tmp_path).manifest == []
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
    (warning,) = step.write(conn)
    assert "no knowledge/ folder" in warning
    (value,) = conn.execute("SELECT value FROM meta WHERE key = 'knowledge'").fetchone()
    assert value.startswith(NO_KNOWLEDGE)


def test_malformed_knowledge_files_become_warnings_not_failures(tmp_path: Path) -> None:
    folder = tmp_path / "knowledge" / "medquad" / "7_X_QA"
    folder.mkdir(parents=True)
    (folder / "1.xml").write_text("<Document id='1'><Focus>Broken")
    loaded = KnowledgeStep().load([], tmp_path)
    (warning,) = loaded.warnings
    assert warning.startswith("knowledge: skipped medquad/7_X_QA/1.xml, line 1: broken XML (")
    assert [m.name for m in loaded.manifest] == ["knowledge-medquad-7_X_QA"]


def test_a_quality_reporting_code_bills_no_procedure(knowledge: KnowledgeReader) -> None:
    """Audit find: G9348 ("Ct scan ... ordered at the time of diagnosis for documented
    reasons") reports a quality measure; it is not a CT scan."""
    assert linked(knowledge, "G9348") == []
    assert "MRI Scans" in linked(knowledge, "C8903")  # "Magnetic resonance imaging ..., breast"


def test_a_sections_catch_all_table_is_not_what_the_section_is_named(
    knowledge: KnowledgeReader,
) -> None:
    """Audit find: DTY18ZZ "Hyperthermia of Ureter" sits in section D, Radiation Therapy,
    in its "Other Radiation" table; hyperthermia is not radiation therapy."""
    assert "Radiation Therapy" not in linked(knowledge, "DTY18ZZ")
    assert linked(knowledge, "D9071ZZ") == ["Radiation Therapy"]  # beam radiation


def test_a_code_that_uses_the_name_for_something_else_does_not_inherit(
    knowledge: KnowledgeReader,
) -> None:
    """Audit find: R40.2253 "Coma scale, best verbal response, oriented" sits under R40.2
    Coma, but a coma scale with an oriented patient is not a coma; nor is "Glaucoma suspect"
    glaucoma. Codes still about the header's subject keep its link."""
    assert "Coma" not in linked(knowledge, "R40.2253")
    assert "Coma" in linked(knowledge, "R40.20")
    assert "Glaucoma" not in linked(knowledge, "H40.001")
    assert "Glaucoma" in linked(knowledge, "H40.1491")


def test_an_index_entry_giving_a_header_does_not_spread_to_its_codes(
    knowledge: KnowledgeReader,
) -> None:
    """Audit find: the index gave "Aciduria, glutaric, type III" as E71.5- (more characters
    needed) and the link spread to the codes below E71.5, other peroxisomal disorders
    (E71.510 Zellweger syndrome). An index link now reaches only the codes restating the
    header's title: C92.0- Acute myeloblastic leukemia, in remission or not."""
    spread = knowledge.catalog.conn.execute(
        "SELECT c.long_title, a.long_title FROM knowledge_links l "
        "JOIN codes c ON c.id = l.code_id JOIN codes a ON a.id = l.anchor_id "
        "WHERE l.rule = 'index' AND l.anchor_id != l.code_id"
    ).fetchall()
    assert spread and all(
        code.casefold().startswith(header.casefold().removesuffix(", unspecified"))
        for code, header in spread
    )
    assert "Zellweger Syndrome" in linked(knowledge, "E71.510")
    assert "Glutaric acidemia type III" not in linked(knowledge, "E71.510")


def test_medquad_synonyms_do_not_link(knowledge: KnowledgeReader) -> None:
    """Audit find: "B-cell lymphoma", listed among the synonyms of Plasmablastic lymphoma,
    put that document on C85.1- "Unspecified B-cell lymphoma"."""
    assert "Plasmablastic lymphoma" not in linked(knowledge, "C85.15")
    assert links_where(knowledge, "d.source = 'medquad' AND l.name != d.title") == 0


def test_an_inclusion_term_reaches_only_the_codes_that_still_say_the_header(
    knowledge: KnowledgeReader,
) -> None:
    """ "Landau-Kleffner syndrome" is one of the conditions G40.8 holds: not G40.81
    Lennox-Gastaut syndrome, nor G40.844 KCNQ2-related epilepsy. "Cocaine (topical)" of T41.3
    is not lidocaine poisoning. A synonym spreads: slipped capital femoral epiphysis reaches
    M93.011 "Acute slipped upper femoral epiphysis, stable (nontraumatic), right hip"."""
    assert "Landau-Kleffner syndrome" in linked(knowledge, "G40.8", "condition")
    for code in ("G40.81", "G40.844", "G40.89"):
        assert not any("Landau" in title for title in linked(knowledge, code)), code
    assert "Cocaine" not in linked(knowledge, "T41.3X1A")
    assert "Brugada syndrome" not in linked(knowledge, "I49.82")  # ventricular bigeminy
    assert "Slipped capital femoral epiphysis" in linked(knowledge, "M93.011", "condition")
    assert "Complex Regional Pain Syndrome" in linked(knowledge, "G90.511", "condition")


def test_a_device_or_vaccine_topic_names_no_condition(knowledge: KnowledgeReader) -> None:
    """ "Shot NOS" under W34.00 is a gunshot, not the vaccines MedlinePlus calls "Shots"; W44.G1
    is an audio device entering an ear, not a text about hearing aids."""
    assert linked(knowledge, "W34.00XA") == []
    assert "Hearing Aids" not in linked(knowledge, "W44.G1XA")
    assert "Hearing Aids" in linked(knowledge, "V5030", "device")


def test_the_most_specific_document_speaks_first(knowledge: KnowledgeReader) -> None:
    """A text anchored at the code (Krabbe disease on E75.23) or deeper (ocular albinism on
    E70.31) comes before a topic inherited from a block of categories (Metabolic Disorders on
    E70-E88), whoever publishes it; among texts on one code, the one whose name the title says
    more of and adds less to: "Asthma" before "Asthma in Children" on J45.909 Unspecified
    asthma, and "Diabetes Type 2" before "Diabetes" on E11.9."""
    assert linked(knowledge, "E75.23", "condition")[0] == "Krabbe disease"
    assert linked(knowledge, "E70.310", "condition")[0] == "ocular albinism"
    assert linked(knowledge, "J45.909", "condition")[0] == "Asthma"
    assert linked(knowledge, "E11.9", "condition")[:2] == ["Diabetes Type 2", "Diabetes"]


def test_a_diagnostic_excision_is_a_biopsy(knowledge: KnowledgeReader) -> None:
    """The ICD-10-PCS Index: "Biopsy" see "Excision with qualifier Diagnostic" (and Extraction,
    Drainage). 0FB03ZX (liver, percutaneous, diagnostic) takes MedlinePlus Biopsy; the same
    excision without the diagnostic qualifier (0FB03ZZ) does not."""
    assert "Biopsy" in linked(knowledge, "0FB03ZX", "procedure")
    assert "Biopsy" in linked(knowledge, "07DR3ZX", "procedure")  # bone marrow, extraction
    assert "Biopsy" not in linked(knowledge, "0FB03ZZ")


def test_a_broad_index_heading_links_only_the_document_it_names(
    knowledge: KnowledgeReader,
) -> None:
    """ "Punch biopsy" (see Excision with qualifier Diagnostic, of any body part) is also an
    other name of the medical test Skin biopsy; that test is not about a liver biopsy."""
    assert "Skin biopsy" not in linked(knowledge, "0FB03ZX")


def test_plain_radiography_is_an_x_ray(knowledge: KnowledgeReader) -> None:
    """ICD-10-PCS type "Plain Radiography" is MedlinePlus X-Rays ("Radiography"); fluoroscopy
    and CT, also made with x-rays, keep their own topics."""
    assert linked(knowledge, "BR00ZZZ", "procedure") == ["X-Rays"]
    assert "X-Rays" not in linked(knowledge, "BR10ZZZ")  # fluoroscopy of cervical spine


def test_a_site_after_a_comma_is_a_site(knowledge: KnowledgeReader) -> None:
    """ "Pathological fracture, right humerus" and "Stress fracture, right ulna" are fractures at
    a site (a bone weakened by disease or overuse breaks); "Other specified rheumatoid
    arthritis, right shoulder" is rheumatoid arthritis. After a comma only site words may
    follow: "Unspecified fracture, not elsewhere classified" would name no site."""
    assert "Fractures" in linked(knowledge, "M84.421A", "condition")
    assert "Fractures" in linked(knowledge, "M84.331G", "condition")
    assert "Rheumatoid Arthritis" in linked(knowledge, "M06.811", "condition")
    assert "Fractures" in linked(knowledge, "M84.521A", "condition")  # in neoplastic disease


def test_a_corrosion_is_a_chemical_burn(knowledge: KnowledgeReader) -> None:
    """T20-T32 includes "chemical burn [corrosion]": "Corrosion of second degree of multiple
    right fingers" takes MedlinePlus Burns, and the evidence says why."""
    assert 'includes "chemical burn [corrosion]"' in evidence_of(knowledge, "T23.631A", "Burns")


def test_a_toxic_effect_is_a_poisoning_and_an_adverse_effect_a_drug_reaction(
    knowledge: KnowledgeReader,
) -> None:
    """The Table of Drugs and Chemicals gives "Toxic effect" codes in its Poisoning columns
    (Venom: T63.91-T63.94); T36-T50 includes the "adverse effect of correct substance properly
    administered". What follows "of" there is a substance, not a site."""
    assert "Poisoning" in linked(knowledge, "T63.311A", "condition")  # black widow venom
    assert "Poisoning" in linked(knowledge, "T58.01XA", "condition")  # carbon monoxide
    assert "Drug Reactions" in linked(knowledge, "T36.0X5A", "condition")  # penicillins
    assert "Drug Reactions" not in linked(knowledge, "T36.0X1A")  # poisoning by penicillins


def test_a_supply_does_not_take_a_tests_text(knowledge: KnowledgeReader) -> None:
    """Audit find: A4253 "Blood glucose test or reagent strips for home blood glucose
    monitor" took the MedlinePlus "Blood glucose test" page ("A health care professional will
    take a blood sample from a vein in your arm"), and A4250 "Urine test or reagent strips"
    the Urinalysis topic: a test's page describes what is done to a patient, not a supply."""
    assert linked(knowledge, "A4253") == []
    assert "Urinalysis" not in linked(knowledge, "A4250")
    assert links_where(knowledge, "d.source = 'medlineplus-tests' AND l.kind = 'device'") == 0


def test_tests_still_link_to_the_codes_that_bill_them(knowledge: KnowledgeReader) -> None:
    assert linked(knowledge, "G0403", "test") == ["Electrocardiogram"]
    assert linked(knowledge, "G0444", "test") == ["Depression screening"]
    assert "Anoscopy" in linked(knowledge, "0DJD8ZZ", "test")
    assert linked(knowledge, "G0477", "test") == ["Drug testing"]  # its other name "drug test"


def test_an_other_name_that_says_less_than_the_test_does_not_link(
    knowledge: KnowledgeReader,
) -> None:
    """The Karyotype genetic test's other name "genetic testing" is every genetic test, not
    the one for amyotrophic lateral sclerosis that S3800 bills."""
    assert linked(knowledge, "S3800") == ["Genetic Testing"]
    assert linked(knowledge, "J7190", "test") == []  # "Factor VIII" inside "(Factor I, ...)"


def test_a_diagnostic_drainage_is_not_a_biopsy(knowledge: KnowledgeReader) -> None:
    """Audit find (seed 10): 06950ZX "Drainage of Superior Mesenteric Vein, Open Approach,
    Diagnostic" quoted MedlinePlus Biopsy ("removes cells or tissue"): the index sends "Biopsy"
    to diagnostic drainage too, but that draws fluid."""
    assert "Biopsy" not in linked(knowledge, "06950ZX")
    assert "Biopsy" in linked(knowledge, "06B50ZX", "procedure")


def test_a_body_system_naming_a_kind_of_care_is_that_care(knowledge: KnowledgeReader) -> None:
    """ICD-10-PCS section F has body systems "Rehabilitation" (F0) and "Diagnostic Audiology"
    (F1): MedlinePlus Rehabilitation reaches F0 only. Section 9 is "Chiropractic"; type
    "Ultrasonography" is the medical test Ultrasound by its one-word other name."""
    assert linked(knowledge, "F00ZHYZ", "procedure") == ["Rehabilitation"]
    assert "Rehabilitation" not in linked(knowledge, "F13Z0ZZ")
    assert linked(knowledge, "9WB0XBZ", "procedure") == ["Chiropractic"]
    assert linked(knowledge, "BH40ZZZ", "test") == ["Ultrasound"]


def test_nuclear_medicine_imaging_is_a_nuclear_scan(knowledge: KnowledgeReader) -> None:
    """Planar, tomographic and PET nuclear medicine imaging (images of radioactive emissions)
    take MedlinePlus Nuclear Scans; nuclear medicine therapy (C7) and probes do not."""
    for code in ("C21GYZZ", "CP151ZZ"):
        assert linked(knowledge, code, "procedure") == ["Nuclear Scans"], code
    assert "Nuclear Scans" not in linked(knowledge, "CW70NZZ")


def test_a_residual_code_of_another_condition_is_not_its_headers_condition(
    knowledge: KnowledgeReader,
) -> None:
    """Audit find (seed 11): M60.242 "Foreign body granuloma of soft tissue, not elsewhere
    classified, left hand" quoted MedlinePlus Myositis, its category M60's title. The other
    codes of M60 are myositis."""
    assert "Myositis" not in linked(knowledge, "M60.242")
    assert linked(knowledge, "M60.011", "condition")[0] == "Myositis"  # infective myositis


def test_a_direction_says_where_not_what(knowledge: KnowledgeReader) -> None:
    """ "Anterior dislocation of left humerus" is a dislocation at a site."""
    assert "Dislocations" in linked(knowledge, "S43.015A", "condition")


def test_the_body_part_key_names_sites_and_a_subluxation_is_a_dislocation(
    knowledge: KnowledgeReader,
) -> None:
    """The ICD-10-PCS Body Part Key files "Interphalangeal (IP) joint" and "Anterior cruciate
    ligament (ACL)" under its body parts: sites. The ICD-10-CM index says "Subluxation - see
    also Dislocation". "Fracture of corpus cavernosum penis" is no broken bone, and the
    chiropractic "Subluxation complex (vertebral)" no dislocation."""
    assert "Dislocations" in linked(knowledge, "S63.281A", "condition")
    assert "Sprains and Strains" in linked(knowledge, "S83.512A", "condition")
    assert '"Subluxation - see also Dislocation"' in evidence_of(
        knowledge, "S63.231A", "Dislocations"
    )
    assert "Fractures" not in linked(knowledge, "S39.840A")
    assert "Dislocations" not in linked(knowledge, "M99.11")


def test_a_name_may_say_the_site_first(knowledge: KnowledgeReader) -> None:
    """ "Eyelid Disorders" is H02 "Other disorders of eyelid", "Back Injuries" "Unspecified
    injury of lower back". Below S09 "Other and unspecified injuries of head" only the codes
    still saying "head" are Head Injuries (skull and brain), not "Traumatic rupture of right
    ear drum"; and a "Superficial injury of head" (a bruise, a blister) is a kind, not what
    Head Injuries is about."""
    assert "Eyelid Disorders" in linked(knowledge, "H02.401", "condition")  # ptosis
    assert "Back Injuries" in linked(knowledge, "S39.92XA", "condition")
    assert "Head Injuries" in linked(knowledge, "S09.8XXA", "condition")
    assert "Head Injuries" not in linked(knowledge, "S09.21XA")
    assert "Head Injuries" not in linked(knowledge, "S00.93XA")


def test_a_diffuse_or_focal_brain_injury_is_a_traumatic_brain_injury(
    knowledge: KnowledgeReader,
) -> None:
    """S06.2 "Diffuse traumatic brain injury" and S06.3 "Focal traumatic brain injury" say
    where the injury is; a concussion keeps its own topic and does not take TBI's."""
    assert linked(knowledge, "S06.2X1A", "condition")[0] == "Traumatic Brain Injury"
    assert linked(knowledge, "S06.301A", "condition")[0] == "Traumatic Brain Injury"
    assert linked(knowledge, "S06.0X1A", "condition") == ["Concussion"]


def test_an_endoscopic_approach_takes_no_endoscopy_text(knowledge: KnowledgeReader) -> None:
    """An endoscopic approach says how the site is reached, not what is done: MedlinePlus
    Endoscopy (two paragraphs on the instrument) would be quoted as the Purpose of a
    gallbladder resection. Only a topic naming the procedure itself links."""
    assert "Endoscopy" not in linked(knowledge, "0FT44ZZ")
    assert linked(knowledge, "0DJD8ZZ", "procedure")[0] == "Colonoscopy"


def test_an_other_title_is_its_condition_below_only_where_it_is_said(
    knowledge: KnowledgeReader,
) -> None:
    """M06 "Other rheumatoid arthritis" is rheumatoid arthritis, and so is M06.0 "Rheumatoid
    arthritis without rheumatoid factor"; but ICD also files adult-onset Still's disease and
    "Inflammatory polyarthropathy" there, and the block "Other joint disorders (M20-M25)"
    holds "Unequal limb length". MedlinePlus Nutritional Support's other name
    "Hyperalimentation" is feeding; ICD-10-CM's is overeating (R63.2 Polyphagia)."""
    assert linked(knowledge, "M06.00", "condition")[0] == "Rheumatoid Arthritis"
    assert "Anemia" in linked(knowledge, "D64.4", "condition")
    assert "Rheumatoid Arthritis" not in linked(knowledge, "M06.1")
    assert "Rheumatoid Arthritis" not in linked(knowledge, "M06.4")
    assert "Joint Disorders" not in linked(knowledge, "M21.751")
    assert "Nutritional Support" not in linked(knowledge, "R63.2")
    assert "Nutritional Support" not in linked(knowledge, "E67.8")


def test_a_chronic_condition_at_a_site_is_that_condition(knowledge: KnowledgeReader) -> None:
    """ "Chronic respiratory failure with hypoxia" is respiratory failure, "Chronic gout,
    unspecified, with tophus" gout; chronic bronchitis keeps its own topic, never Acute
    Bronchitis (whose other name "Bronchitis" says less than its title)."""
    assert "Respiratory Failure" in linked(knowledge, "J96.11", "condition")
    assert "Gout" in linked(knowledge, "M1A.9XX1", "condition")
    assert linked(knowledge, "J42", "condition")[0] == "Chronic Bronchitis"
    assert "Acute Bronchitis" not in linked(knowledge, "J42")


def test_premodifiers_that_say_how_or_how_long(knowledge: KnowledgeReader) -> None:
    """An idiopathic chronic gout is gout, a recurrent dislocation a dislocation, a crushing
    injury an injury. A non-pressure ulcer is no pressure sore, and ICD's intentional
    self-harm (suicide attempts included) is not MedlinePlus Self-Harm (self-injury)."""
    assert "Gout" in linked(knowledge, "M1A.011", "condition")
    assert "Dislocations" in linked(knowledge, "M24.411", "condition")
    assert "Wounds and Injuries" in linked(knowledge, "S67.21XA", "condition")
    assert "Pressure Sores" not in linked(knowledge, "L97.111")
    assert "Self-Harm" not in linked(knowledge, "X78.0XXA")


def test_a_traumatic_rupture_of_a_ligament_is_a_sprain(knowledge: KnowledgeReader) -> None:
    """The ICD-10-CM index: "Rupture, traumatic, ligament - see also Sprain" (a sprain is a
    stretched or torn ligament); a traumatic rupture of the ear drum is no sprain."""
    assert '"Rupture, traumatic, ligament - see also Sprain"' in evidence_of(
        knowledge, "S53.21XA", "Sprains and Strains"
    )
    assert "Sprains and Strains" in linked(knowledge, "S63.411A", "condition")
    assert "Sprains and Strains" not in linked(knowledge, "S09.21XA")


def test_a_head_may_say_a_reading_beside_the_name(knowledge: KnowledgeReader) -> None:
    """S23.11 "Subluxation and dislocation of T1/T2 thoracic vertebra" is a dislocation twice
    over (the index: "Subluxation - see also Dislocation"); its codes take Dislocations."""
    assert '"Subluxation - see also Dislocation"' in evidence_of(
        knowledge, "S23.111A", "Dislocations"
    )
    assert "Dislocations" not in linked(knowledge, "M99.11")
