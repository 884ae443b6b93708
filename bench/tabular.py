"""Parsing the tabular XML files: seconds per full parse (median of 5), against a baseline run
in the same process that only reads and parses the XML with lxml (no records built).

ICD-10-CM: the tabular list (the figure the old timed test asserted: < 3 s). ICD-10-PCS: the
914 tables, and decoding every billable code of the order file through them (the figures the
old timed tests of tests/sources/test_icd10pcs.py asserted: < 3 s each).

    python bench/tabular.py
"""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from medcodes.sources import icd10pcs
from medcodes.sources.files import read_bytes
from medcodes.sources.icd10cm import load_xml, parse_tabular
from medcodes.sources.icd10pcs import decode_code, parse_tables
from medcodes.sources.order_file import parse_order_file

SOURCES = Path(
    os.environ.get("MEDCODES_SOURCES", Path(__file__).resolve().parents[2] / "shared/data")
)
TABULAR = SOURCES / "icd10cm/icd10cm_tabular_2026_april1.xml.gz"
PCS_TABLES = SOURCES / "icd10pcs/icd10pcs_tables_2026.xml.gz"
PCS_ORDER = SOURCES / "icd10pcs/icd10pcs_order_2026.txt.gz"
RUNS = 5


def median_seconds(run: Callable[[], object]) -> float:
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def parse_tables_uncached(path: Path) -> list[icd10pcs.PcsTable]:
    """A build keeps the tables of the files it read (parse_tables caches them): time a parse."""
    icd10pcs._parse_tables.cache_clear()
    return parse_tables(path)


def main() -> None:
    read = median_seconds(lambda: read_bytes(TABULAR))
    xml = median_seconds(lambda: load_xml(TABULAR, "ICD10CM.tabular"))
    nodes = median_seconds(lambda: sum(1 for _ in parse_tabular(TABULAR)))
    print(f"file: {TABULAR}  ({os.getloadavg()[0]:.1f} load average)")
    print(f"read + gunzip:          {read:6.3f} s (median of {RUNS})")
    print(f"lxml parse (baseline):  {xml:6.3f} s")
    print(f"parse_tabular (nodes):  {nodes:6.3f} s  = {nodes / xml:.2f} x baseline")
    pcs_xml = median_seconds(lambda: load_xml(PCS_TABLES, "ICD10PCS.tabular"))
    pcs = median_seconds(lambda: parse_tables_uncached(PCS_TABLES))
    tables = {table.prefix: table for table in parse_tables(PCS_TABLES)}
    codes = [record.code for record in parse_order_file(PCS_ORDER) if record.billable]
    decode = median_seconds(lambda: [decode_code(tables, code) for code in codes])
    print(f"file: {PCS_TABLES}")
    print(f"lxml parse (baseline):  {pcs_xml:6.3f} s")
    print(f"parse_tables (914):     {pcs:6.3f} s  = {pcs / pcs_xml:.2f} x baseline")
    print(f"decode {len(codes):,} codes:   {decode:6.3f} s  = {decode / pcs_xml:.2f} x baseline")


if __name__ == "__main__":
    main()
