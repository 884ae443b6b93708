"""`medcodes build`: the catalog and everything derived from it, from the official files."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from medcodes.cli.common import CatalogOpt, err, handles_errors, out, settings


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

    from medcodes.api import build as build_all
    from medcodes.api import step_count

    config = settings(sources=sources, catalog=catalog)
    total = step_count()
    with Progress(
        TextColumn("{task.description:<28}"),
        BarColumn(),
        TimeElapsedColumn(),
        console=err,
    ) as bar:
        download = bar.add_task("downloading sources", total=None, visible=not config.sources)
        task = bar.add_task("building", total=total)
        report = build_all(
            config.sources,
            config.catalog,
            download_dir=config.download_dir,
            progress=lambda step: bar.update(task, description=step, advance=1),
            download_progress=lambda name, done, size: bar.update(
                download, description=f"downloading {name[:16]}", completed=done, total=size
            ),
        )
        bar.update(task, description="done", completed=total)
    for warning in report.warnings:
        sys.stderr.write(f"Warning: {warning}\n")
    out.print(f"Built {report.catalog} in {report.seconds:.1f} s", markup=False)
    for name, count in report.counts.items():
        out.print(f"  {name}: {count:,}", markup=False)
