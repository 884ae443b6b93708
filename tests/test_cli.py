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
    assert counts[("HCPCS", "2026-01")][0] == 8_623


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
