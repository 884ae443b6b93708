"""The rules writer on the real catalog: grounded sections, nothing else, provenance on each."""

from __future__ import annotations

import json
import random
from dataclasses import asdict

from medcodes.catalog.read import Catalog
from medcodes.explain import Explainer, explain_code
from medcodes.explain.model import NOT_YET_WRITTEN, SECTIONS_BY_PROFILE, WRITTEN
from medcodes.explain.select import all_codes, select_codes
from medcodes.explain.verify import Verifier


def sections(explanation) -> dict:
    return {section.key: section for section in explanation.sections}


def test_drug_code_sections(catalog: Catalog) -> None:
    explanation = explain_code(catalog, catalog.get("J9039"), None)
    found = sections(explanation)
    summary = found["summary"].text
    assert "Blinatumomab" in summary and "Blincyto" in summary and "1 microgram" in summary
    assert "Adcetris" not in json.dumps(asdict(explanation))
    assert found["setting"].status == WRITTEN and "Chemotherapy" in found["setting"].text
    assert found["procedure"].items == [
        "The official descriptor names its form or route: injection."
    ]
    for key in ("purpose", "indications", "duration", "risks_common", "alternatives"):
        # the rules writer has nothing to say here; a section, if any, is NCI's quoted text
        assert found[key].status == NOT_YET_WRITTEN or found[key].provenance.writer == "excerpt"
    provenance = found["summary"].provenance
    assert provenance is not None and provenance.writer == "rules" and provenance.verified
    files = {source.file for source in provenance.sources}
    assert any("alpha-numeric-hcpcs" in f for f in files)
    assert any("ASP_NDC-HCPCS_Crosswalk" in f for f in files)
    assert provenance.label().startswith("official data: ")


def test_pcs_procedure_description_restates_root_operation_and_approach(catalog: Catalog) -> None:
    found = sections(explain_code(catalog, catalog.get("0DTJ4ZZ"), None))
    items = found["procedure"].items
    assert items[0] == (
        "Root operation Resection: cutting out or off, without replacement, all of a body part."
    )
    assert "Body part Appendix." in items
    assert any(
        item.startswith("Approach Percutaneous Endoscopic: entry, by puncture") for item in items
    )
    assert found["duration"].status == NOT_YET_WRITTEN


def test_diagnosis_usage_and_related(catalog: Catalog) -> None:
    found = sections(explain_code(catalog, catalog.get("E11.9"), None))
    assert set(found) == {spec.key for spec in SECTIONS_BY_PROFILE["diagnosis"]}
    usage = found["usage"].items
    assert "Includes: diabetes NOS [from E11]" in usage
    assert any(item.startswith("Not coded here (Excludes1): type 1 diabetes") for item in usage)
    assert any(item.startswith("Use additional code: insulin (Z79.4)") for item in usage)
    assert found["related"].items[0] == "Parent: E11 Type 2 diabetes mellitus"
    for key in ("symptoms", "causes", "diagnosis", "treatment"):
        assert found[key].status == NOT_YET_WRITTEN or found[key].provenance.writer == "excerpt"
    header = sections(explain_code(catalog, catalog.get("E11"), None))
    assert "header, not billable" in header["summary"].text
    assert any(item.startswith("Code below it: E11.9") for item in header["related"].items)


def test_modifier_sections(catalog: Catalog) -> None:
    explanation = explain_code(catalog, catalog.get("LT", "HCPCS-MOD"), None)
    found = sections(explanation)
    assert explanation.profile == "modifier"
    assert found["signals"].text.startswith("Modifier LT signals: Left side")
    assert explanation.not_yet_written() == ["when_appended", "examples"]


def test_explanation_is_json_serialisable(catalog: Catalog) -> None:
    data = json.loads(json.dumps(asdict(explain_code(catalog, catalog.get("S72.001A"), None))))
    assert data["code"] == "S72.001A"
    summary = data["sections"][0]
    assert summary["status"] == "written" and summary["provenance"]["writer"] == "rules"
    for section in data["sections"][1:]:
        assert section["status"] == "not-yet-written" or section["provenance"]["writer"] in (
            "rules",
            "excerpt",
        )


def test_every_code_gets_a_written_section_and_rules_pass_the_verifier(
    catalog: Catalog, explainer: Explainer, verifier: Verifier
) -> None:
    """All HCPCS codes and modifiers plus a seeded sample of the rest: at least one grounded
    section each, and the rules writer's own text never trips the verifier."""
    codes = select_codes(catalog, ["A*", "B*", "C*", "E*", "G*", "J*", "K*", "L*", "Q*"])
    codes += [c for c in all_codes(catalog) if c.system == "HCPCS-MOD"]
    everything = list(all_codes(catalog))
    codes += random.Random(7).sample(everything, 3000)
    assert len(everything) > 180_000
    failures = []
    for code in codes:
        explanation = explainer.explain(code)
        assert any(s.status == WRITTEN for s in explanation.sections), code.code
        card = explainer.card(code)
        drafts = explainer.rules.write(card, SECTIONS_BY_PROFILE[card.profile])
        verdict = verifier.check(card, drafts)
        if not verdict.ok:
            failures.append((code.code, verdict.reasons))
    assert failures == []


def test_select_codes_patterns(catalog: Catalog) -> None:
    assert [c.code for c in select_codes(catalog, ["j9039"])] == ["J9039"]
    globbed = [c.code for c in select_codes(catalog, ["J903*"])]
    assert "J9039" in globbed and all(code.startswith("J903") for code in globbed)
    prefixed = [c.code for c in select_codes(catalog, ["E11."])]
    assert "E11.9" in prefixed and "E10.9" not in prefixed
