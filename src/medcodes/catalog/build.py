"""Build the catalog file: load every source, write aside, validate, then swap in.

A failed build (bad source, failed check) leaves the previous catalog byte-for-byte as it was.

Both cores work: the code-set loaders run in worker processes (each parses its own files;
results are merged in `STEPS` order, so the file does not depend on which finished first);
then the derived artifacts (the search index) and `background` steps are computed from the
written catalog in workers while `alongside` enrichers add tables they do not read, and the
catalog is finished and checked before the index (the longest step) is waited for. The
catalog is in WAL mode meanwhile, so those readers see it as it was when they started.
"""

from __future__ import annotations

import gc
import logging
import multiprocessing
import os
import sqlite3
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from medcodes import __version__
from medcodes.catalog.load_drugs import load_drugs
from medcodes.catalog.load_hcpcs import load_hcpcs
from medcodes.catalog.load_icd10cm import load_icd10cm
from medcodes.catalog.load_icd10pcs import load_icd10pcs
from medcodes.catalog.rows import Loaded
from medcodes.catalog.writer import create_schema, write_loaded
from medcodes.errors import MedcodesError
from medcodes.sources.registry import Located, locate, missing_optional

log = logging.getLogger(__name__)

SCHEMA_VERSION = "1"
Loader = Callable[[list[Located], Path], Loaded]
STEPS: tuple[tuple[str, Loader], ...] = (
    ("HCPCS", load_hcpcs),
    ("ICD-10-CM", load_icd10cm),
    ("ICD-10-PCS", load_icd10pcs),
    ("drug names", load_drugs),
)
Progress = Callable[[str], None]
# A derived artifact (the search index): (write it aside from the temporary catalog, given the
# final path, in a worker process; swap it in beside the final path after the catalog).
Derive = tuple[Callable[[Path, Path], None], Callable[[Path], None]]
# An enricher adds tables computed from the written catalog (similar codes); returns warnings.
Enrich = Callable[[sqlite3.Connection], list[str]]
# A background step: (compute rows from the written catalog file, in a worker process while
# the derived artifacts are written; then insert them, returning warnings).
Background = tuple[Callable[[Path], Any], Callable[[sqlite3.Connection, Any], list[str]]]
# Objects allocated between two collections of the youngest generation (Python's default: 700).
BUILD_GC_THRESHOLD = 100_000


class BuildCheckFailed(MedcodesError):
    """The freshly written catalog does not match its sources; the old one is kept."""


@dataclass(slots=True)
class BuildReport:
    catalog: Path
    seconds: float
    counts: dict[str, int]
    warnings: list[str] = field(default_factory=list)


def build_catalog(
    sources_dir: Path,
    target: Path,
    progress: Progress | None = None,
    extra_steps: tuple[tuple[str, Loader], ...] = (),
    derived: tuple[tuple[str, Derive], ...] = (),
    enrichers: tuple[tuple[str, Enrich], ...] = (),
    background: tuple[tuple[str, Background], ...] = (),
    alongside: tuple[tuple[str, Enrich], ...] = (),
) -> BuildReport:
    """Build `target` from the official files in `sources_dir`, atomically.

    `progress` is called with the name of each step as it starts (the CLI draws the bar);
    `extra_steps` lets later features (policies) add loaders without touching this module;
    they run in this process (they may keep state for their enricher), while the workers
    parse. `derived` artifacts are written from the written catalog, aside, in workers, and
    swapped in only after it passed its checks; `background` steps (slow and stateless) compute
    meanwhile, and `alongside` enrichers add tables that neither reads.
    """
    started = time.perf_counter()
    notify = progress or (lambda _step: None)
    located = locate(sources_dir)
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(target.name + ".tmp")
    _remove(temporary)
    missing = [
        f"{source.name}: {' or '.join(source.candidates)}" for source in missing_optional(located)
    ]
    with _collect_less(), _workers() as pool:
        loaded = _load(pool, located, sources_dir, extra_steps, notify)
        loaded.warnings[:0] = [f"optional file missing, built without it: {m}" for m in missing]
        try:
            notify("writing catalog")
            _write(temporary, loaded, enrichers, notify, missing)
            swaps, counts = _meanwhile(
                pool, temporary, target, loaded, notify, derived, background, alongside
            )
            os.replace(temporary, target)
            for swap_in in swaps:
                swap_in(target)
        finally:
            _remove(temporary)
    seconds = time.perf_counter() - started
    log.info("built %s in %.1f s", target, seconds)
    return BuildReport(target, seconds, counts, loaded.warnings)


def _remove(catalog: Path) -> None:
    """Delete a temporary catalog with the WAL files a failed build may have left beside it."""
    for path in (catalog, *(catalog.with_name(catalog.name + end) for end in ("-wal", "-shm"))):
        path.unlink(missing_ok=True)


@contextmanager
def _collect_less() -> Iterator[None]:
    """Run the cyclic garbage collector rarely while a build holds millions of parsed rows.

    At the default schedule it rescans those long-lived rows over and over: 11.4 s of the main
    process's CPU in a full build, 3.7 s at this one (measured), for cycles the build hardly
    makes. Set before the workers fork, so they inherit it; restored afterwards."""
    before = gc.get_threshold()
    gc.set_threshold(BUILD_GC_THRESHOLD, *before[1:])
    try:
        yield
    finally:
        gc.set_threshold(*before)


def _workers() -> Executor:
    """Worker processes, one per core (forked: the loaders need nothing sent to them)."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    context = multiprocessing.get_context("fork")
    return ProcessPoolExecutor(max_workers=max(1, min(cores or 1, len(STEPS))), mp_context=context)


def _load(
    pool: Executor,
    located: list[Located],
    sources_dir: Path,
    extra_steps: tuple[tuple[str, Loader], ...],
    notify: Progress,
) -> Loaded:
    """Every loader's rows, merged in a fixed order whatever order the workers finish in."""
    futures = [pool.submit(loader, located, sources_dir) for _, loader in STEPS]
    loaded = Loaded()
    for name, loader in extra_steps:
        notify(f"reading {name}")
        loaded.extend(loader(located, sources_dir))
    merged = Loaded()
    for (name, _), future in zip(STEPS, futures, strict=True):
        notify(f"reading {name}")
        merged.extend(future.result())
    merged.extend(loaded)
    return merged


def _write(
    path: Path,
    loaded: Loaded,
    enrichers: tuple[tuple[str, Enrich], ...],
    notify: Progress,
    missing: list[str],
) -> None:
    conn = sqlite3.connect(path)
    try:
        conn.execute("PRAGMA journal_mode = OFF")
        conn.execute("PRAGMA synchronous = OFF")
        create_schema(conn)
        write_loaded(conn, loaded)
        for name, enrich in enrichers:
            notify(f"computing {name}")
            loaded.warnings.extend(enrich(conn))
        conn.executemany(
            "INSERT INTO meta VALUES (?, ?)",
            [
                ("build_id", uuid.uuid4().hex),
                ("built_at", datetime.now(UTC).isoformat(timespec="seconds")),
                ("medcodes_version", __version__),
                ("schema_version", SCHEMA_VERSION),
                ("missing_sources", "\n".join(missing)),  # optional files not found
            ],
        )
        conn.commit()
    finally:
        conn.close()


def _meanwhile(
    pool: Executor,
    path: Path,
    target: Path,
    loaded: Loaded,
    notify: Progress,
    derived: tuple[tuple[str, Derive], ...],
    background: tuple[tuple[str, Background], ...],
    alongside: tuple[tuple[str, Enrich], ...],
) -> tuple[list[Callable[[Path], None]], dict[str, int]]:
    """Everything after the catalog's first write, around the derived artifacts being written
    in workers from it (the search index: the longest step): the `alongside` enrichers'
    tables, the background rows as their workers finish, the warnings, planner statistics and
    the catalog's checks all go in meanwhile. Only then is the artifact waited for, and the
    catalog leaves WAL mode (one file again, to be renamed into place; no reader is left).
    Returns the swaps of the written artifacts and the checked counts."""
    conn = sqlite3.connect(path)
    try:
        conn.execute("PRAGMA journal_mode = WAL")  # readers keep their view while this writes
        conn.execute("PRAGMA synchronous = OFF")
        writing = [
            (name, swap, pool.submit(write, path, target)) for name, (write, swap) in derived
        ]
        jobs = [(name, store, pool.submit(compute, path)) for name, (compute, store) in background]
        for name, enrich in alongside:
            notify(f"computing {name}")
            loaded.warnings.extend(enrich(conn))
        for name, store, job in jobs:
            notify(f"computing {name}")
            loaded.warnings.extend(store(conn, job.result()))
        conn.execute("INSERT INTO meta VALUES ('warnings', ?)", ("\n".join(loaded.warnings),))
        notify("analyzing catalog")
        conn.execute("ANALYZE")  # query planner statistics; no VACUUM: nothing was deleted
        conn.commit()
        notify("checking catalog")
        counts = check_catalog(path, loaded)
        for name, _, job in writing:
            notify(f"writing {name}")
            job.result()
        conn.execute("PRAGMA journal_mode = DELETE")  # every reader is done: fold the WAL in
    finally:
        conn.close()
    return [swap for _, swap, _ in writing], counts


def check_catalog(path: Path, loaded: Loaded) -> dict[str, int]:
    """Counts per system in the file must equal what the sources held; integrity must be ok."""
    conn = sqlite3.connect(path)
    try:
        (integrity,) = conn.execute("PRAGMA integrity_check").fetchone()
        if integrity != "ok":
            raise BuildCheckFailed(f"integrity check of the new catalog failed: {integrity}")
        counts: dict[str, int] = {}
        for release in (r for r in loaded.releases if r.is_current):
            (found,) = conn.execute(
                "SELECT count(*) FROM codes WHERE system = ? AND last_release = ?",
                (release.system, release.release),
            ).fetchone()
            if found != release.codes:
                raise BuildCheckFailed(
                    f"{release.system} {release.release}: {found} codes written but the source "
                    f"holds {release.codes}; the previous catalog is kept"
                )
            counts[f"{release.system} {release.release}"] = found
        (total,) = conn.execute("SELECT count(*) FROM codes").fetchone()
        if total != len(loaded.codes):
            raise BuildCheckFailed(f"{total} codes written, {len(loaded.codes)} loaded")
        counts["all codes"] = total
        return counts
    finally:
        conn.close()
