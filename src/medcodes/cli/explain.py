"""`medcodes explain ...`: show a code's explainer, generate explainers with an LLM, re-check them.

Registered in cli.py (`app.add_typer(explain_app, name="explain")`); it imports the shared
options and error handling from there.

`medcodes explain J9039` is short for `medcodes explain show J9039`: the group treats a first
argument that is not one of its commands as a code.
"""

from __future__ import annotations

import functools
import json
import sys
from dataclasses import asdict
from pathlib import Path
from typing import Annotated, Any

import click
import typer
from typer.core import TyperGroup

from medcodes.cli import CatalogOpt, JsonOpt, err, handles_errors, out
from medcodes.errors import MedcodesError
from medcodes.settings import Settings


class CodeFirstGroup(TyperGroup):
    """A group whose first non-option argument, when it is not a command, is a code to show."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
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


def _paths(catalog: Path | None, store: Path | None) -> tuple[Path, Path]:
    from medcodes.explain.store import default_store_path

    config = Settings(**({"catalog": catalog} if catalog else {}))
    return config.catalog, store or default_store_path(config.catalog)


def _emit_json(value: Any) -> None:
    sys.stdout.write(json.dumps(value, ensure_ascii=False, indent=2, default=str) + "\n")


@explain_app.command()
@handles_errors
def show(
    code: Annotated[str, typer.Argument(help="A code in any form: J9039, e119, 0DTJ4ZZ.")],
    system: Annotated[
        str | None, typer.Option("--system", "-s", help="HCPCS, HCPCS-MOD, ICD10CM, ICD10PCS.")
    ] = None,
    catalog: CatalogOpt = None,
    store: StoreOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Print CODE's explainer, each section with where it comes from."""
    from medcodes.catalog.read import Catalog
    from medcodes.explain import ExplainerStore, explain_code
    from medcodes.systems import parse_system

    catalog_path, store_path = _paths(catalog, store)
    with Catalog(catalog_path) as cat:
        found = cat.get(code, parse_system(system) if system else None)
        if store_path.is_file():
            with ExplainerStore(store_path) as explainers:
                explanation = explain_code(cat, found, explainers)
        else:
            explanation = explain_code(cat, found, None)
    if as_json:
        _emit_json(asdict(explanation))
        return
    say = functools.partial(out.print, markup=False)
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
    codes: Annotated[
        list[str] | None,
        typer.Argument(help="Codes or patterns (J9039, J90*, E11.); none = the whole catalog."),
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

    from medcodes.catalog.read import Catalog
    from medcodes.explain import ExplainerStore
    from medcodes.explain.generate import generate as run
    from medcodes.explain.llm import PROMPT_VERSION, Backend, LLMError, LLMWriter
    from medcodes.explain.select import select_codes

    catalog_path, store_path = _paths(catalog, store)
    config = Settings(**({"catalog": catalog_path}))
    endpoint = endpoint or config.llm_endpoint
    model = model or config.llm_model
    if not endpoint or not model:
        raise LLMError("give --endpoint and --model (or MEDCODES_LLM_ENDPOINT/_MODEL)")
    backend = Backend(
        endpoint,
        model,
        config.llm_api_key,
        response_format or config.llm_response_format,
        max_tokens,
        attempts=attempts,
    )
    writer = LLMWriter(backend)
    with Catalog(catalog_path) as cat, ExplainerStore(store_path) as explainers:
        chosen = select_codes(cat, codes or [])
        with Progress(
            TextColumn("{task.description:<24}"), BarColumn(), MofNCompleteColumn(), console=err
        ) as bar:
            task = bar.add_task("generating", total=len(chosen))
            report = run(
                cat,
                explainers,
                writer,
                chosen,
                PROMPT_VERSION,
                concurrency,
                retry_rejected,
                progress=lambda code, outcome: bar.update(
                    task, advance=1, description=f"{code} {outcome}"[:24]
                ),
            )
    writer.close()
    say = functools.partial(out.print, markup=False)
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
    from medcodes.catalog.read import Catalog
    from medcodes.explain import ExplainerStore
    from medcodes.explain.generate import check as run

    catalog_path, store_path = _paths(catalog, store)
    if not store_path.is_file():
        raise MedcodesError(f"no explainer store at {store_path}; run `medcodes explain generate`")
    with Catalog(catalog_path) as cat, ExplainerStore(store_path) as explainers:
        results = run(cat, explainers)
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
        _emit_json(rows)
        return
    say = functools.partial(out.print, markup=False)
    counts = {s: sum(r["status"] == s for r in rows) for s in ("verified", "rejected", "stale")}
    say(f"{len(rows)} stored: " + ", ".join(f"{n} {s}" for s, n in counts.items()))
    for row in rows:
        if row["status"] != "verified":
            say(f"{row['code']} ({row['model']}, {row['created_at'][:10]}): {row['status']}")
            for reason in row["reasons"]:
                say(f"  - {reason}")
