"""What policies and similar codes add to `medcodes build`: builds the catalog twice from
MEDCODES_SOURCES (default ../shared/data), without and with them, and prints the seconds of
each step, the difference, and the rows written. Usage: python bench/policies.py
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from medcodes.catalog.build import build_catalog
from medcodes.catalog.load_policies import PoliciesStep
from medcodes.similar.build import compute_similar

SOURCES = Path(
    os.environ.get("MEDCODES_SOURCES", Path(__file__).resolve().parents[2] / "shared/data")
)


def timed(seconds: dict[str, float], name: str, step: Callable[..., Any]) -> Callable[..., Any]:
    def run(*args: Any) -> Any:
        started = time.perf_counter()
        try:
            return step(*args)
        finally:
            seconds[name] = time.perf_counter() - started

    return run


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        base = build_catalog(SOURCES, Path(folder) / "base.db")
        seconds: dict[str, float] = {}
        step = PoliciesStep()
        full = build_catalog(
            SOURCES,
            Path(folder) / "full.db",
            extra_steps=(("policies", timed(seconds, "read coverage files", step.load)),),
            enrichers=(
                ("policies", timed(seconds, "write policies", step.write)),
                ("similar codes", timed(seconds, "similar codes", compute_similar)),
            ),
        )
        print(f"build without: {base.seconds:6.1f} s")
        print(f"build with:    {full.seconds:6.1f} s  (+{full.seconds - base.seconds:.1f} s)")
        for name, value in seconds.items():
            print(f"  {name:<20} {value:6.2f} s")
        conn = sqlite3.connect(Path(folder) / "full.db")
        for sql in (
            "SELECT owner_type || ' ' || doc_type, count(*) FROM policies GROUP BY 1",
            "SELECT 'policy_codes ' || reason, count(*) FROM policy_codes GROUP BY 1",
            "SELECT 'similar ' || kind, count(*) FROM similar GROUP BY 1",
        ):
            for name, count in conn.execute(sql):
                print(f"  {name:<32} {count:>8,}")
        print(f"  build warnings: {len(full.warnings)}")


if __name__ == "__main__":
    main()
