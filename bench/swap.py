"""A rebuild under load: `medcodes build` replaces the catalog while `medcodes serve` answers a
steady mixed load, and the server switches to the new build without a restart.

1. Builds (or reuses, `--old-catalog`) a catalog from the sources *without* the July 2026 HCPCS
   workbook (a sources folder of symlinks made here), so HCPCS 2026-01 is current.
2. Serves it (`--workers`), and runs a Python load loop (`--clients` keep-alive connections)
   over a mixed list: searches (pages and JSON API), code pages, code JSON from the API.
3. After `--warmup` seconds ("before"), runs `medcodes build` with the full sources into the
   served path ("during"), waits until the server answers with the new build id, keeps the load
   up `--after` more seconds, then checks that July 2026 is served (A9574 found, HCPCS 2026-07).

Prints requests, non-2xx answers and socket errors for the whole run, and p50/p99 latency
before the build and during it (the build competes for the same cores: that is the cost of
rebuilding in place, and the ratio shows it).

    python bench/swap.py [--sources ../shared/data] [--old-catalog FILE] [--workers 1]
"""

from __future__ import annotations

import sys
from pathlib import Path

# Run as a script, this file's folder leads sys.path; `bench/http.py` would shadow the
# standard library's `http` package: drop the folder first.
sys.path = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).parent.resolve()]

import argparse  # noqa: E402
import http.client  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import shutil  # noqa: E402
import socket  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
from dataclasses import dataclass, field  # noqa: E402
from urllib.parse import quote  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
MEDCODES = Path(sys.executable).with_name("medcodes")
SWITCH_WINDOW = 5.0  # seconds before the new build is first answered with: it was being opened
QUERIES = (
    "blincyto", "diabetes", "heart attack", "e11.9", "appendectomy", "wheelchair", "pneumonia",
    "asthma", "insulin", "colonoscopy", "hypertension", "knee arthroscopy", "oxygen", "sepsis",
    "humira", "glucose monitor", "hives", "kidney failure", "back pain", "vaccine",
)  # fmt: skip
CODES = (
    "J9039", "E11.9", "0DTJ4ZZ", "I10", "J1745", "A0130", "E08.9", "S72.001A", "C9449",
    "G2211", "0DT", "J45.909", "K1002", "N18.6", "A4253",
)  # fmt: skip


def mixed_paths() -> list[str]:
    """The load: HTML search, JSON search, code pages, code JSON (API), in rotation."""
    paths = []
    for index, query in enumerate(QUERIES):
        code = CODES[index % len(CODES)]
        paths += [
            f"/search?q={quote(query)}",
            f"/api/v1/search?q={quote(query)}&limit=10",
            f"/code/{code}",
            f"/api/v1/codes/{code}",
        ]
    return paths


@dataclass(slots=True)
class Tally:
    """What the clients saw: (started at, seconds, status) per request; errors by kind."""

    samples: list[tuple[float, float, int]] = field(default_factory=list)
    socket_errors: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


def client(port: int, paths: list[str], offset: int, stop: threading.Event, tally: Tally) -> None:
    """One keep-alive connection asking the paths in turn until `stop`; a failed connection
    counts as a socket error and is reopened."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    index = offset
    while not stop.is_set():
        path = paths[index % len(paths)]
        index += 1
        started = time.perf_counter()
        try:
            connection.request("GET", path)
            response = connection.getresponse()
            response.read()
            status = response.status
        except (OSError, http.client.HTTPException):
            with tally.lock:
                tally.socket_errors += 1
            connection.close()
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            continue
        with tally.lock:
            tally.samples.append((started, time.perf_counter() - started, status))
    connection.close()


def get_json(port: int, path: str) -> tuple[int, dict]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        body = response.read()
        return response.status, json.loads(body) if body else {}
    finally:
        connection.close()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def sources_without_july(sources: Path, target: Path) -> Path:
    """A sources folder of symlinks to the real files, less the July 2026 HCPCS workbook."""
    (target / "hcpcs").mkdir(parents=True)
    for entry in sources.iterdir():
        if entry.name != "hcpcs":
            os.symlink(entry, target / entry.name)
    for entry in (sources / "hcpcs").iterdir():
        if entry.name != "2026-jul":
            os.symlink(entry, target / "hcpcs" / entry.name)
    return target


def build(sources: Path, catalog: Path) -> float:
    started = time.perf_counter()
    subprocess.run(
        [str(MEDCODES), "build", "--sources", str(sources), "--catalog", str(catalog)],
        check=True,
        capture_output=True,
    )
    return time.perf_counter() - started


def copy_catalog(source: Path, target: Path) -> None:
    shutil.copyfile(source, target)
    shutil.copytree(
        source.with_name(source.name + ".index"), target.with_name(target.name + ".index")
    )


def wait_for(port: int, seconds: float = 60) -> dict:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            return get_json(port, "/-/manifest.json")[1]
        except OSError:
            time.sleep(0.2)
    raise SystemExit("the server did not come up")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] * 1000 if ordered else 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sources", type=Path, default=REPO.parent / "shared" / "data")
    parser.add_argument("--old-catalog", type=Path, help="a catalog without July 2026 to reuse")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--warmup", type=float, default=15.0)
    parser.add_argument("--after", type=float, default=5.0)
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="medcodes-swap-"))
    served = scratch / "medcodes.db"
    if args.old_catalog:
        copy_catalog(args.old_catalog, served)
    else:
        old_sources = sources_without_july(args.sources, scratch / "old-sources")
        print(f"old catalog (no July 2026 workbook) built in {build(old_sources, served):.0f} s")
    port = free_port()
    server = subprocess.Popen(
        [str(MEDCODES), "serve", "--catalog", str(served), "--port", str(port),
         "--workers", str(args.workers), "--no-access-log"],
        stderr=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    try:
        old_id = wait_for(port)["build_id"]
        stop, tally = threading.Event(), Tally()
        paths = mixed_paths()
        clients = [
            threading.Thread(target=client, args=(port, paths, n * 7, stop, tally), daemon=True)
            for n in range(args.clients)
        ]
        for thread in clients:
            thread.start()
        time.sleep(args.warmup)
        build_started = time.perf_counter()
        build_seconds = build(args.sources, served)
        while get_json(port, "/-/manifest.json")[1]["build_id"] == old_id:
            time.sleep(0.1)
        swapped = time.perf_counter()
        time.sleep(args.after)
        stop.set()
        for thread in clients:
            thread.join()
        report(tally, build_started, swapped, build_seconds, args)
        check_new_release(port)
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(scratch, ignore_errors=True)


def report(
    tally: Tally,
    build_started: float,
    swapped: float,
    build_seconds: float,
    args: argparse.Namespace,
) -> None:
    before = [s for t, s, _ in tally.samples if t < build_started]
    during = [s for t, s, _ in tally.samples if build_started <= t <= swapped]
    after = [s for t, s, _ in tally.samples if t > swapped]
    non_2xx = sum(1 for _, _, status in tally.samples if not 200 <= status < 300)
    print(
        f"load: {args.clients} clients, {args.workers} worker(s), mixed search/code pages/API; "
        f"{len(tally.samples)} requests"
    )
    print(f"  non-2xx answers: {non_2xx}; socket errors: {tally.socket_errors}")
    print(
        f"  medcodes build took {build_seconds:.1f} s; new build served "
        f"{swapped - build_started - build_seconds:.2f} s after the build returned"
    )
    p99_before, p99_during = percentile(before, 0.99), percentile(during, 0.99)
    for name, values in (("before", before), ("during", during), ("after", after)):
        rate = len(values) / max(1e-9, _span(tally, name, build_started, swapped, args))
        print(
            f"  {name:<7} {len(values):>6} requests, {rate:6.1f} req/s, "
            f"p50 {percentile(values, 0.5):6.1f} ms, p99 {percentile(values, 0.99):6.1f} ms"
        )
    print(f"  p99 during the rebuild / p99 before it = {p99_during / max(p99_before, 1e-9):.2f}x")
    switch = [s for t, s, _ in tally.samples if swapped - SWITCH_WINDOW <= t <= swapped + 1]
    print(
        f"  around the switch ({SWITCH_WINDOW:.0f} s before it was seen to 1 s after: the new "
        f"build opened beside the old): {len(switch)} requests, p99 {percentile(switch, 0.99):.1f} "
        f"ms = {percentile(switch, 0.99) / max(p99_before, 1e-9):.2f}x the p99 before"
    )
    print(f"  median latency before: {statistics.median(before) * 1000:.1f} ms")


def _span(tally: Tally, name: str, build_started: float, swapped: float, args) -> float:
    if name == "before":
        return args.warmup
    if name == "during":
        return swapped - build_started
    return args.after


def check_new_release(port: int) -> None:
    status, code = get_json(port, "/api/v1/codes/A9574")
    _, manifest = get_json(port, "/-/manifest.json")
    current = {r["system"]: r["release"] for r in manifest["releases"] if r["is_current"]}
    print(
        f"after the swap: /api/v1/codes/A9574 -> {status} "
        f"({code.get('title') or code.get('message')}); "
        f"HCPCS current release {current.get('HCPCS')}"
    )


if __name__ == "__main__":
    main()
