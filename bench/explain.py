"""Rules-writer explainers for every code in the catalog: codes/s, total time, median per code.

python bench/explain.py [--catalog var/medcodes.db]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import time
from collections import Counter
from pathlib import Path

from medcodes.catalog.read import Catalog
from medcodes.explain import Explainer
from medcodes.explain.select import all_codes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--catalog", type=Path, default=Path("var/medcodes.db"))
    args = parser.parse_args()
    print(f"load average at the start: {os.getloadavg()[0]:.1f} (2 cores, shared)")
    with Catalog(args.catalog) as catalog:
        start = time.perf_counter()
        codes = list(all_codes(catalog))
        listed = time.perf_counter() - start
        explainer = Explainer(catalog)
        per_code: list[float] = []
        written: Counter[str] = Counter()
        empty = 0
        for code in codes:
            began = time.perf_counter()
            explanation = explainer.explain(code)
            per_code.append(time.perf_counter() - began)
            done = [s.key for s in explanation.sections if s.status == "written"]
            written.update(done)
            empty += not done
        total = time.perf_counter() - start
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"catalog: {args.catalog}   load average at the end: {os.getloadavg()[0]:.1f}")
    print(f"codes explained: {len(codes):,} (listing took {listed:.1f} s)")
    print(f"total time: {total:.1f} s   rate: {len(codes) / total:,.0f} codes/s")
    print(
        f"per code: median {statistics.median(per_code) * 1000:.3f} ms, "
        f"p99 {statistics.quantiles(per_code, n=100)[98] * 1000:.3f} ms, "
        f"max {max(per_code) * 1000:.1f} ms"
    )
    print(f"peak RSS: {rss_mb:,.0f} MB   codes with no written section: {empty}")
    print("sections written by the rules writer:")
    for key, count in written.most_common():
        print(f"  {key:<20} {count:>7,}")


if __name__ == "__main__":
    main()
