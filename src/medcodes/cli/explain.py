"""`medcodes explain ...`: show a code's explainer, generate explainers with an LLM, re-check them.

Listed in cli/__init__.py's COMMANDS (`"explain": ("explain", "explain_app")`); shared options
and error handling come from cli/common.py.

`medcodes explain J9039` is short for `medcodes explain show J9039`: the group treats a first
argument that is not one of its commands as a code.
"""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import Annotated

import typer
from typer.core import TyperGroup

from medcodes.cli.common import (
    CatalogOpt,
    CodeArg,
    JsonOpt,
    SystemOpt,
    emit_json,
    err,
    handles_errors,
    open_codes,
    out,
    settings,
)
from medcodes.cli.text import plain


class CodeFirstGroup(TyperGroup):
    """A group whose first non-option argument, when it is not a command, is a code to show."""

    def parse_args(self, ctx: typer.Context, args: list[str]) -> list[str]:
        positional = [arg for arg in args if not arg.startswith("-")]
        if positional and positional[0] not in self.commands:
            args = ["show", *args]
        return super().parse_args(ctx, args)


explain_app = typer.Typer(
    cls=CodeFirstGroup,
    help="Plain-language explainers: `medcodes explain J9039`, `... generate`, `... check`.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

StoreOpt = Annotated[
    Path | None,
    typer.Option(
        "--store", help="Explainer store [default: <catalog>.explain.db beside the catalog]."
    ),
]


@explain_app.command()
@handles_errors
def show(
    code: CodeArg,
    system: SystemOpt = None,
    catalog: CatalogOpt = None,
    store: StoreOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Print CODE's explainer, each section with where it comes from."""
    with open_codes(catalog, explainers=store) as codes:
        explanation = codes.explain(code, system)
    if as_json:
        emit_json(explanation)
        return
    say = plain(out)
    say(f"{explanation.code}  {explanation.title}")
    for caveat in explanation.caveats:
        say(f"  Note: {caveat}")
    for section in explanation.sections:
        if section.provenance is None:
            say(f"\n{section.title}: not yet written")
            continue
        say(f"\n{section.title}")
        if section.text:
            say(f"  {section.text}")
        for item in section.items:
            say(f"  - {item}")
        say(f"  [{section.provenance.label()}]")


@explain_app.command()
@handles_errors
def generate(
    codes_or_patterns: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="CODES",
            help="Codes or patterns (J9039, J90*, E11.); none = the whole catalog.",
        ),
    ] = None,
    endpoint: Annotated[
        str | None,
        typer.Option(
            help="OpenAI-compatible base URL, e.g. http://127.0.0.1:8080/v1 "
            "[env MEDCODES_LLM_ENDPOINT]."
        ),
    ] = None,
    model: Annotated[str | None, typer.Option(help="Model name [env MEDCODES_LLM_MODEL].")] = None,
    response_format: Annotated[
        str | None,
        typer.Option(
            help="json_schema or json_object (llama-cpp-python) [env MEDCODES_LLM_RESPONSE_FORMAT]."
        ),
    ] = None,
    concurrency: Annotated[int, typer.Option(min=1, max=32, help="Requests in flight.")] = 2,
    attempts: Annotated[int, typer.Option(min=1, max=10, help="Tries per code.")] = 3,
    max_tokens: Annotated[int, typer.Option(min=64, max=8192)] = 900,
    retry_rejected: Annotated[
        bool, typer.Option("--retry-rejected", help="Ask again where the verifier said no.")
    ] = False,
    catalog: CatalogOpt = None,
    store: StoreOpt = None,
) -> None:
    """Write, verify and store explainers for the sections the rules writer leaves empty.

    Resumable: codes already written for this descriptor, prompt version and model are skipped.
    """
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from medcodes.errors import MedcodesError

    config = settings(catalog=catalog)
    endpoint = endpoint or config.llm_endpoint
    model = model or config.llm_model
    if not endpoint or not model:
        raise MedcodesError("give --endpoint and --model (or MEDCODES_LLM_ENDPOINT/_MODEL)")
    with (
        open_codes(catalog, explainers=store) as codes,
        Progress(
            TextColumn("{task.description:<24}"), BarColumn(), MofNCompleteColumn(), console=err
        ) as bar,
    ):
        task = bar.add_task("generating", total=None)
        report = codes.write_explainers(
            codes_or_patterns or [],
            endpoint=endpoint,
            model=model,
            api_key=config.llm_api_key,
            response_format=response_format or config.llm_response_format,
            max_tokens=max_tokens,
            attempts=attempts,
            concurrency=concurrency,
            retry_rejected=retry_rejected,
            progress=lambda code, outcome: bar.update(
                task, advance=1, description=f"{code} {outcome}"[:24]
            ),
            total=lambda count: bar.update(task, total=count),
        )
        store_path = codes.explainer_store
    say = plain(out)
    say(
        f"verified {report.verified}, rejected {report.rejected}, already stored "
        f"{report.cached}, nothing to write {report.nothing_to_write}, failed {len(report.failed)}"
    )
    say(f"store: {store_path}")
    for failure in report.failed:
        err.print(f"Failed: {failure}", markup=False)


@explain_app.command()
@handles_errors
def check(catalog: CatalogOpt = None, store: StoreOpt = None, as_json: JsonOpt = False) -> None:
    """Re-verify every stored explainer against the catalog and list the rejections."""
    with open_codes(catalog, explainers=store) as codes:
        results = codes.check_explainers()
    rows = [
        {
            "system": r.stored.system,
            "code": r.stored.code,
            "model": r.stored.model,
            "prompt_version": r.stored.prompt_version,
            "created_at": r.stored.created_at,
            "status": r.status,
            "reasons": list(r.reasons),
            "sections": [asdict(draft) for draft in r.stored.drafts],
        }
        for r in results
    ]
    if as_json:
        emit_json(rows)
        return
    say = plain(out)
    counts = {s: sum(r["status"] == s for r in rows) for s in ("verified", "rejected", "stale")}
    say(f"{len(rows)} stored: " + ", ".join(f"{n} {s}" for s, n in counts.items()))
    for row in rows:
        if row["status"] != "verified":
            say(f"{row['code']} ({row['model']}, {row['created_at'][:10]}): {row['status']}")
            for reason in row["reasons"]:
                say(f"  - {reason}")
