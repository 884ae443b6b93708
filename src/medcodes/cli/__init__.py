"""`medcodes` command line: one Typer app, one module per group of commands.

Each command resolves settings, opens the library facade (`medcodes.api.Medcodes`), calls one
method and prints (cli/common.py has the shared options and error handling). A new command
goes in a module of its own and is registered here with one line. Heavy modules (search
engine, web server) are imported inside the commands that need them, so `medcodes show`
starts fast.
"""

from __future__ import annotations

import logging
from typing import Annotated

import typer

from medcodes.cli import build, codes, diff, explain, mcp, policies, search, serve
from medcodes.settings import Settings

app = typer.Typer(
    help="Search and explain US medical codes (HCPCS, ICD-10-CM, ICD-10-PCS) "
    "from the official CMS/CDC releases.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback()
def main(
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log progress facts.")] = False,
) -> None:
    level = "INFO" if verbose else Settings().log_level
    logging.basicConfig(level=level.upper(), format="%(levelname)s %(name)s: %(message)s")


app.command()(build.build)
app.command()(codes.show)
app.command()(codes.info)
app.command()(diff.diff)
app.command()(search.search)
app.command("eval")(search.evaluate)
app.command("policies")(policies.policies_command)
app.command("serve")(serve.serve_command)
app.command("mcp")(mcp.mcp)
app.add_typer(explain.explain_app, name="explain")
app.add_typer(policies.similar_app, name="similar")
