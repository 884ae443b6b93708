"""`medcodes policies CODE` and `medcodes similar ...`: thin commands over catalog.policies and
similar/. Registered in cli.py (`app.command("policies")(policies_command)`,
`app.add_typer(similar_app, name="similar")`).
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated

import typer

from medcodes.cli import CatalogOpt, JsonOpt, SystemOpt, emit_json, err, handles_errors, out
from medcodes.cli import settings as resolve_settings

similar_app = typer.Typer(
    help="Similar codes: `medcodes similar CODE`; `medcodes similar embed` precomputes "
    "sentence embeddings (optional packages, ~12 minutes).",
    no_args_is_help=True,
)


@handles_errors
def policies_command(
    code: Annotated[str, typer.Argument(help="A code in any form: J9039, e119.")],
    system: SystemOpt = None,
    catalog: CatalogOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """List the Medicare coverage documents and health-plan policies of CODE, with why."""
    from medcodes.catalog.policies import policies_for
    from medcodes.catalog.read import Catalog
    from medcodes.systems import parse_system

    with Catalog(resolve_settings(catalog=catalog).catalog) as cat:
        found = cat.get(code, parse_system(system) if system else None)
        links = policies_for(cat, found)
    if as_json:
        emit_json(
            {"system": found.system, "code": found.code, "policies": [_link(x) for x in links]}
        )
        return
    for heading, owner_type in (("Medicare", "medicare"), ("Health plans", "health-plan")):
        group = [link for link in links if link.policy.owner_type == owner_type]
        out.print(f"{heading} ({len(group)})", markup=False)
        for link in group:
            p = link.policy
            out.print(
                f"  {p.id:<14} {p.title}  [{p.owner}; {p.edition_date or 'no date'}; "
                f"{p.status}] - {link.why}"
                + (f" ({link.listed_as})" if link.listed_as != found.code else ""),
                markup=False,
            )


def _link(link: object) -> dict[str, object]:
    data = asdict(link)  # type: ignore[call-overload]
    return {**data.pop("policy"), **data}


@similar_app.command("show")
@handles_errors
def similar_show(
    code: Annotated[str, typer.Argument(help="A code in any form: J9039, e119.")],
    system: SystemOpt = None,
    limit: Annotated[int, typer.Option(min=1, max=50)] = 12,
    catalog: CatalogOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Print codes similar to CODE, each with the reason."""
    from medcodes.catalog.read import Catalog
    from medcodes.similar import similar_codes
    from medcodes.systems import parse_system

    with Catalog(resolve_settings(catalog=catalog).catalog) as cat:
        found = cat.get(code, parse_system(system) if system else None)
        similar = similar_codes(cat, found, limit)
    if as_json:
        emit_json([asdict(item) for item in similar])
        return
    for item in similar:
        out.print(
            f"{item.system:<9} {item.code:<9} {item.title[:70]}  - {item.reason}", markup=False
        )


@similar_app.command("embed")
@handles_errors
def similar_embed(catalog: CatalogOpt = None) -> None:
    """Compute sentence embeddings for every code (cached by text; rebuilds reuse them)."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    from medcodes.similar.embeddings import embed_catalog, embeddings_dir

    path = resolve_settings(catalog=catalog).catalog
    with Progress(
        "embedding", BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(), console=err
    ) as bar:
        task = bar.add_task("embedding", total=None)
        codes, new = embed_catalog(
            path, progress=lambda done, total: bar.update(task, completed=done, total=total)
        )
    out.print(f"{codes:,} codes, {new:,} newly embedded -> {embeddings_dir(path)}", markup=False)
