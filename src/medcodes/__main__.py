"""The `medcodes` command (console script) and `python -m medcodes`.

A command is a short process that first makes many long-lived objects: the modules it imports
and their ~140 dataclasses (each compiles its methods), then the catalog's small caches. With
Python's default schedule the young generation is collected every 700 allocations, rescanning
those objects again and again: about 15% of `medcodes show`'s start-up, for no garbage
(bench/build.py prints the start-up). So the command line collects rarely; the build still
sets its own schedule (catalog/build.py) and a server freezes what it loaded (web/site.py).
"""

from __future__ import annotations

import gc

# Objects allocated between two collections of the youngest generation (Python's default: 700).
COMMAND_GC_THRESHOLD = 50_000


def main() -> None:
    gc.set_threshold(COMMAND_GC_THRESHOLD)
    from medcodes.cli import app

    app()


if __name__ == "__main__":
    main()
