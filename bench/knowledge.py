"""What plain-language knowledge costs: its build step, and `medcodes show` / `explain`.

Prints (1) the knowledge step of a build (reading the documents, then linking them to the
codes of a built catalog) as CPU and wall seconds, run on a copy of the catalog in a child
process; (2) the wall time of `medcodes show CODE` and `medcodes explain CODE` as
subprocesses, with the same commands on a copy whose knowledge tables are empty as the
baseline (ratio = with / without). The machine's load average is printed with each part:
wall times on a shared machine say more with it.

    python bench/knowledge.py --catalog var/medcodes.db [--sources ../shared/data] [--runs 5]
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CODES = ("J9039", "C91.00", "G0105", "0DJD8ZZ", "E11.9", "0SR901Z", "S72.001A")
TABLES = ("knowledge_links", "knowledge_uses", "knowledge_passages", "knowledge_documents")
STEP_SCRIPT = """
import resource, sqlite3, sys, time
from pathlib import Path
from medcodes.catalog.knowledge import KnowledgeStep
conn = sqlite3.connect(sys.argv[1])
for table in sys.argv[3:]:
    conn.execute(f"DELETE FROM {table}")
conn.execute("DELETE FROM meta WHERE key = 'knowledge'")
def cpu():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime
step = KnowledgeStep()
c0, w0 = cpu(), time.perf_counter()
step.load([], Path(sys.argv[2]))
c1, w1 = cpu(), time.perf_counter()
step.write(conn)
conn.commit()
c2, w2 = cpu(), time.perf_counter()
print(f"{c1 - c0:.2f} {w1 - w0:.2f} {c2 - c1:.2f} {w2 - w1:.2f}")
"""


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def step_times(catalog: Path, sources: Path) -> list[float]:
    with tempfile.TemporaryDirectory() as folder:
        copy = Path(folder) / "copy.db"
        shutil.copy(catalog, copy)
        done = subprocess.run(
            [sys.executable, "-c", STEP_SCRIPT, str(copy), str(sources), *TABLES],
            check=True,
            capture_output=True,
            text=True,
        )
    return [float(x) for x in done.stdout.split()]


def command_ms(catalog: Path, args: list[str], runs: int) -> float:
    times = []
    env = {**os.environ, "MEDCODES_CATALOG": str(catalog)}
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(
            [str(Path(sys.executable).parent / "medcodes"), *args],
            check=True,
            capture_output=True,
            env=env,
        )
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def without_knowledge(catalog: Path, folder: Path) -> Path:
    """A copy of the catalog (and its search index) with empty knowledge tables."""
    copy = folder / catalog.name
    shutil.copy(catalog, copy)
    index = catalog.with_name(catalog.name + ".index")
    if index.is_dir():
        shutil.copytree(index, folder / index.name)
    with sqlite3.connect(copy) as conn:
        for table in TABLES:
            conn.execute(f"DELETE FROM {table}")
    return copy


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--catalog", type=Path, default=REPO / "var" / "medcodes.db")
    parser.add_argument("--sources", type=Path, default=REPO.parent / "shared" / "data")
    parser.add_argument("--runs", type=int, default=5)
    options = parser.parse_args()
    knowledge = options.sources / "knowledge"
    print(f"knowledge build step (load average {load()}):")
    read_cpu, read_wall, link_cpu, link_wall = step_times(options.catalog, options.sources)
    print(f"  read {knowledge}: cpu {read_cpu:.1f} s, wall {read_wall:.1f} s")
    print(f"  link and write:   cpu {link_cpu:.1f} s, wall {link_wall:.1f} s")
    print(
        f"  total:            cpu {read_cpu + link_cpu:.1f} s, wall {read_wall + link_wall:.1f} s"
    )
    print(f"command wall time, median of {options.runs} (load average {load()}):")
    with tempfile.TemporaryDirectory() as folder:
        baseline = without_knowledge(options.catalog, Path(folder))
        for command in ("show", "explain"):
            for code in CODES:
                with_ms = command_ms(options.catalog, [command, code], options.runs)
                base_ms = command_ms(baseline, [command, code], options.runs)
                print(
                    f"  medcodes {command:<7} {code:<9} {with_ms:7.0f} ms   "
                    f"without knowledge {base_ms:7.0f} ms   ratio {with_ms / base_ms:.2f}"
                )


if __name__ == "__main__":
    main()
