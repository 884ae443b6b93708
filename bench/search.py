"""Search latency and quality on the full catalog, in process.

Runs the dev set (repeated) through `Searcher.search` and prints p50/p99 latency, hit@10 and
MRR, with a baseline in the same process: one tantivy BM25 term query (the first word of each
query, on titles) against the same index, so the ratio shows what query planning, the ranking
rules, filters and answer building cost on top of the engine's floor.

    python bench/search.py --catalog var/medcodes.db [--repeat 5]
"""

from __future__ import annotations

import argparse
import resource
import statistics
import time
from pathlib import Path

import tantivy

from medcodes.search import SearchQuery, open_searcher
from medcodes.search.evaluate import evaluate, read_query_set

DEV_SET = Path(__file__).resolve().parents[1] / "tests" / "search" / "dev_queries.tsv"


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--catalog", type=Path, default=Path("var/medcodes.db"))
    parser.add_argument("--queries", type=Path, default=DEV_SET)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    started = time.perf_counter()
    searcher = open_searcher(args.catalog)
    print(f"open searcher: {time.perf_counter() - started:.2f} s")
    queries = read_query_set(args.queries)

    latencies: list[float] = []
    for _ in range(args.repeat):
        for item in queries:
            t0 = time.perf_counter()
            searcher.search(SearchQuery(item.query, limit=10))
            latencies.append((time.perf_counter() - t0) * 1000)

    baseline: list[float] = []
    stems = [searcher.analyzer.analyze(item.query)[:1] for item in queries]
    terms = [tantivy.Query.term_query(searcher.schema, "title", stem[0]) for stem in stems if stem]
    for _ in range(args.repeat):
        for term in terms:
            t0 = time.perf_counter()
            searcher.searcher.search(term, 10)
            baseline.append((time.perf_counter() - t0) * 1000)

    scores = evaluate(
        queries, lambda q: [h.code for h in searcher.search(SearchQuery(q, limit=10)).hits]
    )
    p50, p99 = statistics.median(latencies), percentile(latencies, 0.99)
    b50 = statistics.median(baseline)
    print(f"queries: {len(queries)} x {args.repeat} = {len(latencies)}")
    print(f"search latency: p50 {p50:.3f} ms  p99 {p99:.3f} ms  max {max(latencies):.3f} ms")
    print(
        f"baseline (one BM25 term query on titles, first word of each query): p50 {b50:.3f} ms;"
        f" search/baseline p50 ratio {p50 / b50:.1f}x"
    )
    for kind, value in sorted(scores.items()):
        row = value.as_dict()
        print(
            f"  {kind:<9} hit@1 {row['hit@1']:.3f}  hit@10 {row['hit@10']:.3f}  "
            f"mrr {row['mrr']:.3f}  (n={row['queries']})"
        )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS: {peak:.0f} MB")


if __name__ == "__main__":
    main()
