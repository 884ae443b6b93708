"""How many rules-written sentences only restate the code's title or its parent's, on active
codes drawn at random (seeded): the figure issue 15 bounds at 5%.

python bench/restatement.py [--catalog var/medcodes.db] [--size 120] [--seed 15] [--show 30]
"""

from __future__ import annotations

import argparse
import random
import time
from collections import Counter
from pathlib import Path

from medcodes.catalog.read import Catalog
from medcodes.explain import Explainer
from medcodes.explain.restatement import restatements
from medcodes.explain.select import all_codes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--catalog", type=Path, default=Path("var/medcodes.db"))
    parser.add_argument("--size", type=int, default=120)
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument("--show", type=int, default=30, help="restating sentences to print")
    args = parser.parse_args()
    started = time.perf_counter()
    with Catalog(args.catalog) as catalog:
        active = [code for code in all_codes(catalog) if code.status == "active"]
        sample = random.Random(args.seed).sample(active, args.size)
        explainer = Explainer(catalog)
        written = 0
        found = []
        for code in sample:
            count, restating = restatements(catalog, explainer.explain(code), code)
            written += count
            found += restating
    systems = Counter(code.system for code in sample)
    print(f"catalog: {args.catalog}   sample: {args.size} active codes, seed {args.seed}")
    print("  by system: " + ", ".join(f"{s} {n}" for s, n in sorted(systems.items())))
    rate = len(found) / written if written else 0.0
    print(f"rules-written sentences and bullets: {written}")
    print(f"only restating the title or parent: {len(found)} ({rate:.1%})")
    for item in found[: args.show]:
        print(f"  {item.code:<9} {item.section:<10} {item.sentence[:110]}")
    print(f"({time.perf_counter() - started:.1f} s)")


if __name__ == "__main__":
    main()
