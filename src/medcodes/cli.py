"""`medcodes` command line: a thin layer that resolves settings, calls one library function,
and prints. User errors (MedcodesError) become `Error: ...` on stderr and exit code 1.

Heavy modules (search engine, web server) are imported inside the commands that need them
so that `medcodes show` starts fast.
"""

from __future__ import annotations

import functools
import json
import logging
import sys
from collections.abc import Callable
from dataclasses import asdict, replace
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console

from medcodes.errors import MedcodesError
from medcodes.settings import Settings

app = typer.Typer(
    help="Search and explain US medical codes (HCPCS, ICD-10-CM, ICD-10-PCS) "
    "from the official CMS/CDC releases.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False)

CatalogOpt = Annotated[
    Path | None,
    typer.Option(
        "--catalog", help="Catalog file [env MEDCODES_CATALOG; default: per-user data dir]"
    ),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")]
SystemOpt = Annotated[
    str | None, typer.Option("--system", "-s", help="HCPCS, HCPCS-MOD, ICD10CM or ICD10PCS.")
]
F = TypeVar("F", bound=Callable[..., Any])


def handles_errors(function: F) -> F:
    """Turn MedcodesError into `Error: ...` and exit 1; anything else is a bug and propagates."""

    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return function(*args, **kwargs)
        except MedcodesError as exc:
            sys.stderr.write(f"Error: {exc}\n")
            raise typer.Exit(1) from None

    return wrapper  # type: ignore[return-value]


def settings(**flags: Any) -> Settings:
    """Flag > environment > default."""
    return Settings(**{key: value for key, value in flags.items() if value is not None})


def emit_json(value: Any) -> None:
    sys.stdout.write(json.dumps(value, ensure_ascii=False, indent=2, default=str) + "\n")


@app.callback()
def main(
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log progress facts.")] = False,
) -> None:
    level = "INFO" if verbose else Settings().log_level
    logging.basicConfig(level=level.upper(), format="%(levelname)s %(name)s: %(message)s")


def build_steps() -> dict[str, Any]:
    """The parts of a full build beyond the code sets (policies, similar codes, search index):
    the one list the CLI and the test fixtures share."""
    from medcodes.catalog.knowledge import KnowledgeStep
    from medcodes.catalog.load_policies import PoliciesStep
    from medcodes.search.index import prepare_index
    from medcodes.similar.build import compute_similar

    policies = PoliciesStep()  # one per build: load() keeps what write() inserts
    knowledge = KnowledgeStep()
    return {
        "extra_steps": (("policies", policies.load), ("knowledge", knowledge.load)),
        "enrichers": (
            ("policies", policies.write),
            ("similar codes", compute_similar),
            ("knowledge links", knowledge.write),
        ),
        "derived": (("search index", prepare_index),),
    }


@app.command()
@handles_errors
def build(
    sources: Annotated[
        Path | None,
        typer.Option(
            "--sources",
            help="Folder of official files [env MEDCODES_SOURCES]; "
            "without it the files are downloaded from CMS/CDC.",
        ),
    ] = None,
    catalog: CatalogOpt = None,
) -> None:
    """Build the catalog (and its search index) from the official files, atomically."""
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from medcodes.catalog.build import STEPS, build_catalog
    from medcodes.sources.fetch import fetch_sources

    config = settings(sources=sources, catalog=catalog)
    parts = build_steps()
    total = len(STEPS) + sum(len(v) for v in parts.values()) + 3  # + write, analyze, check
    with Progress(
        TextColumn("{task.description:<28}"),
        BarColumn(),
        TimeElapsedColumn(),
        console=err,
    ) as bar:
        source_dir = config.sources
        if source_dir is None:
            task = bar.add_task("downloading sources", total=None)
            source_dir = fetch_sources(
                config.download_dir,
                progress=lambda name, done, size: bar.update(
                    task, description=f"downloading {name[:16]}", completed=done, total=size
                ),
            )
        task = bar.add_task("building", total=total)
        report = build_catalog(
            source_dir,
            config.catalog,
            progress=lambda step: bar.update(task, description=step, advance=1),
            **parts,
        )
        bar.update(task, description="done", completed=total)
    for warning in report.warnings:
        sys.stderr.write(f"Warning: {warning}\n")
    out.print(f"Built {report.catalog} in {report.seconds:.1f} s", markup=False)
    for name, count in report.counts.items():
        out.print(f"  {name}: {count:,}", markup=False)


@app.command()
@handles_errors
def show(
    code: Annotated[str, typer.Argument(help="A code in any form: J9039, e119, E11.9, 0DTJ4ZZ.")],
    system: SystemOpt = None,
    catalog: CatalogOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Print everything known about CODE, e.g. `medcodes show e119`."""
    from medcodes.catalog.policies import policies_for
    from medcodes.catalog.read import Catalog
    from medcodes.cli_text import print_details
    from medcodes.similar import similar_codes
    from medcodes.systems import parse_system

    chosen = parse_system(system) if system else None
    with Catalog(settings(catalog=catalog).catalog) as cat:
        found = cat.get(code, chosen)
        details = cat.details(found)
        policies = policies_for(cat, found)
        similar = similar_codes(cat, found)
    if as_json:
        emit_json(
            {
                **asdict(details),
                "policies": [asdict(p) for p in policies],
                "similar": [asdict(s) for s in similar],
            }
        )
    else:
        print_details(out, details, policies, similar)


@app.command()
@handles_errors
def info(catalog: CatalogOpt = None, as_json: JsonOpt = False) -> None:
    """Print the catalog's manifest: sources, releases and counts per system."""
    from medcodes.catalog.read import Catalog
    from medcodes.cli_text import print_info

    config = settings(catalog=catalog)
    with Catalog(config.catalog) as cat:
        report = {
            "catalog": str(config.catalog),
            "meta": cat.meta(),
            "releases": [asdict(r) for r in cat.releases()],
            "sources": [asdict(s) for s in cat.sources()],
            "settings": config.public(),
        }
    if as_json:
        emit_json(report)
    else:
        print_info(out, report)


@app.command()
@handles_errors
def search(
    query: Annotated[
        str | None, typer.Argument(help="Words or a code; omit to read one query per line.")
    ] = None,
    system: Annotated[
        list[str] | None, typer.Option("--system", "-s", help="Only this system (repeatable).")
    ] = None,
    limit: Annotated[int, typer.Option(min=1, max=500)] = 10,
    offset: Annotated[int, typer.Option(min=0, max=10_000)] = 0,
    billable: Annotated[bool, typer.Option("--billable", help="Billable codes only.")] = False,
    include_terminated: Annotated[
        bool, typer.Option("--include-terminated", help="Also codes no longer valid.")
    ] = False,
    active_on: Annotated[
        str | None, typer.Option(help="Codes valid on this date (YYYY-MM-DD).")
    ] = None,
    within: Annotated[
        str | None, typer.Option(help="Only below this chapter, category, table or group.")
    ] = None,
    explain: Annotated[bool, typer.Option("--explain", help="Print the query plan.")] = False,
    catalog: CatalogOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Find codes from words or a code: `medcodes search blincyto`, `medcodes search e11.`."""
    from medcodes.search import SearchQuery, open_searcher
    from medcodes.search.query import parse_day, plan
    from medcodes.systems import parse_system

    searcher = open_searcher(settings(catalog=catalog).catalog)
    base = SearchQuery(
        text="",
        systems=tuple(parse_system(s).value for s in system or ()),
        billable_only=billable,
        include_terminated=include_terminated,
        active_on=parse_day(active_on) if active_on else None,
        within=within,
        limit=limit,
        offset=offset,
    )
    if query is None:
        for line in sys.stdin:
            result = searcher.search(replace(base, text=line.rstrip("\n")))
            sys.stdout.write(json.dumps(result_json(result), ensure_ascii=False) + "\n")
        return
    if explain:
        emit_json(asdict(plan(query)))
    result = searcher.search(replace(base, text=query))
    if as_json:
        emit_json(result_json(result))
        return
    from medcodes.cli_text import print_hits

    print_hits(out, result)


def result_json(result: Any) -> dict[str, Any]:
    """The line format of `medcodes search` (stdin mode and --json)."""
    return {
        "query": result.query,
        "took_ms": result.took_ms,
        "total": result.total,
        "message": result.message,
        "did_you_mean": result.did_you_mean,
        "results": [
            {
                "system": hit.system,
                "code": hit.code,
                "title": hit.title,
                "score": hit.score,
                "status": hit.status,
                "matched": asdict(hit.matched),
            }
            for hit in result.hits
        ],
    }


@app.command("eval")
@handles_errors
def evaluate(
    query_set: Annotated[Path, typer.Argument(help="TSV: query, accepted codes, kind.")],
    catalog: CatalogOpt = None,
    as_json: JsonOpt = False,
    misses: Annotated[
        bool, typer.Option("--misses", help="List queries with no hit in 10.")
    ] = False,
) -> None:
    """Score a query set: hit@1, hit@10 and MRR overall and per kind."""
    from medcodes.search import SearchQuery, open_searcher
    from medcodes.search.evaluate import evaluate as score
    from medcodes.search.evaluate import read_query_set

    searcher = open_searcher(settings(catalog=catalog).catalog)
    queries = read_query_set(query_set)
    scores = score(
        queries,
        lambda text: [hit.code for hit in searcher.search(SearchQuery(text, limit=10)).hits],
    )
    table = {kind: value.as_dict() for kind, value in sorted(scores.items())}
    if as_json:
        emit_json(table)
        return
    out.print(f"{'kind':<10} {'queries':>7} {'hit@1':>6} {'hit@10':>6} {'mrr':>6}", markup=False)
    for kind, row in table.items():
        out.print(
            f"{kind:<10} {row['queries']:>7} {row['hit@1']:>6.3f} {row['hit@10']:>6.3f} "
            f"{row['mrr']:>6.3f}",
            markup=False,
        )
    if misses:
        for query in scores["all"].misses:
            out.print(f"miss: {query}", markup=False)


def _register_feature_commands() -> None:
    """Commands that live in their own modules (they import helpers from this one)."""
    from medcodes.cli_explain import explain_app
    from medcodes.cli_policies import policies_command, similar_app
    from medcodes.cli_web import serve_command

    app.add_typer(explain_app, name="explain")
    app.command("policies")(policies_command)
    app.add_typer(similar_app, name="similar")
    app.command("serve")(handles_errors(serve_command))


_register_feature_commands()
