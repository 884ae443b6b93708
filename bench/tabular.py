"""Parsing the ICD-10-CM tabular XML: seconds per full parse (median of 5), against a baseline
run in the same process that only reads and parses the XML with lxml (no records built).
This is the figure the old timed test asserted (< 3 s). Usage: python bench/tabular.py
"""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from medcodes.sources.files import read_bytes
from medcodes.sources.icd10cm import load_xml, parse_tabular

SOURCES = Path(
    os.environ.get("MEDCODES_SOURCES", Path(__file__).resolve().parents[2] / "shared/data")
)
TABULAR = SOURCES / "icd10cm/icd10cm_tabular_2026_april1.xml.gz"
RUNS = 5


def median_seconds(run: Callable[[], object]) -> float:
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    read = median_seconds(lambda: read_bytes(TABULAR))
    xml = median_seconds(lambda: load_xml(TABULAR, "ICD10CM.tabular"))
    nodes = median_seconds(lambda: sum(1 for _ in parse_tabular(TABULAR)))
    print(f"file: {TABULAR}  ({os.getloadavg()[0]:.1f} load average)")
    print(f"read + gunzip:          {read:6.3f} s (median of {RUNS})")
    print(f"lxml parse (baseline):  {xml:6.3f} s")
    print(f"parse_tabular (nodes):  {nodes:6.3f} s  = {nodes / xml:.2f} x baseline")


if __name__ == "__main__":
    main()
