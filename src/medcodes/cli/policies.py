"""`medcodes policies CODE` and `medcodes similar ...`: thin commands over the facade's
`policies()` and `similar()`. Listed in cli/__init__.py's COMMANDS (`policies_command` as
`policies`, `similar_app` as `similar`).
"""

from __future__ import annotations

from typing import Annotated

import typer

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
)

similar_app = typer.Typer(
    help="Similar codes: `medcodes similar CODE`; `medcodes similar embed` precomputes "
    "sentence embeddings (optional packages, ~12 minutes).",
    no_args_is_help=True,
)


@handles_errors
def policies_command(
    code: CodeArg,
    system: SystemOpt = None,
    catalog: CatalogOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """List the Medicare coverage documents and health-plan policies of CODE, with why."""
    with open_codes(catalog) as codes:
        answer = codes.policies(code, system)
    found = answer.code
    if as_json:
        emit_json(
            {
                "system": found.system,
                "code": found.code,
                "policies": [_link(x) for x in answer.to_dict()["policies"]],
            }
        )
        return
    for heading, owner_type in (("Medicare", "medicare"), ("Health plans", "health-plan")):
        group = [link for link in answer.policies if link.policy.owner_type == owner_type]
        out.print(f"{heading} ({len(group)})", markup=False)
        for link in group:
            p = link.policy
            out.print(
                f"  {p.id:<14} {p.title}  [{p.owner}; {p.edition_date or 'no date'}; "
                f"{p.status}] - {link.why}"
                + (f" ({link.listed_as})" if link.listed_as != found.code else ""),
                markup=False,
            )


def _link(link: dict[str, object]) -> dict[str, object]:
    """A policy link flattened: the policy's fields, then why it is linked."""
    policy = link.pop("policy")
    return {**policy, **link}  # type: ignore[dict-item]


@similar_app.command("show")
@handles_errors
def similar_show(
    code: CodeArg,
    system: SystemOpt = None,
    limit: Annotated[int, typer.Option(min=1, max=50)] = 12,
    catalog: CatalogOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Print codes similar to CODE, each with the reason."""
    with open_codes(catalog) as codes:
        similar = codes.similar(code, system, limit).similar
    if as_json:
        emit_json(similar)
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

    with (
        open_codes(catalog) as codes,
        Progress(
            "embedding", BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(), console=err
        ) as bar,
    ):
        task = bar.add_task("embedding", total=None)
        count, new, folder = codes.embed_similar(
            progress=lambda done, total: bar.update(task, completed=done, total=total)
        )
    out.print(f"{count:,} codes, {new:,} newly embedded -> {folder}", markup=False)
