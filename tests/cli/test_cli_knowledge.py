"""`medcodes knowledge stats`, and the plain-language text in `show` / `explain` (--json)."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from medcodes.cli import app

runner = CliRunner()


def run(*args: str):
    return runner.invoke(app, list(args))


def test_stats_prints_links_and_coverage(built_catalog: Path) -> None:
    result = run("knowledge", "stats", "--catalog", str(built_catalog))
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Knowledge: ") and " documents, " in result.output
    assert "condition   medlineplus" in result.output
    assert "Billable codes with at least one section quoted from a source:" in result.output
    data = json.loads(run("knowledge", "stats", "--json", "--catalog", str(built_catalog)).stdout)
    kinds = {row["kind"] for row in data["links"]}
    assert {"condition", "procedure", "test", "device", "drug", "indication"} <= kinds
    cm = next(row for row in data["coverage"] if row["system"] == "ICD10CM")
    assert 0 < cm["with_section"] <= cm["linked"] <= cm["billable"]


def test_explain_json_is_the_code_views_explanation(built_catalog: Path) -> None:
    explained = json.loads(
        run("explain", "J9039", "--json", "--catalog", str(built_catalog)).stdout
    )
    shown = json.loads(run("show", "J9039", "--json", "--catalog", str(built_catalog)).stdout)
    assert explained == shown["explanation"]
    indications = next(s for s in explained["sections"] if s["key"] == "indications")
    assert indications["provenance"]["sources"][0]["name"] == "NCI"
    assert shown["knowledge"]["approved_to_treat"][0]["codes"][0]["code"] == "C91.0"


def test_show_text_names_the_documents(built_catalog: Path) -> None:
    result = run("show", "G0105", "--catalog", str(built_catalog))
    assert "Plain-language text: MedlinePlus, Colonoscopy" in result.output
    assert "https://medlineplus.gov/colonoscopy.html" in result.output


def test_info_says_whether_the_catalog_has_knowledge(built_catalog: Path) -> None:
    result = run("info", "--catalog", str(built_catalog))
    assert "plain-language knowledge: " in result.output and " links" in result.output
