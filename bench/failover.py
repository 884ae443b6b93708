"""Failover through nginx, on loopback: 2 replicas, a mixed load, one replica killed and restarted.

Starts 2 `medcodes serve` replicas and nginx with deploy/nginx/medcodes.conf (bench/cluster.py),
warms them, then runs a mixed load (search pages, instant results, code pages, JSON API, CTSS,
FHIR) through nginx with wrk in three phases of `--phase-seconds` (default 10, so 30 s):
both replicas up; replica 1 killed (SIGKILL, or `--stop term`: a graceful stop as in a
roll-out) 0.5 s into the phase; replica 1 started again 0.5 s into the last phase. Prints per
phase req/s, p50/p99, requests, failed requests (non-2xx/3xx and socket errors, as the client
sees them), how many requests nginx retried on the other replica, which replica answered, and
the CPU each part used (in cores: replicas, nginx, wrk, everything else on the machine), then
1 replica against 2 as a ratio of phase 2 to phase 1.

The API rate limit of the shipped config (per client address) is raised for this run: all
of this load comes from one address. tests/deploy/test_nginx.py checks the shipped limit.

    python bench/failover.py [--catalog var/medcodes.db] [--phase-seconds 10] [--connections 32]
    python bench/failover.py --short   # 4 s phases: what CI runs (tests/deploy/test_nginx.py)
"""

from __future__ import annotations

import sys
from pathlib import Path

# This folder's http.py must not shadow the standard library's `http`: keep the folder last.
BENCH = Path(__file__).parent.resolve()
sys.path = [p for p in sys.path if Path(p or ".").resolve() != BENCH] + [str(BENCH)]

import argparse  # noqa: E402
import re  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
from collections import Counter  # noqa: E402
from collections.abc import Callable  # noqa: E402
from dataclasses import dataclass  # noqa: E402

from cluster import (  # noqa: E402
    CPUS,
    WRK_TIMEOUT,
    Cluster,
    Load,
    Meter,
    load_average,
    mixed_paths,
    warm_up,
)
from loadgen import rotating_script, run_wrk  # noqa: E402

UNLIMITED_API_RATE = 1_000_000  # requests/s per client: the limit never applies to this load
WARM_STEP_SECONDS = 3
ACTION_DELAY = 0.5  # seconds into a phase: the kill and the restart happen under load
LOG_LINE = re.compile(r'"[^"]*" (\d{3}) \d+ [\d.]+ upstream="([^"]*)"')


@dataclass
class Phase:
    name: str
    seconds: float
    rps: float
    p50_ms: float
    p99_ms: float
    requests: int
    failed: int
    retried: int  # requests nginx sent to a second replica after the first failed
    served_by: dict[str, int]  # replica port -> requests it answered
    cpu_cores: dict[str, float]  # part -> CPU used, in cores (1.0 = one core all the time)
    failed_paths: list[str]  # status and path of answers that were not 2xx/3xx (first 10)


def read_log(lines: list[str]) -> tuple[int, Counter[str], list[str]]:
    """Retried requests, the replica that finally answered each request, and failed answers."""
    retried, served, failed = 0, Counter[str](), []
    for line in lines:
        match = LOG_LINE.search(line)
        if not match:
            continue
        status, upstream = match.groups()
        retried += "," in upstream
        served[upstream.rsplit(",", 1)[-1].strip().rsplit(":", 1)[-1]] += 1
        if not status.startswith(("2", "3")) and status != "499":  # 499: wrk hung up at its end
            request = line.split('"')[1]
            failed.append(f"{status} {request}")
    return retried, served, failed


def run_phase(
    cluster: Cluster,
    name: str,
    script: str,
    seconds: int,
    connections: int,
    action: Callable[[], None] | None = None,
) -> Phase:
    """wrk for `seconds` through nginx; `action` (a callable) runs ACTION_DELAY s in."""
    start_log = cluster.log_size()
    meter = Meter(cluster)
    result: dict[str, float] = {}
    load = threading.Thread(
        target=lambda: result.update(
            run_wrk(cluster.url + "/", script, seconds, connections, WRK_TIMEOUT)
        )
    )
    load.start()
    if action:
        time.sleep(ACTION_DELAY)
        action()
    load.join()
    cores = meter.cores(result["cpu_s"])
    retried, served, failed = read_log(cluster.log_lines(start_log, cluster.log_size()))
    return Phase(
        name=name,
        seconds=seconds,
        rps=round(result["rps"], 1),
        p50_ms=round(result["p50"], 2),
        p99_ms=round(result["p99"], 2),
        requests=int(result["requests"]),
        failed=int(result["errors"]),
        retried=retried,
        served_by=dict(sorted(served.items())),
        cpu_cores=cores,
        failed_paths=failed[:10],
    )


def run_failover(
    cluster: Cluster, paths: list[str], phase_seconds: int, connections: int, stop: str = "kill"
) -> tuple[list[Phase], float]:
    """The three phases; returns them and the seconds the restarted replica took to be ready."""
    script = rotating_script(paths)
    first = cluster.members[0]
    ready_after: list[float] = []

    def take_down() -> None:
        if stop == "kill":
            first.kill()
        else:
            first.process.terminate()  # graceful: uvicorn finishes what is in flight

    def restart() -> None:
        first.process.wait()
        first.start()
        threading.Thread(target=lambda: ready_after.append(first.wait_ready())).start()

    phases = [
        run_phase(cluster, "1 both replicas up", script, phase_seconds, connections),
        run_phase(
            cluster,
            f"2 replica 1 {'killed' if stop == 'kill' else 'stopped'}",
            script,
            phase_seconds,
            connections,
            take_down,
        ),
        run_phase(cluster, "3 replica 1 restarted", script, phase_seconds, connections, restart),
    ]
    deadline = time.monotonic() + 180
    while not ready_after and time.monotonic() < deadline:
        time.sleep(0.1)
    return phases, ready_after[0] if ready_after else float("nan")


def print_report(phases: list[Phase], ready_after: float, cluster: Cluster) -> None:
    ports = [str(replica.port) for replica in cluster.members]
    print(
        f"{'phase':<22} {'req/s':>7} {'p50 ms':>7} {'p99 ms':>8} {'requests':>8} {'failed':>6} "
        f"{'retried':>7}  {'served by replica 1/2':>21}  CPU in cores: replicas nginx wrk "
        "others = machine"
    )
    for phase in phases:
        served = "/".join(str(phase.served_by.get(port, 0)) for port in ports)
        cpu = phase.cpu_cores
        print(
            f"{phase.name:<22} {phase.rps:>7.0f} {phase.p50_ms:>7.2f} {phase.p99_ms:>8.2f} "
            f"{phase.requests:>8} {phase.failed:>6} {phase.retried:>7}  {served:>21}  "
            f"{cpu['replicas']:>22.2f} {cpu['nginx']:>5.2f} {cpu['wrk']:>3.2f} "
            f"{cpu['others']:>6.2f} = {cpu['machine']:.2f}"
        )
        for failed in phase.failed_paths:
            print(f"    failed: {failed}")
    print(f"replica 1 ready again {ready_after:.1f} s after its restart")
    ratio = phases[1].rps / phases[0].rps if phases[0].rps else float("nan")
    print(f"1 replica / 2 replicas (phase 2 / phase 1 req/s): {ratio:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--catalog", type=Path, default=Path("var/medcodes.db"))
    parser.add_argument("--phase-seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--codes", type=int, default=400, help="code pages in the mixed load")
    parser.add_argument("--stop", choices=("kill", "term"), default="kill")
    parser.add_argument("--short", action="store_true", help="CI: 4 s phases, 100 codes")
    args = parser.parse_args()
    if args.short:
        args.phase_seconds, args.codes = 4, 100

    paths = mixed_paths(args.catalog.resolve(), args.codes)
    print(f"machine: {CPUS} cores, load average {load_average()} (before start)")
    with Cluster(args.catalog.resolve(), api_rate=UNLIMITED_API_RATE) as cluster:
        print(
            f"mixed load: {len(paths)} distinct requests in rotation; wrk {args.connections} "
            "connections; replicas: 1 worker each; nginx: 1 worker"
        )
        _, requests, failed = warm_up(Load(cluster, paths, args.connections), WARM_STEP_SECONDS)
        print(f"warm-up (every request once): {requests} requests, {failed} failed")
        phases, ready_after = run_failover(
            cluster, paths, args.phase_seconds, args.connections, args.stop
        )
        print_report(phases, ready_after, cluster)
        print(f"load average {load_average()} (after)")


if __name__ == "__main__":
    main()
