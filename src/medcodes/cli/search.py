"""`medcodes search` (words or a code; one JSON line per stdin query) and `medcodes eval`."""

from __future__ import annotations

import sys
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from medcodes.cli.common import CatalogOpt, JsonOpt, emit_json, handles_errors, open_codes, out

if TYPE_CHECKING:
    from medcodes.api import SearchResult


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
    hcc_v28: Annotated[
        bool, typer.Option("--hcc-v28", help="Only codes that map to a CMS-HCC V28 category.")
    ] = False,
    explain: Annotated[bool, typer.Option("--explain", help="Print the query plan.")] = False,
    catalog: CatalogOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Find codes from words, a code or an NDC: `medcodes search blincyto`, `... e11.`,
    `... 55513-0160-01`."""
    options: dict[str, Any] = {
        "systems": system or (),
        "billable_only": billable,
        "include_terminated": include_terminated,
        "active_on": active_on,
        "within": within,
        "limit": limit,
        "offset": offset,
        "hcc_v28": hcc_v28,
    }
    with open_codes(catalog) as codes:
        if query is None:
            for line in sys.stdin:
                emit_json(result_json(codes.search(line.rstrip("\n"), **options)), indent=False)
            return
        result = codes.search(query, **options)
    if explain:
        emit_json(result.plan)
    if as_json:
        emit_json(result_json(result))
        return
    from medcodes.cli.text import print_hits

    print_hits(out, result)


def result_json(result: SearchResult) -> dict[str, Any]:
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
                "ndc": hit.ndc,  # the package, for a hit found from an NDC
            }
            for hit in result.hits
        ],
        "filter_facets": result.filter_facets,
    }


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
    with open_codes(catalog) as codes:
        scores = codes.evaluate(query_set)
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
