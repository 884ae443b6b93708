"""HTTP throughput of `medcodes serve` measured with wrk: a baseline route, search, code pages.

Starts the server on 127.0.0.1 (free port, `--workers`), runs each scenario `--runs` times for
`--seconds` each, prints the median requests/s, latency p50/p99 and errors, then stops it.
Search is measured three ways: 40 popular queries (steady state of the per-worker result
cache); requests that are all distinct (dev-set queries x limits x system filters, never
repeated: every one runs the engine), so the cache's share of the figure is visible; and as you
type: every query of the dev and as-you-type sets typed letter by letter, one request per
keystroke, as an autocomplete widget sends them (each run another endpoint: the CTSS tables
and the site's search API, so no run repeats another's requests).

    python bench/http.py [--catalog var/medcodes.db] [--workers 2] [--seconds 8] [--runs 3]
"""

from __future__ import annotations

import sys
from pathlib import Path

# Run as a script, this file's folder leads sys.path and `bench/http.py` would shadow the
# standard library's `http` package that urllib imports: move the folder to the end (its
# `loadgen` module is still found).
BENCH = Path(__file__).parent.resolve()
sys.path = [p for p in sys.path if Path(p or ".").resolve() != BENCH] + [str(BENCH)]

import argparse  # noqa: E402
import os  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import time  # noqa: E402
from urllib.parse import quote  # noqa: E402
from urllib.request import urlopen  # noqa: E402

from loadgen import free_port, rotating_script, run_wrk, sample_codes  # noqa: E402

QUERIES = [
    "blincyto", "diabetes", "type 2 diabetes", "fracture of femur", "heart attack",
    "e11.9", "j9039", "appendectomy", "wheelchair", "pneumonia", "asthma", "hip replacement",
    "insulin", "colonoscopy", "covid", "hypertension", "breast cancer", "knee arthroscopy",
    "ambulance", "oxygen", "chemotherapy", "depression", "migraine", "sepsis", "I10",
    "0DTJ4ZZ", "humira", "remicade", "walker", "glucose monitor", "hives", "afib",
    "kidney failure", "urinary tract infection", "back pain", "obesity", "prostate", "stroke",
    "anemia", "vaccine",
]  # fmt: skip
SCENARIOS = (
    "baseline /-/ping",
    "search, 40 popular (cached)",
    "search, all distinct",
    "as you type (keystrokes)",
    "code page /code/{code}",
)
DEV_SET = Path(__file__).resolve().parents[1] / "tests" / "search" / "dev_queries.tsv"
TYPING_SET = DEV_SET.with_name("typing_queries.tsv")
# One endpoint per run: an autocomplete widget on each CTSS table, then the site's search box.
TYPING_ENDPOINTS = (
    "/api/icd10cm/v3/search?terms=",
    "/api/hcpcs/v3/search?terms=",
    "/api/v1/search?limit=7&q=",
    "/api/icd10pcs/v3/search?terms=",
)
SYSTEM_FILTERS = ("", "&system=HCPCS", "&system=ICD10CM", "&system=ICD10PCS")


def distinct_searches(count: int) -> list[str]:
    """`count` different search requests (dev-set queries x filters x limits): none repeats
    within a run, so every one misses the per-worker result cache and runs the engine."""
    queries = set_queries(DEV_SET)
    variants = [
        f"{system}&billable={billable}&include_terminated={ended}&limit={limit}"
        for system in SYSTEM_FILTERS
        for billable in ("false", "true")
        for ended in ("false", "true")
        for limit in (10, 7, 20, 5)
    ]
    paths = [
        f"/api/v1/search?q={quote(query)}{variant}" for variant in variants for query in queries
    ]
    return paths[:count]


DISTINCT_PER_RUN = 9_000  # more than one run makes: no run repeats a request


def set_queries(path: Path) -> list[str]:
    lines = path.read_text("utf-8").splitlines()[1:]
    return [line.split("\t")[0] for line in lines if line and not line.startswith("#")]


def keystrokes(endpoint: str) -> list[str]:
    """Each query of the dev and as-you-type sets typed letter by letter: one request per
    keystroke (a prefix two queries share is sent twice, as two people typing would)."""
    queries = set_queries(DEV_SET) + set_queries(TYPING_SET)
    typed = [query.strip()[:end] for query in queries for end in range(1, len(query.strip()) + 1)]
    return [endpoint + quote(text) for text in typed if text.strip()]


def _split(paths: list[str], parts: int) -> list[list[str]]:
    """Disjoint shares of `paths`, one per run."""
    size = len(paths) // parts
    return [paths[i * size : (i + 1) * size] for i in range(parts)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--catalog", type=Path, default=Path("var/medcodes.db"))
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--seconds", type=int, default=8)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--connections", type=int, default=32)
    args = parser.parse_args()

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    code = (
        "from medcodes.cli.serve import serve; "
        f"serve('127.0.0.1', {port}, {str(args.catalog.resolve())!r}, {args.workers}, False)"
    )
    server = subprocess.Popen([sys.executable, "-c", code], stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urlopen(base + "/-/ping", timeout=1).read()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    sys.exit("server did not start")
                time.sleep(0.3)
        searches = [f"/api/v1/search?q={quote(q)}" for q in QUERIES]
        pages = [f"/code/{quote(c)}" for c in sample_codes(args.catalog)]
        for path in searches + pages:  # warm each worker's caches a little, like a live server
            urlopen(base + path, timeout=10).read()
        distinct = distinct_searches(DISTINCT_PER_RUN * args.runs)
        endpoints = [TYPING_ENDPOINTS[i % len(TYPING_ENDPOINTS)] for i in range(args.runs)]
        typing = [keystrokes(endpoint) for endpoint in endpoints]
        print(
            f"as you type: {len(typing[0])} keystrokes a run ({len(set(typing[0]))} distinct), "
            f"one run each on {', '.join(e.split('?')[0] for e in endpoints)}"
        )
        scripts = [None, rotating_script(searches), None, None, rotating_script(pages)]
        print(
            f"wrk: {args.workers} workers, {args.connections} connections, "
            f"{args.runs} x {args.seconds}s per scenario; medians of runs"
        )
        print(
            f"{'scenario':<26} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7} {'ratio':>6}"
        )
        baseline = 0.0
        for name, script in zip(SCENARIOS, scripts, strict=True):
            if name == "search, all distinct":
                runs = [
                    run_wrk(base + "/", rotating_script(part), args.seconds, args.connections)
                    for part in _split(distinct, args.runs)
                ]
            elif name == "as you type (keystrokes)":
                runs = [
                    run_wrk(base + "/", rotating_script(paths), args.seconds, args.connections)
                    for paths in typing
                ]
            else:
                url = base + ("/-/ping" if script is None else "/")
                runs = [
                    run_wrk(url, script, args.seconds, args.connections) for _ in range(args.runs)
                ]
            rps = statistics.median(r["rps"] for r in runs)
            baseline = baseline or rps
            print(
                f"{name:<26} {rps:>9.0f} {statistics.median(r['p50'] for r in runs):>8.2f} "
                f"{statistics.median(r['p99'] for r in runs):>8.2f} "
                f"{sum(r['errors'] for r in runs):>7.0f} {rps / baseline:>6.2f}"
            )
    finally:
        server.terminate()
        server.wait(timeout=15)


if __name__ == "__main__":
    main()
