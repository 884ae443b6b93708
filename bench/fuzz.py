"""Hostile input at scale: 100,000 generated queries through the engine in process, and 20,000
requests through a real `medcodes serve` across every route and parameter.

Queries come from bench/hostile.py (seeded: unicode of every category, control characters,
10 kB strings, tantivy/FTS5/Lucene syntax, code-like shapes, repeated and many words, bent
words). In process, each goes to `Medcodes.search` with random filters (systems, billable,
terminated, limit, offset, facets); over HTTP, each request picks a route of /openapi.json
and fills its parameters (path, query, FHIR `Parameters` bodies) with hostile, plausible or
malformed values. Prints counts (answers, exceptions or 5xx, per kind or status), p50/p99/p99.9
and the worst cases. Time per query in process is printed twice: wall clock, and the CPU time of
the searching thread (on a shared machine the wall clock also counts waiting for a core).

    python bench/fuzz.py [--catalog var/medcodes.db] [--queries 100000] [--http 20000] [--seed 13]
"""

from __future__ import annotations

import sys
from pathlib import Path

# This folder's http.py must not shadow the standard library's `http`: keep the folder last.
BENCH = Path(__file__).parent.resolve()
sys.path = [p for p in sys.path if Path(p or ".").resolve() != BENCH] + [str(BENCH)]

import argparse  # noqa: E402
import gc  # noqa: E402
import json  # noqa: E402
import random  # noqa: E402
import statistics  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from array import array  # noqa: E402
from collections import Counter  # noqa: E402
from collections.abc import Iterable, Iterator  # noqa: E402
from concurrent.futures import ThreadPoolExecutor  # noqa: E402
from contextlib import contextmanager  # noqa: E402
from dataclasses import dataclass, field  # noqa: E402
from typing import Any  # noqa: E402
from urllib.parse import quote  # noqa: E402

import httpx  # noqa: E402
from cluster import MEDCODES, Replica, load_average  # noqa: E402
from hostile import Hostile  # noqa: E402
from loadgen import free_port  # noqa: E402

from medcodes import Medcodes  # noqa: E402
from medcodes.search.model import MAX_LIMIT  # noqa: E402
from medcodes.systems import FHIR_SYSTEMS  # noqa: E402

SYSTEM_CHOICES = ("", "HCPCS", "HCPCS-MOD", "ICD10CM", "ICD10PCS", "HCPCS,ICD10CM")
WORST = 5  # worst cases printed


@dataclass
class Series:
    """One measure of every request: all values, and the worst ones with what they were.

    The values are an array, not a list: the garbage collector would walk 100,000 floats per
    measure in each full collection and count the walk against whichever query ran then."""

    values: array[float] = field(default_factory=lambda: array("d"))
    worst: list[tuple[float, str]] = field(default_factory=list)  # (ms, what), worst first

    def add(self, ms: float, what: str) -> None:
        self.values.append(ms)
        _keep_worst(self.worst, ms, what)


@dataclass
class Report:
    """What a fuzz run saw: per outcome counts, each measure of time, failures."""

    name: str
    outcomes: Counter[str] = field(default_factory=Counter)
    kinds: Counter[str] = field(default_factory=Counter)
    series: dict[str, Series] = field(default_factory=dict)  # measure -> times (ms)
    failures: list[str] = field(default_factory=list)  # exceptions or 5xx, first ones
    notes: list[str] = field(default_factory=list)

    def add(self, kind: str, outcome: str, what: str, **times: float) -> None:
        """One request; `times` by measure: wall=..., cpu=... (milliseconds)."""
        self.kinds[kind] += 1
        self.outcomes[outcome] += 1
        for measure, ms in times.items():
            self.series.setdefault(measure, Series()).add(ms, what)

    def fail(self, what: str) -> None:
        if len(self.failures) < 20:
            self.failures.append(what)

    def print(self) -> None:
        total = sum(self.kinds.values())
        print(f"{self.name}: {total} requests ({', '.join(_counts(self.kinds))})")
        print(f"  outcomes: {', '.join(_counts(self.outcomes))}")
        for measure, series in self.series.items():
            print(f"  {MEASURES[measure]}: {_percentiles(series.values)}")
            for ms, what in series.worst:
                print(f"    {ms:9.1f} ms  {what}")
        for note in self.notes:
            print(f"  {note}")
        for failure in self.failures:
            print(f"  FAILED: {failure}")


MEASURES = {
    "wall": "wall-clock ms",
    "cpu": "CPU ms of the searching thread",
    "engine": "CPU ms without the garbage collector's full collections",
}


class CollectorClock:
    """The CPU time the cyclic garbage collector's full collections take (gc.callbacks): they
    walk every object the process keeps, and land on whichever query runs when they fall due."""

    def __init__(self) -> None:
        self.spent_ms = 0.0
        self.pauses_ms: list[float] = []
        self._started = 0.0
        gc.callbacks.append(self._tick)

    def _tick(self, phase: str, info: dict[str, int]) -> None:
        if info["generation"] != 2:
            return
        if phase == "start":
            self._started = time.thread_time()
            return
        pause = (time.thread_time() - self._started) * 1000
        self.spent_ms += pause
        self.pauses_ms.append(round(pause, 1))

    def close(self) -> None:
        gc.callbacks.remove(self._tick)


def _keep_worst(worst: list[tuple[float, str]], ms: float, what: str) -> None:
    if len(worst) < WORST or ms > worst[-1][0]:
        worst.append((ms, what))
        worst.sort(key=lambda item: -item[0])
        del worst[WORST:]


def _counts(counter: Counter[str]) -> list[str]:
    return [f"{name} {count}" for name, count in counter.most_common()]


def _percentiles(values: Iterable[float]) -> str:
    ordered = sorted(values)

    def at(share: float) -> float:
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))]

    return (
        f"p50 {statistics.median(ordered):.2f}, p99 {at(0.99):.2f}, p99.9 {at(0.999):.2f}, "
        f"max {ordered[-1]:.2f}"
    )


def shown(text: str, limit: int = 90) -> str:
    """A query as printable text: escapes for what a terminal would not show, cut long."""
    escaped = text.encode("unicode_escape", "backslashreplace").decode("ascii")
    return repr(escaped[:limit]) + (f" ... ({len(text)} chars)" if len(text) > limit else "")


# --- in process -----------------------------------------------------------------------------
def random_filters(rng: random.Random) -> dict[str, Any]:
    """Any valid combination of `Medcodes.search`'s options (each at its default most often)."""
    return {
        "systems": rng.choice(SYSTEM_CHOICES),
        "billable_only": rng.random() < 0.2,
        "include_terminated": rng.random() < 0.2,
        "active_on": rng.choice((None, None, None, "2026-01-01", "2015-10-01")),
        "within": rng.choice((None,) * 8 + ("E11", "0DT", "J", "S72")),
        "limit": rng.choice((1, 7, 10, 10, 20, 100, MAX_LIMIT)),
        "offset": rng.choice((0, 0, 0, 10, 100, 1000, 10_000, 100_000)),
        "facets": rng.random() < 0.3,
        "prefix": rng.choice(("last", "last", "all", "none")),
        "every_word": rng.random() < 0.2,
        "match": rng.choice(("both", "both", "code", "words")),
        "code_prefix": rng.choice((None,) * 8 + ("E11", "J9", "0", "Z")),
        "hcc_v28": rng.random() < 0.1,
    }


def fuzz_engine(codes: Medcodes, count: int, seed: int = 13) -> Report:
    """`count` hostile queries through `Medcodes.search`, each with random options: every one
    must answer (hits; a message saying why there are none; or, past the first page, none),
    never raise."""
    report = Report("in process (Medcodes.search)")
    rng = random.Random(seed)
    collector = CollectorClock()
    for kind, text in Hostile(seed).queries(count):
        filters = random_filters(rng)
        started, cpu_started = time.perf_counter(), time.thread_time()
        collected = collector.spent_ms
        try:
            result = codes.search(text, **filters)
            outcome = "hits" if result.total else ("message" if result.message else "none")
        except Exception as error:  # noqa: BLE001 - the fuzz counts every kind of failure
            outcome = f"EXCEPTION {type(error).__name__}"
            report.fail(f"{type(error).__name__}: {error} <- {shown(text)} {filters}")
        wall = (time.perf_counter() - started) * 1000
        cpu = (time.thread_time() - cpu_started) * 1000
        engine = cpu - (collector.spent_ms - collected)
        what = f"{kind}: {shown(text)} {_changed(filters)}"
        report.add(kind, outcome, what, wall=wall, cpu=cpu, engine=engine)
    collector.close()
    report.notes.append(
        f"full garbage collections during the run: {len(collector.pauses_ms)}, CPU ms each: "
        f"{collector.pauses_ms}"
    )
    return report


def _changed(filters: dict[str, Any]) -> str:
    """The filters that differ from `Medcodes.search`'s defaults, as keyword arguments."""
    defaults = {"systems": "", "billable_only": False, "include_terminated": False}
    defaults |= {"active_on": None, "within": None, "limit": 10, "offset": 0, "facets": False}
    defaults |= {"prefix": "last", "every_word": False, "match": "both", "code_prefix": None}
    defaults |= {"hcc_v28": False}
    return ", ".join(f"{k}={v!r}" for k, v in filters.items() if defaults[k] != v)


# --- over HTTP ------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Operation:
    method: str
    path: str
    params: tuple[tuple[str, str, str], ...]  # (name, in, type)
    body: bool


def operations(spec: dict[str, Any]) -> list[Operation]:
    """Every operation of the OpenAPI document with its parameters."""
    found = []
    for path, methods in spec["paths"].items():
        for method, op in methods.items():
            params = tuple(
                (p["name"], p["in"], _type(p.get("schema", {}))) for p in op.get("parameters", [])
            )
            found.append(Operation(method.upper(), path, params, "requestBody" in op))
    return found


def _type(schema: dict[str, Any]) -> str:
    for option in schema.get("anyOf", [schema]):
        if option.get("type") not in (None, "null"):
            return option.get("format", option["type"])
    return "string"


PLAUSIBLE = {
    "system": ["HCPCS", "icd10cm", "ICD10PCS", "HCPCS-MOD", "cpt", *FHIR_SYSTEMS.values()],
    "url": [f"{uri}?fhir_vs" for uri in FHIR_SYSTEMS.values()] + list(FHIR_SYSTEMS.values()),
    "code": ["E11.9", "J9039", "0DTJ4ZZ", "e119", "A0100", "E11", "0DT", "GA", "Z99.999"],
    "policy_id": ["A52370", "FEP-5.21.51", "L33333"],
    "release": ["2026-01", "FY2027", "FY2026", "1999"],
    "version": ["2026-01", "FY2027", "x"],
    "event": ["added", "revised", "terminated", "other"],
    "df": ["code,display", "code,name", "code,short_name,long_desc", "bogus", ""],
    "ef": ["add_dt:added", "term_dt", "x:y:z"],
}
WORDS = ["diabetes", "heart attack", "0", "e11", "blincyto", "wheelchair", "afib"]
NUMBERS = ["-1", "0", "1", "7", "20", "500", "501", "10000", "99999999999999999999", "1.5", "x"]
FLAGS = ["true", "false", "1", "0", "yes", "maybe", ""]
DAYS = ["2026-01-01", "2026-02-30", "1900-01-01", "yesterday", "9999-12-31"]


class Requests:
    """Random requests over the operations: each parameter hostile, plausible, malformed or
    left out."""

    def __init__(self, ops: list[Operation], seed: int) -> None:
        self.ops, self.rng, self.hostile = ops, random.Random(seed), Hostile(seed + 1)
        self.texts = (text for _, text in self.hostile.queries(10**9))

    def value(self, name: str, kind: str) -> str:
        roll = self.rng.random()
        if roll < 0.45:
            return next(self.texts)
        choices = {"integer": NUMBERS, "boolean": FLAGS, "date": DAYS}.get(
            kind, PLAUSIBLE.get(name, WORDS)
        )
        return self.rng.choice(choices)

    def make(self) -> tuple[str, str, dict[str, Any] | None, str]:
        """(method, URL path with query, JSON body or None, route) of one request."""
        op = self.rng.choice(self.ops)
        path, query = op.path, []
        for name, where, kind in op.params:
            if where == "path":
                path = path.replace("{" + name + "}", _encode(self.value(name, kind)))
            elif self.rng.random() < 0.8:
                query.append(f"{name}={_encode(self.value(name, kind))}")
        body = self.body(op) if op.body else None
        return op.method, path + ("?" + "&".join(query) if query else ""), body, op.path

    def body(self, op: Operation) -> Any:
        """A FHIR Parameters resource (or something that is not one)."""
        names = ["system", "code", "url", "filter", "count", "offset", "version", "display"]
        params = [
            {"name": name, self.rng.choice(VALUE_KEYS): self.value(name, "string")}
            for name in self.rng.sample(names, self.rng.randint(0, 4))
        ]
        return self.rng.choice(
            [
                {"resourceType": "Parameters", "parameter": params},
                {"resourceType": "Patient"},
                {"parameter": "x"},
                [1, 2],
                "text",
                None,
            ]
        )


FHIR = {"content-type": "application/fhir+json"}
VALUE_KEYS = ["valueString", "valueCode", "valueUri", "valueInteger", "valueBoolean", "valueCoding"]


MAX_ENCODED = 8_000  # characters of one encoded value: URLs stay under clients' 64 kB limit


def _encode(text: str) -> str:
    """Percent-encoded UTF-8, lone surrogates as their (invalid) UTF-8 bytes, cut at
    MAX_ENCODED characters (which may split an escape: also hostile input)."""
    return quote(text, safe="", errors="surrogatepass")[:MAX_ENCODED]


def fuzz_http(base: str, count: int, seed: int = 13, threads: int = 8) -> Report:
    """`count` requests to the server at `base`; none may get a 5xx or break the connection."""
    report = Report(f"HTTP ({base})")
    with httpx.Client(base_url=base, timeout=30) as client:
        requests = Requests(operations(client.get("/openapi.json").json()), seed)
        planned = [requests.make() for _ in range(count)]

        def send(plan: tuple[str, str, Any, str]) -> tuple[str, str, float]:
            method, url, body, route = plan
            started = time.perf_counter()
            try:
                if method == "POST":  # JSON with \u escapes: lone surrogates arrive as such
                    status = client.post(url, content=json.dumps(body), headers=FHIR).status_code
                else:
                    status = client.get(url).status_code
                outcome = f"{status // 100}xx"
                if status >= 500:
                    report.fail(f"{status} {method} {url[:200]}")
            except httpx.HTTPError as error:
                outcome = f"TRANSPORT {type(error).__name__}"
                report.fail(f"{outcome} {method} {url[:200]}")
            return outcome, f"{method} {url[:160]}", (time.perf_counter() - started) * 1000

        with ThreadPoolExecutor(threads) as pool:
            for plan, (outcome, what, ms) in zip(planned, pool.map(send, planned), strict=True):
                report.add(f"{plan[0]} {plan[3]}", outcome, what, wall=ms)
    return report


@contextmanager
def serve(catalog: Path, log: Path) -> Iterator[Replica]:
    """One `medcodes serve` (2 workers) on a free loopback port, stopped afterwards."""
    replica = Replica(free_port(), catalog, log, workers=2)
    replica.start()
    try:
        replica.wait_ready()
        yield replica
    finally:
        replica.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--catalog", type=Path, default=Path("var/medcodes.db"))
    parser.add_argument("--queries", type=int, default=100_000)
    parser.add_argument("--http", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=13)
    args = parser.parse_args()
    catalog = args.catalog.resolve()
    print(f"load average {load_average()}; seed {args.seed}; {MEDCODES}")
    if args.queries:
        with Medcodes(catalog, preload=True) as codes:
            gc.freeze()  # as `medcodes serve` does once its catalog is open (web/site.py)
            fuzz_engine(codes, args.queries, args.seed).print()
    if args.http:
        with tempfile.TemporaryDirectory() as folder:
            log = Path(folder) / "server.log"
            with serve(catalog, log) as replica:
                fuzz_http(replica.url, args.http, args.seed).print()
            tracebacks = log.read_text("utf-8", "replace").count("Traceback")
            print(f"  server log: {tracebacks} tracebacks")
    print(f"load average {load_average()} (after)")


if __name__ == "__main__":
    main()
