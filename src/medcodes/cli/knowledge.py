"""`medcodes knowledge stats`: what the plain-language documents link to and cover.

Listed in cli/__init__.py's COMMANDS as `"knowledge": ("knowledge", "knowledge_app")`.
"""

from __future__ import annotations

import typer

from medcodes.cli.common import CatalogOpt, JsonOpt, emit_json, handles_errors, open_codes, out

knowledge_app = typer.Typer(
    help="Plain-language documents (MedlinePlus, NCI, MedQuAD) linked to codes.",
    no_args_is_help=True,
)


@knowledge_app.command("stats")
@handles_errors
def stats(catalog: CatalogOpt = None, as_json: JsonOpt = False) -> None:
    """Links per kind and source, and per system the share of billable codes with at least
    one section quoted from a source."""
    with open_codes(catalog) as codes:
        answer = codes.knowledge_stats()
    if as_json:
        emit_json(answer)
        return
    from medcodes.cli.text import plain

    say = plain(out)
    say(f"Knowledge: {answer.built_with}")
    if not answer.links:
        return
    say(f"{'kind':<11} {'source':<18} {'links':>8} {'codes':>8} {'documents':>9}")
    for row in answer.links:
        say(f"{row.kind:<11} {row.source:<18} {row.links:>8,} {row.codes:>8,} {row.documents:>9,}")
    say("Billable codes with at least one section quoted from a source:")
    for row in answer.coverage:
        say(
            f"  {row.system:<9} {row.with_section:>7,} of {row.billable:>7,} "
            f"({row.share:.1%}); linked to a document: {row.linked:,}"
        )
