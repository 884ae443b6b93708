"""Search latency and quality on the full catalog, in process.

Runs two query sets (once to warm up, then repeated) through `Searcher.search` and prints, per
set, p50/p99/max latency (wall clock, and this thread's CPU time: on a shared machine the wall
clock adds waiting for a core), the slowest query, and hit@1/hit@10/MRR per kind:
- the dev set (`tests/search/dev_queries.tsv`): queries typed out in full;
- the as-you-type set (`tests/search/typing_queries.tsv`): the last word cut short.
Then the known worst cases of as-you-type traffic (one character, `0`, a two-letter word),
each timed alone. The baseline, in the same process, is one tantivy BM25 term query (the first
word of each query, on titles) against the same index: the ratio shows what query planning,
completion, the ranking rules, filters, exact counts and answer building cost on top of the
engine's floor.

    python bench/search.py --catalog var/medcodes.db [--repeat 5]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import time
from pathlib import Path

import tantivy

from medcodes.search import SearchQuery, open_searcher
from medcodes.search.engine import Searcher
from medcodes.search.evaluate import EvalQuery, evaluate, read_query_set

TESTS = Path(__file__).resolve().parents[1] / "tests" / "search"
SETS = {
    "dev (full queries)": TESTS / "dev_queries.tsv",
    "as-you-type": TESTS / "typing_queries.tsv",
}
WORST_CASES = ("0", "0*", "e", "a", "d", "en", "di", "pe", "co", "fract", "j", "E1")


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def timed(searcher: Searcher, text: str) -> float:
    return timed_both(searcher, text)[0]


def timed_both(searcher: Searcher, text: str) -> tuple[float, float]:
    """Wall-clock and CPU (this thread's) milliseconds of one search: on a shared machine the
    CPU time is what the search itself costs, the wall time adds waiting for a core."""
    started, cpu = time.perf_counter(), time.thread_time()
    searcher.search(SearchQuery(text, limit=10))
    return (time.perf_counter() - started) * 1000, (time.thread_time() - cpu) * 1000


def run_set(searcher: Searcher, name: str, queries: list[EvalQuery], repeat: int) -> None:
    latencies: list[tuple[float, str]] = []
    cpu: list[tuple[float, str]] = []
    for item in queries:  # warm up once, as a serving process is: caches filled, pages read
        timed(searcher, item.query)
    for _ in range(repeat):
        for item in queries:
            wall, used = timed_both(searcher, item.query)
            latencies.append((wall, item.query))
            cpu.append((used, item.query))
    times = [ms for ms, _ in latencies]
    slowest_ms, slowest = max(latencies)
    scores = evaluate(
        queries, lambda q: [h.code for h in searcher.search(SearchQuery(q, limit=10)).hits]
    )
    print(f"{name}: {len(queries)} queries x {repeat} = {len(times)}")
    print(
        f"  latency: p50 {statistics.median(times):.3f} ms  p99 {percentile(times, 0.99):.3f} ms"
        f"  max {max(times):.3f} ms (slowest: {slowest!r}, {slowest_ms:.3f} ms)"
    )
    cpu_times = [ms for ms, _ in cpu]
    most_ms, most = max(cpu)
    print(
        f"  CPU:     p50 {statistics.median(cpu_times):.3f} ms  "
        f"p99 {percentile(cpu_times, 0.99):.3f} ms  max {most_ms:.3f} ms ({most!r})"
    )
    for kind, value in sorted(scores.items()):
        row = value.as_dict()
        print(
            f"  {kind:<16} hit@1 {row['hit@1']:.3f}  hit@10 {row['hit@10']:.3f}  "
            f"mrr {row['mrr']:.3f}  (n={row['queries']})"
        )


def baseline(searcher: Searcher, queries: list[EvalQuery], repeat: int) -> float:
    stems = [searcher.analyzer.analyze(item.query)[:1] for item in queries]
    terms = [tantivy.Query.term_query(searcher.schema, "title", stem[0]) for stem in stems if stem]
    times: list[float] = []
    for _ in range(repeat):
        for term in terms:
            started = time.perf_counter()
            searcher.searcher.search(term, 10)
            times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--catalog", type=Path, default=Path("var/medcodes.db"))
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    started = time.perf_counter()
    searcher = open_searcher(args.catalog)
    print(f"open searcher: {time.perf_counter() - started:.2f} s")
    loaded = {name: read_query_set(path) for name, path in SETS.items()}
    everything = [item for queries in loaded.values() for item in queries]
    floor = baseline(searcher, everything, args.repeat)
    all_times: list[float] = []
    for name, queries in loaded.items():
        run_set(searcher, name, queries, args.repeat)
        all_times.extend(timed(searcher, item.query) for item in queries)
    p50 = statistics.median(all_times)
    print(
        f"baseline (one BM25 term query on titles, first word of each query): p50 {floor:.3f} ms;"
        f" search/baseline p50 ratio {p50 / floor:.1f}x (both sets, p50 {p50:.3f} ms)"
    )
    worst = []
    for text in WORST_CASES:
        first = timed(searcher, text)  # completions walked, caches cold
        again = statistics.median(timed(searcher, text) for _ in range(args.repeat))
        worst.append(f"{text!r} {first:.2f}/{again:.2f}")
    print("worst cases, ms first/median of repeats: " + ", ".join(worst))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"peak RSS: {peak:.0f} MB; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
    )


if __name__ == "__main__":
    main()
