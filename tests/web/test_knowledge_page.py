"""The plain-language part of code pages: quoted sections with source badge, date and link;
the drug <-> condition lists; the same in /api/v1/codes/{code}."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient


def test_j9039_json_carries_quoted_sections_and_what_it_is_approved_to_treat(
    client: TestClient,
) -> None:
    data = client.get("/api/v1/codes/J9039").json()
    sections = {s["key"]: s for s in data["explanation"]["sections"]}
    indications = sections["indications"]
    assert indications["status"] == "written"
    assert indications["items"][0].startswith("B-cell acute lymphoblastic leukemia that is CD19")
    provenance = indications["provenance"]
    assert provenance["writer"] == "excerpt"
    assert provenance["sources"] == [
        {
            "name": "NCI",
            "title": "Blinatumomab",
            "url": "https://www.cancer.gov/about-cancer/treatment/drugs/blinatumomab",
            "date": "2025-12-30",
            "file": "nci/drugs/about-cancer-treatment-drugs-blinatumomab.md",
        }
    ]
    assert provenance["link"]["kind"] == "drug" and "Blincyto" in provenance["link"]["evidence"]
    assert sections["purpose"]["text"].startswith("Blinatumomab works by bringing healthy T cells")
    (use,) = data["knowledge"]["approved_to_treat"]
    assert [c["code"] for c in use["codes"]] == ["C91.0"]
    text = str([data["explanation"], data["knowledge"]])
    assert "adcetris" not in text.casefold() and "brentuximab" not in text.casefold()


def test_c9100_lists_drugs_approved_for_it_with_their_codes(client: TestClient) -> None:
    data = client.get("/api/v1/codes/C91.00").json()
    drugs = {d["document"]["title"]: d for d in data["knowledge"]["drugs_approved"]}
    assert "J9039" in [c["code"] for c in drugs["Blinatumomab"]["codes"]]
    symptoms = next(s for s in data["explanation"]["sections"] if s["key"] == "symptoms")
    assert symptoms["provenance"]["sources"][0]["name"] in ("MedlinePlus", "NCI")


def test_code_page_shows_badges_and_lists(client: TestClient) -> None:
    html = client.get("/code/HCPCS/J9039").text
    assert 'class="code-page"' in html and '<article class="code">' not in html
    assert "NCI · 2025-12-30" in html
    assert html.index("In plain language") < html.index("Official data")
    assert "Conditions it is approved to treat" in html
    assert re.search(r'href="/code/ICD10CM/C91\.0"', html)
    c9100 = client.get("/code/ICD10CM/C91.00").text
    assert "Drugs approved for it" in c9100 and 'href="/code/HCPCS/J9039"' in c9100


def test_general_links_say_so(client: TestClient) -> None:
    html = client.get("/code/ICD10CM/S72.001A").text
    assert "About Fractures in general" in html
