"""A full build: the catalog and everything derived from it, in one atomic step.

`build_steps()` is the one list of build steps beyond the code sets (policies, similar codes,
search index): `build()` here, `tests/conftest.py` and `bench/build.py` all use it, so a
feature that stores something adds ONE entry to it.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the loaders import lxml and more: only a build needs them
    from medcodes.catalog.build import BuildReport

Progress = Callable[[str], None]  # the name of each step as it starts
Download = Callable[[str, int, int | None], None]  # file name, bytes done, size


def build_steps() -> dict[str, Any]:
    """The parts of a full build beyond the code sets, as `build_catalog` keywords:
    `extra_steps` (loaders), `enrichers` (tables computed from the written catalog),
    `derived` (artifacts beside the catalog, written in a worker, swapped in with it),
    `alongside` (tables no derived artifact reads, computed meanwhile) and `background` (rows
    computed in a worker meanwhile, inserted after)."""
    from medcodes.catalog.knowledge import KnowledgeStep
    from medcodes.catalog.load_billing import BillingStep
    from medcodes.catalog.load_coder_tables import CoderTablesStep
    from medcodes.catalog.load_policies import PoliciesStep
    from medcodes.search.index import prepare_index, swap_in_index
    from medcodes.similar.build import add_same_drug, insert_pairs, wording_pairs

    policies = PoliciesStep()  # one per build: load() keeps what write() inserts
    billing = BillingStep()  # NDC packages, payment limits, MUEs, CMS-HCC (issue 14)
    coder_tables = CoderTablesStep()  # the same: index books and PCS tables (issue 16)
    knowledge = KnowledgeStep()  # plain-language documents linked to codes (issue 9)
    return {
        "extra_steps": (
            ("policies", policies.load),
            ("billing facts", billing.load),
            ("index books", coder_tables.load),
            ("knowledge", knowledge.load),
        ),
        # the search index reads these (same-drug names, the CMS-HCC filter)
        "enrichers": (
            ("same-drug codes", add_same_drug),
            ("billing facts", billing.write),
        ),
        # the search index reads none of these tables: written while it is (in a worker)
        "alongside": (
            ("policies", policies.write),
            ("coder tables", coder_tables.write),
            ("knowledge links", knowledge.write),
        ),
        # computed in a worker process while the search index is written
        "background": (("similar wording", (wording_pairs, insert_pairs)),),
        "derived": (("search index", (prepare_index, swap_in_index)),),
    }


def step_count() -> int:
    """How many times a build calls `progress` (a progress bar's total)."""
    from medcodes.catalog.build import STEPS

    steps = build_steps().values()
    return len(STEPS) + sum(len(v) for v in steps) + 3  # + write, analyze, check


def build(
    sources: Path | None,
    catalog: Path,
    *,
    download_dir: Path | None = None,
    progress: Progress | None = None,
    download_progress: Download | None = None,
) -> BuildReport:
    """Build `catalog` (and its search index, policies, similar codes) from the official
    files in `sources`; with `sources` None, download them into `download_dir` first (each
    file's sha256 is checked). A failed build leaves the previous catalog untouched."""
    from medcodes.catalog.build import build_catalog

    if sources is None:
        from medcodes.sources.fetch import fetch_sources

        if download_dir is None:
            raise ValueError("give `sources` or a `download_dir` to download them into")
        sources = fetch_sources(download_dir, progress=download_progress)
    return build_catalog(sources, catalog, progress=progress, **build_steps())
