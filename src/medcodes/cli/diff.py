"""`medcodes diff A B`: the codes a release added, ended and re-described against another."""

from __future__ import annotations

from typing import Annotated

import typer

from medcodes.cli.common import (
    CatalogOpt,
    JsonOpt,
    SystemOpt,
    emit_json,
    handles_errors,
    open_codes,
    out,
)

ReleaseArg = Annotated[str, typer.Argument(help="A release: 2026-01, FY2026.")]
LABELS = {"added": "added", "ended": "ended", "redescribed": "re-described"}


@handles_errors
def diff(
    before: ReleaseArg,
    after: ReleaseArg,
    system: SystemOpt = None,
    catalog: CatalogOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Print what changed from release BEFORE to AFTER, e.g.
    `medcodes diff 2026-01 2026-07 --system HCPCS` (every system holding both without -s)."""
    with open_codes(catalog) as codes:
        diffs = codes.diff(before, after, system)
    if as_json:
        emit_json(diffs)
        return
    for found in diffs:
        counts = ", ".join(f"{n} {LABELS[kind]}" for kind, n in found.counts.items())
        out.print(f"{found.system} {found.before} -> {found.after}: {counts}", markup=False)
        for kind, label in LABELS.items():
            for change in getattr(found, kind):
                dated = change.added_date if kind == "added" else change.terminated_date
                when = f" ({dated})" if dated and kind != "redescribed" else ""
                title = change.new_title or change.old_title
                out.print(f"  {label:<12} {change.code:<9}{when} {title}", markup=False)
                if kind == "redescribed":
                    out.print(f"  {'':<12} {'':<9} was: {change.old_title}", markup=False)
