"""The `medcodes` command: exit codes, messages and output formats on the real catalog."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from medcodes.cli import app

runner = CliRunner()


def run(*args: str, stdin: str | None = None, env: dict[str, str] | None = None):
    return runner.invoke(app, list(args), input=stdin, env=env)


def test_show_prints_decoded_fields(built_catalog: Path) -> None:
    result = run("show", "J9039", "--catalog", str(built_catalog))
    assert result.exit_code == 0, result.output
    assert "Injection, blinatumomab, 1 microgram" in result.output
    assert "BETOS code (BETOS): O1D = Chemotherapy" in result.output


def test_show_json_is_the_code_view(built_catalog: Path) -> None:
    """`show --json` prints the code view: the document /api/v1/codes/X sends, byte for byte
    apart from indentation."""
    from medcodes.api import Medcodes

    result = run("show", "0DTJ4ZZ", "--json", "--catalog", str(built_catalog))
    data = json.loads(result.stdout)
    assert data["code"] == "0DTJ4ZZ" and data["system"] == "ICD10PCS"
    assert data["axes"][2]["label"] == "Resection"
    assert {"explanation", "policies", "similar", "history", "sources"} <= set(data)
    with Medcodes(built_catalog) as codes:
        assert data == json.loads(codes.code("0DTJ4ZZ").to_json())


def test_unknown_code_is_a_clear_error(built_catalog: Path) -> None:
    result = run("show", "J9093", "--catalog", str(built_catalog))
    assert result.exit_code == 1
    assert "Error: unknown code 'J9093'. Did you mean J90" in result.output
    assert "Traceback" not in result.output


def test_missing_catalog_says_to_build(tmp_path: Path) -> None:
    result = run("show", "J9039", "--catalog", str(tmp_path / "none.db"))
    assert result.exit_code == 1
    assert "run `medcodes build` first" in result.output


def test_not_a_catalog(tmp_path: Path) -> None:
    bogus = tmp_path / "bogus.db"
    bogus.write_text("not sqlite")
    result = run("info", "--catalog", str(bogus))
    assert result.exit_code == 1 and "not a medcodes catalog" in result.output


def test_info_json_counts(built_catalog: Path) -> None:
    data = json.loads(run("info", "--json", "--catalog", str(built_catalog)).stdout)
    counts = {(r["system"], r["release"]): (r["codes"], r["billable"]) for r in data["releases"]}
    assert counts[("ICD10CM", "FY2027")] == (98_403, 74_879)
    assert counts[("ICD10PCS", "FY2026")] == (80_029, 79_115)
    assert counts[("HCPCS", "2026-01")][0] == 8_623  # kept in history
    assert counts[("HCPCS", "2026-07")][0] == 8_725
    assert counts[("HCPCS-MOD", "2026-07")][0] == 384
    current = {r["system"]: r["release"] for r in data["releases"] if r["is_current"]}
    assert current == {
        "HCPCS": "2026-07",
        "HCPCS-MOD": "2026-07",
        "ICD10CM": "FY2027",
        "ICD10PCS": "FY2026",
    }


def test_build_with_missing_sources_folder(tmp_path: Path) -> None:
    result = run(
        "build", "--sources", str(tmp_path / "nowhere"), "--catalog", str(tmp_path / "x.db")
    )
    assert result.exit_code == 1
    assert "does not exist" in result.output and "Traceback" not in result.output


def test_build_without_sources_fails_fast_offline(tmp_path: Path) -> None:
    """No sources setting: download from CMS/CDC; with no network, say how to use files."""
    env = {"MEDCODES_SOURCES": "", "MEDCODES_DOWNLOAD_DIR": str(tmp_path / "cache")}
    result = run("build", "--catalog", str(tmp_path / "x.db"), env=env)
    assert result.exit_code == 1
    assert "cannot download" in result.output and "--sources" in result.output


def test_search_stdin_json_lines(built_catalog: Path) -> None:
    result = run("search", "--catalog", str(built_catalog), stdin="blincyto\n\nE119\n")
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["query"] for line in lines] == ["blincyto", "", "E119"]
    first = lines[0]
    assert set(first) >= {"query", "took_ms", "total", "results"}
    assert first["results"][0]["code"] == "J9039"
    assert set(first["results"][0]) >= {"system", "code", "title", "score", "matched"}
    assert lines[1]["results"] == [] and lines[1]["message"]
    assert lines[2]["results"][0]["code"] == "E11.9"


@pytest.mark.parametrize("bad", [["--system", "nope"], ["--active-on", "yesterday"]])
def test_search_bad_options(built_catalog: Path, bad: list[str]) -> None:
    result = run("search", "x", *bad, "--catalog", str(built_catalog))
    assert result.exit_code == 1 and result.output.startswith("Error:")


def test_eval_prints_scores(built_catalog: Path) -> None:
    dev = Path(__file__).parent / "search" / "dev_queries.tsv"
    result = run("eval", str(dev), "--json", "--catalog", str(built_catalog))
    scores = json.loads(result.stdout)
    assert set(scores["all"]) == {"queries", "hit@1", "hit@10", "mrr"}


def test_diff_lists_the_102_additions(built_catalog: Path) -> None:
    result = run("diff", "2026-01", "2026-07", "--system", "HCPCS", "--catalog", str(built_catalog))
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("HCPCS 2026-01 -> 2026-07: 102 added")
    added = [line.split()[1] for line in lines if line.startswith("  added")]
    assert len(added) == 102 and {"A2043", "A9574"} <= set(added)
    assert "A2043     (2026-04-01) Biobrane, per square centimeter" in result.stdout
    as_json = json.loads(
        run("diff", "2026-01", "2026-07", "--json", "--catalog", str(built_catalog)).stdout
    )
    assert [(d["system"], len(d["added"])) for d in as_json] == [("HCPCS", 102), ("HCPCS-MOD", 1)]


def test_diff_of_unknown_release(built_catalog: Path) -> None:
    result = run("diff", "2026-01", "2026-04", "--catalog", str(built_catalog))
    assert result.exit_code == 1
    assert "Error: no system has both releases '2026-01' and '2026-04'" in result.stderr


# --- billing facts (issue 14) ------------------------------------------------------------------
def test_show_prints_billing_facts(built_catalog: Path) -> None:
    output = run("show", "J9039", "--catalog", str(built_catalog)).output
    assert "Medicare Part B payment limit, October to December 2025: $164.253 per 1 mcg" in output
    assert "MUE: Medicare pays at most 210 units of J9039 per patient per date of service" in output
    assert "NDC 55513-0160-01 Blincyto (Amgen), 35 mcg per package = 35 units of J9039" in output
    assert "source: coverage/ncci-mue-2026-04/" in output
    diagnosis = run("show", "E11.9", "--catalog", str(built_catalog)).output
    assert "CMS-HCC V28 category 38, used for 2026 payment" in diagnosis


def test_show_json_carries_billing(built_catalog: Path) -> None:
    data = json.loads(run("show", "J9039", "--json", "--catalog", str(built_catalog)).stdout)
    assert data["billing"]["payment"]["amount"] == "164.253"
    assert data["billing"]["unit_limit"]["units"] == 210
    assert data["billing"]["ndcs"][0]["units_per_package"] == "35"


def test_search_an_ndc(built_catalog: Path) -> None:
    result = run("search", "55513016001", "--json", "--catalog", str(built_catalog))
    (hit,) = json.loads(result.stdout)["results"]
    assert hit["code"] == "J9039" and hit["ndc"]["units_per_package"] == "35"
    text = run("search", "55513-0160-01", "--catalog", str(built_catalog)).output
    assert "35 mcg per package = 35 units of J9039" in text


def test_info_names_missing_optional_files(tmp_path: Path) -> None:
    import sqlite3

    from medcodes.catalog.writer import create_schema

    catalog = tmp_path / "medcodes.db"
    conn = sqlite3.connect(catalog)
    create_schema(conn)
    missing = "mue-practitioner-2026-04: coverage/ncci-mue-2026-04/MCR_MUE.csv"
    conn.executemany("INSERT INTO meta VALUES (?, ?)", [("missing_sources", missing)])
    conn.commit()
    conn.close()
    result = run("info", "--catalog", str(catalog))
    assert result.exit_code == 0, result.output
    assert f"Missing (optional; built without them):\n  {missing}" in result.output
