"""Code page features beyond official data: explainers, related policies, similar codes."""

from __future__ import annotations

from fastapi.testclient import TestClient


def test_j9039_page_lists_fep_policy_and_predecessor(client: TestClient) -> None:
    html = client.get("/code/J9039").text
    assert "Related policies" in html and "FEP-5.21.51" in html
    assert "Blincyto (blinatumomab)" in html
    assert "Similar codes" in html and "C9449" in html


def test_j9035_api_has_medicare_article_apart_from_plans(client: TestClient) -> None:
    data = client.get("/api/v1/codes/J9035").json()
    medicare = [p for p in data["policies"] if p["policy"]["owner_type"] == "medicare"]
    assert "A52370" in {p["policy"]["id"] for p in medicare}
    listed = next(p for p in medicare if p["policy"]["id"] == "A52370")
    assert listed["reason"] == "listed"
    assert data["similar"] and all(s["reason"] for s in data["similar"])


def test_policy_page_lists_its_codes(client: TestClient) -> None:
    html = client.get("/policy/A52370").text
    assert "Bevacizumab" in html and "J9035" in html


def test_unknown_policy_is_a_404_with_a_message(client: TestClient) -> None:
    response = client.get("/policy/L00000")
    assert response.status_code == 404
    assert "L00000" in response.text


def test_topic_only_matches_are_labelled(client: TestClient) -> None:
    data = client.get("/api/v1/codes/J9035").json()
    topical = [p for p in data["policies"] if p["reason"] == "drug-in-title"]
    assert topical and all("title" in p["why"].lower() for p in topical)


def test_explainer_sections_with_provenance_on_page_and_api(client: TestClient) -> None:
    html = client.get("/code/0DTJ4ZZ").text
    assert "In plain language" in html and "official data:" in html
    assert "Not yet written:" in html  # sections the facts cannot support stay empty, said so
    data = client.get("/api/v1/codes/J9039").json()
    written = [s for s in data["explanation"]["sections"] if s["status"] == "written"]
    assert written and all(s["provenance"]["writer"] == "rules" for s in written)
    assert "Adcetris" not in str(data["explanation"])


def test_notes_block_keeps_a_lead_in_with_its_items(client: TestClient) -> None:
    """T46.992A: the block's code-first note is one list item whose own list holds its items."""
    html = client.get("/code/T46.992A").text
    lead = "for adverse effects, the nature of the adverse effect, such as:<ul>"
    assert lead in html and "<li>aspirin gastritis (K29.-)</li>" in html
    assert html.index(lead) < html.index("aspirin gastritis (K29.-)")
    assert "<li>, for adverse effects" not in html
    data = client.get("/api/v1/codes/T46.992A").json()
    (code_first,) = [g for g in data["notes"] if g["kind"] == "codeFirst"]
    assert code_first["from_code"] == "T36-T50" and len(code_first["texts"]) == 1
    assert code_first["texts"][0].startswith(
        "for adverse effects, the nature of the adverse effect, such as: adverse effect NOS"
    )
    assert code_first["units"][0]["items"][1] == "aspirin gastritis (K29.-)"


def test_inherited_inclusion_term_on_the_page(client: TestClient) -> None:
    html = client.get("/code/S64.498S").text
    assert "Injury of digital nerve of specified finger with unspecified laterality" in html
    assert "(from S64.498)" in html
