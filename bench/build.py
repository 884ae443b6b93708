"""Build time, peak memory and `medcodes show` start-up, on the real official files.

Prints per-step times of a full `medcodes build` (run as a subprocess so its peak RSS is its
own), then a baseline run in this process: the open peer's plainer design (parse the FY2026
order files and the HCPCS file, write one SQLite FTS5 table), so the ratio shows what the
catalog's tree, notes, history, names, policies and index cost on top.

    python bench/build.py [--sources ../shared/data] [--runs 7]
"""

from __future__ import annotations

import argparse
import os
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from medcodes.sources.hcpcs import parse_hcpcs
from medcodes.sources.order_file import parse_order_file

REPO = Path(__file__).resolve().parents[1]
BUILD_SCRIPT = """
import sys, time, json
from pathlib import Path
from medcodes.catalog.build import build_catalog
from medcodes.build import build_steps
marks = []
start = time.perf_counter()
def mark(step):
    marks.append((step, time.perf_counter() - start, time.process_time()))
report = build_catalog(Path(sys.argv[1]), Path(sys.argv[2]), progress=mark, **build_steps())
marks.append(("done", report.seconds, time.process_time()))
print(json.dumps(marks))
"""
Mark = tuple[str, float, float]  # step, wall seconds since the start, CPU seconds of the process


def timed_build(sources: Path, catalog: Path) -> tuple[list[Mark], float, float, float]:
    """Per-step marks (wall and CPU: on a shared machine the CPU time is the step's own
    cost), wall seconds, peak RSS (MB) and CPU seconds of the whole build (user + system, its
    worker processes included) of one build in a child process."""
    import json

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    before, cpu_before = usage.ru_maxrss, usage.ru_utime + usage.ru_stime
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", BUILD_SCRIPT, str(sources), str(catalog)],
        check=True,
        capture_output=True,
        text=True,
    )
    wall = time.perf_counter() - started
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    peak = max(before, usage.ru_maxrss) / 1024
    cpu = usage.ru_utime + usage.ru_stime - cpu_before
    return json.loads(done.stdout.strip().splitlines()[-1]), wall, peak, cpu


def baseline_fts(sources: Path, target: Path) -> float:
    """The peer's design: titles of the FY2026 files into one FTS5 table; seconds."""
    started = time.perf_counter()
    conn = sqlite3.connect(target)
    conn.execute("CREATE VIRTUAL TABLE codes USING fts5(system, code, title)")
    rows = [
        ("ICD10CM", r.code, r.long_title)
        for r in parse_order_file(sources / "icd10cm/icd10cm_order_2026.txt.gz")
    ]
    rows += [
        ("ICD10PCS", r.code, r.long_title)
        for r in parse_order_file(sources / "icd10pcs/icd10pcs_order_2026.txt.gz")
    ]
    rows += [
        ("HCPCS", r.code, r.long_description)
        for r in parse_hcpcs(sources / "hcpcs/2026-jan/HCPC2026_JAN_ANWEB_01122026.txt.gz")
    ]
    conn.executemany("INSERT INTO codes VALUES (?, ?, ?)", rows)
    conn.commit()
    conn.close()
    return time.perf_counter() - started


def show_wall(catalog: Path, runs: int) -> tuple[float, float]:
    """Median wall ms of `medcodes show E11.9` and of a bare interpreter start."""
    medcodes = Path(sys.executable).with_name("medcodes")
    env = {**os.environ, "MEDCODES_CATALOG": str(catalog)}

    def median_ms(command: list[str]) -> float:
        times = []
        for _ in range(runs):
            started = time.perf_counter()
            subprocess.run(command, check=True, capture_output=True, env=env)
            times.append((time.perf_counter() - started) * 1000)
        return statistics.median(times)

    return median_ms([str(medcodes), "show", "E11.9"]), median_ms([sys.executable, "-c", "pass"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sources", type=Path, default=REPO.parent / "shared" / "data")
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        catalog = Path(scratch) / "medcodes.db"
        load_before = os.getloadavg()[0]
        marks, wall, peak, cpu = timed_build(args.sources, catalog)
        print(
            f"machine: {os.cpu_count()} cores; load average (1 min) {load_before:.1f} before the "
            f"build, {os.getloadavg()[0]:.1f} after (other work on the machine slows the build)"
        )
        print(
            "full build (catalog + policies + similar codes + search index); loaders run in "
            "parallel workers (CPU here is the main process's), a mark is when the build "
            "reached that step:"
        )
        ends = [(at, spent) for _, at, spent in marks[1:]] + [marks[-1][1:]]
        for (step, at, step_cpu), (end, cpu_end) in zip(marks, ends, strict=True):
            print(
                f"  {step:<28} starts {at:6.1f} s, takes {end - at:5.1f} s "
                f"(CPU {cpu_end - step_cpu:5.1f} s)"
            )
        print(
            f"  total {marks[-1][1]:.1f} s (wall incl. interpreter {wall:.1f} s); "
            f"peak RSS {peak:.0f} MB; catalog {catalog.stat().st_size / 2**20:.0f} MB"
        )
        cores = os.cpu_count() or 1
        print(
            f"  CPU {cpu:.1f} s (user + system, worker processes included): on {cores} idle "
            f"cores the wall time cannot be under {cpu / cores:.1f} s; CPU / wall "
            f"{cpu / marks[-1][1]:.2f} (cores this build got)"
        )
        base = baseline_fts(args.sources, Path(scratch) / "peer.db")
        print(
            f"baseline, same machine and run (peer design: FY2026 titles -> one FTS5 table): "
            f"{base:.1f} s; full build / baseline = {marks[-1][1] / base:.1f}x"
        )
        show, bare = show_wall(catalog, args.runs)
        print(
            f"medcodes show E11.9: median {show:.0f} ms wall incl. interpreter start "
            f"({args.runs} runs); bare `python -c pass`: {bare:.0f} ms; ratio {show / bare:.1f}x"
        )


if __name__ == "__main__":
    main()
