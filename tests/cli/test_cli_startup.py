"""What `medcodes show` and `medcodes explain` import: only what they print (issue 9 holds them
under 300 ms, and imports are most of that; bench/startup.py times them, tests never do)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

# Runs one command in a fresh interpreter, then prints the medcodes modules it loaded.
LOADED = """
import contextlib, io, json, sys
from medcodes.cli import app
with contextlib.redirect_stdout(io.StringIO()), contextlib.suppress(SystemExit):
    app(sys.argv[1:])
print(json.dumps(sorted(m for m in sys.modules if m.startswith(("medcodes", "click")))))
"""
# Never needed to show or explain one code: other commands, search, the build, the coder's books.
NEVER = {
    "click",  # typer carries its own
    "medcodes.build",
    "medcodes.catalog.build",
    "medcodes.catalog.coder_tables",
    "medcodes.catalog.validity",
    "medcodes.cli.build",
    "medcodes.cli.search",
    "medcodes.cli.serve",
    "medcodes.search.model",
    "medcodes.sources.knowledge.model",
}


def loaded(catalog: Path, *args: str) -> set[str]:
    done = subprocess.run(
        [sys.executable, "-c", LOADED, *args, "--catalog", str(catalog)],
        check=True,
        capture_output=True,
        text=True,
    )
    return set(json.loads(done.stdout))


@pytest.mark.parametrize("code", ["E11.9", "0DTJ4ZZ"])
def test_show_text_loads_no_explainer(built_catalog: Path, code: str) -> None:
    modules = loaded(built_catalog, "show", code)
    assert "medcodes.code_view" in modules
    assert not modules & NEVER
    # the text prints no explanation: no writer, no facts reader, no glossary
    assert not modules & {"medcodes.explain.explainer", "medcodes.explain.facts"}


def test_explain_loads_no_code_view(built_catalog: Path) -> None:
    modules = loaded(built_catalog, "explain", "E11.9")
    assert "medcodes.explain.explainer" in modules
    assert not modules & (NEVER | {"medcodes.code_view", "medcodes.catalog.billing"})
