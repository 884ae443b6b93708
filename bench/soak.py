"""Soak: the replicated deployment at saturation for 60 s; errors and replica memory.

Starts 2 `medcodes serve` replicas behind nginx (deploy/nginx/medcodes.conf, bench/cluster.py)
and drives them with wrk at more connections than they can serve (saturation: requests always
queue), over a mixed load of more distinct requests than the replicas' caches hold (searches
with varied filters and limits, search pages, CTSS, code pages, code JSON, FHIR $lookup).

Warm-up sends every request of that rotation once (in 10 s steps, RSS printed after each):
the per-worker caches (16,384 searches, 4,096 code views per worker) are then full. It goes on
until a step grows the replicas' RSS by less than 1% (at most 3 passes): caches that evict
still grow the heap for a while (the allocator reaching its own steady state; one pass left
them ~10% short of it). That is the steady state of a busy site, and RSS is read ("after
warm-up"). Then 60 s of the same load follow, continuing the rotation (every answer computed
again, the caches evicting), RSS read every 10 s, and RSS is read again ("at the end"): a leak
grows all along, a heap settling does not. Prints both per replica, the growth, and req/s,
p50/p99 and failed requests of the soak (wrk: non-2xx/3xx and socket errors; nginx log:
answers not 2xx/3xx).

    python bench/soak.py [--catalog var/medcodes.db] [--seconds 60] [--connections 64]
"""

from __future__ import annotations

import sys
from pathlib import Path

# This folder's http.py must not shadow the standard library's `http`: keep the folder last.
BENCH = Path(__file__).parent.resolve()
sys.path = [p for p in sys.path if Path(p or ".").resolve() != BENCH] + [str(BENCH)]

import argparse  # noqa: E402
import random  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
from collections.abc import Iterator  # noqa: E402
from contextlib import contextmanager  # noqa: E402
from urllib.parse import quote  # noqa: E402

import cluster  # noqa: E402
from failover import UNLIMITED_API_RATE, read_log  # noqa: E402

SYSTEMS = ("", "HCPCS", "ICD10CM", "ICD10PCS", "HCPCS,ICD10CM")
RSS_EVERY = 10  # seconds between two readings of RSS during the soak


def distinct_paths(catalog: Path, codes: int = 8_000, seed: int = 13) -> list[str]:
    """~68,000 different requests in a fixed shuffled order: more than two replicas' caches
    hold (16,384 searches and 4,096 code views per worker), so they fill and evict."""
    searches = [
        f"/api/v1/search?q={quote(query)}&system={system}&limit={limit}&billable={billable}"
        for query in cluster.dev_queries()
        for system in SYSTEMS
        for limit in range(5, 25)
        for billable in ("false", "true")
    ]
    searches += [
        f"/search?q={quote(query)}&system={system}&page={page}"
        for query in cluster.dev_queries()
        for system in SYSTEMS[:4]
        for page in (1, 2)
    ]
    searches += [
        f"/api/{table}/v3/search?terms={quote(query)}&maxList={size}"
        for query in cluster.dev_queries()
        for table in cluster.CTSS_TABLES
        for size in (7, 10, 20)
    ]
    paths = searches + cluster.code_paths(catalog, codes)
    random.Random(seed).shuffle(paths)
    return paths


@contextmanager
def rss_every(deployment: cluster.Cluster, seconds: float) -> Iterator[list[str]]:
    """Readings of the replicas' RSS every `seconds` while the block runs ("+10 s: a + b")."""
    readings: list[str] = []
    stop = threading.Event()

    def read() -> None:
        started = time.monotonic()
        while not stop.wait(seconds):
            rss = " + ".join(map(str, cluster.replica_rss(deployment)))
            readings.append(f"+{time.monotonic() - started:.0f} s: {rss}")

    reader = threading.Thread(target=read)
    reader.start()
    try:
        yield readings
    finally:
        stop.set()
        reader.join()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--catalog", type=Path, default=Path("var/medcodes.db"))
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--connections", type=int, default=64)
    args = parser.parse_args()

    catalog = args.catalog.resolve()
    paths = distinct_paths(catalog)
    print(f"machine: load average {cluster.load_average()} (before start)")
    with cluster.Cluster(catalog, api_rate=UNLIMITED_API_RATE) as deployment:
        print(
            f"mixed load: {len(paths)} distinct requests in rotation, wrk {args.connections} "
            "connections; 2 replicas of 1 worker behind nginx (1 worker)"
        )
        load = cluster.Load(deployment, paths, args.connections)
        steps, requests, failed = cluster.warm_up(load, until_steady=True)
        warm = cluster.replica_rss(deployment)
        print(f"warm-up: {steps} steps, {requests} requests, {failed} failed")
        log_start = deployment.log_size()
        meter = cluster.Meter(deployment)
        started = time.monotonic()
        with rss_every(deployment, RSS_EVERY) as readings:
            result = load.run(args.seconds)
        elapsed = time.monotonic() - started
        print("RSS during the soak (MB, replicas 1 + 2): " + ", ".join(readings))
        cores = meter.cores(result["cpu_s"])
        end = cluster.replica_rss(deployment)
        _, _, log_failed = read_log(deployment.log_lines(log_start, deployment.log_size()))
        print(
            f"soak: {elapsed:.0f} s, {result['requests']} requests, {result['rps']:.0f} req/s, "
            f"p50 {result['p50']:.1f} ms, p99 {result['p99']:.1f} ms, "
            f"failed {result['errors']} (wrk), {len(log_failed)} (nginx log)"
        )
        print(
            f"CPU in cores: replicas {cores['replicas']}, nginx {cores['nginx']}, "
            f"wrk {cores['wrk']}, others {cores['others']} = machine {cores['machine']}"
        )
        for number, (before, after) in enumerate(zip(warm, end, strict=True), 1):
            print(
                f"replica {number} RSS: {before} MB after warm-up, {after} MB at the end "
                f"({(after - before) / before:+.1%})"
            )
        total = (sum(end) - sum(warm)) / sum(warm)
        print(f"replicas' RSS: {sum(warm):.1f} MB -> {sum(end):.1f} MB ({total:+.1%})")
        for line in log_failed[:10]:
            print(f"    failed: {line}")
    print(f"load average {cluster.load_average()} (after)")


if __name__ == "__main__":
    main()
