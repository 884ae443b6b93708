"""`medcodes show CODE` and `medcodes explain CODE` as a person runs them: one process each.

Prints, per command, the median wall and user-CPU milliseconds of many runs, beside a bare
interpreter start (`python -c pass`, the floor no command can go under) run in the same loop,
so the ratio stays readable on a shared machine. With --against OTHER (another install's
`medcodes`, e.g. main's), each run of this install is followed by one of OTHER, so both see the
same load, and the ratio new / old is printed too. Issue 9 holds these commands under 300 ms.

    python bench/startup.py --catalog var/medcodes.db [--runs 15] [--against PATH/medcodes]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
COMMANDS = (("show", "E11.9"), ("explain", "E11.9"), ("show", "J9039"), ("explain", "0DTJ4ZZ"))


def timed_ms(command: list[str]) -> tuple[float, float]:
    """Wall and user-CPU milliseconds of one run (CPU: the child's own, whatever the load)."""
    user_before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_utime
    started = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True)
    wall = time.perf_counter() - started
    user = resource.getrusage(resource.RUSAGE_CHILDREN).ru_utime - user_before
    return wall * 1000, user * 1000


def medians(command: list[str], others: list[list[str]], runs: int) -> list[tuple[float, float]]:
    """Median (wall, user) ms of `command` and of each of `others`, run in turn `runs` times."""
    commands = [command, *others]
    samples: list[list[tuple[float, float]]] = [[] for _ in commands]
    for _ in range(runs):
        for sample, each in zip(samples, commands, strict=True):
            sample.append(timed_ms(each))
    return [
        (statistics.median(w for w, _ in sample), statistics.median(u for _, u in sample))
        for sample in samples
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--catalog", type=Path, default=REPO / "var" / "medcodes.db")
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--against", type=Path, help="another install's `medcodes` to compare")
    options = parser.parse_args()
    medcodes = str(Path(sys.executable).with_name("medcodes"))
    bare = [sys.executable, "-c", "pass"]
    print(
        f"median of {options.runs} runs, wall / user CPU ms; load average "
        f"{os.getloadavg()[0]:.1f} ({os.cpu_count()} cores, shared)"
    )
    if os.environ.get("PYTHONDONTWRITEBYTECODE"):
        print(
            "  PYTHONDONTWRITEBYTECODE is set: an editable install compiles every medcodes module "
            "it imports on every run (a wheel install or a written __pycache__ does not)"
        )
    for args in COMMANDS:
        tail = [*args, "--catalog", str(options.catalog)]
        others = [bare] + ([[str(options.against), *tail]] if options.against else [])
        (wall, user), (bare_wall, bare_user), *old = medians(
            [medcodes, *tail], others, options.runs
        )
        line = (
            f"  medcodes {' '.join(args):<16} {wall:4.0f} / {user:4.0f} ms   "
            f"python -c pass {bare_wall:3.0f} / {bare_user:3.0f} ms   ratio {wall / bare_wall:.1f}x"
        )
        if old:
            old_wall, old_user = old[0]
            line += (
                f"   against {old_wall:4.0f} / {old_user:4.0f} ms   "
                f"new / old {wall / old_wall:.2f} wall, {user / old_user:.2f} CPU"
            )
        print(line)


if __name__ == "__main__":
    main()
