"""Server time and HTML size of the coder tools' pages, on the real catalog.

Calls the web app in process (an ASGI call per request, timed from the call to the last byte:
the server's own time, without the network) for requests that are all distinct, so every one
misses the per-process page caches and reads the catalog: book filters, letters, headings
and pages; every ICD-10-PCS table, then a code built step by step in a sample of them; code
pages with a 7th-character builder or a PCS table link. Prints per kind the median, p90 and
worst time and the largest page, against the cheapest route (/-/ping) and the browse pages,
measured in the same process.

    python bench/coder.py [--catalog var/medcodes.db]
"""

from __future__ import annotations

import sys
from pathlib import Path

# Run as a script, this file's folder leads sys.path, and its `http.py` would shadow the
# standard library's `http` package: drop the folder first.
sys.path = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).parent.resolve()]

import argparse  # noqa: E402
import asyncio  # noqa: E402
import re  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable  # noqa: E402
from typing import Any  # noqa: E402

from starlette.testclient import TestClient  # noqa: E402

from medcodes.catalog.read import Catalog  # noqa: E402
from medcodes.settings import Settings  # noqa: E402
from medcodes.web import create_app  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
FILTERS = [
    "appendicitis", "diabetes type 2", "fracture femur", "pneumonia", "asthma", "heart",
    "acute", "breast", "lung", "insulin", "acetaminophen", "aspirin", "alcohol", "skin",
    "bone", "kidney", "injury", "with", "pregnancy", "infection", "fall", "car", "dog bite",
    "burn", "poisoning", "a", "s", "zzqx", "neoplasm", "vitamin a",
]  # fmt: skip
BOOKS = ("/index/icd10cm", "/tables/drugs", "/tables/neoplasms", "/index/external")
ASGIApp = Callable[..., Any]


async def call(app: ASGIApp, path: str) -> tuple[float, int, int]:
    """(ms, status, body bytes) of one GET, timed inside the process."""
    route, _, query = path.partition("?")
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": route,
        "raw_path": route.encode(),
        "query_string": query.encode(),
        "headers": [(b"host", b"bench")],
        "client": ("127.0.0.1", 1),
        "server": ("bench", 80),
    }
    status, size = 0, 0

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        nonlocal status, size
        if message["type"] == "http.response.start":
            status = message["status"]
        elif message["type"] == "http.response.body":
            size += len(message.get("body", b""))

    started = time.perf_counter()
    await app(scope, receive, send)
    return (time.perf_counter() - started) * 1000, status, size


def measure(app: ASGIApp, paths: list[str]) -> list[tuple[float, int, int, str]]:
    async def run() -> list[tuple[float, int, int, str]]:
        return [(*(await call(app, path)), path) for path in paths]

    return asyncio.run(run())


def report(name: str, results: list[tuple[float, int, int, str]], baseline: float) -> None:
    times = sorted(ms for ms, *_ in results)
    p90 = times[int(len(times) * 0.9) - 1] if len(times) >= 10 else times[-1]
    worst = max(results)
    largest = max(results, key=lambda r: r[2])
    failures = [r for r in results if r[1] >= 500]
    median = statistics.median(times)
    print(
        f"  {name:<34} n={len(results):4}  median {median:6.1f} ms  p90 {p90:6.1f}  "
        f"worst {worst[0]:6.1f} ({worst[3][:40]})  largest {largest[2] / 1000:6.1f} kB "
        f"({largest[3][:32]})  x{median / baseline:.1f} baseline"
        + (f"  {len(failures)} 5xx!" if failures else "")
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--catalog", type=Path, default=REPO / "var" / "medcodes.db")
    args = parser.parse_args()
    app = create_app(Settings(catalog=args.catalog))
    # requests are discovered through a second app: its page caches are its own
    scout = TestClient(create_app(Settings(catalog=args.catalog)))
    measure(app, ["/-/ping", "/code/E11.9", "/index/icd10cm?q=warm", "/pcs/0DT"])  # warm up
    scout.get("/pcs")  # compiles the list's template (once per process) without caching its page
    ping = measure(app, ["/-/ping"] * 200)
    baseline = statistics.median(ms for ms, *_ in ping)
    print(f"baseline /-/ping: median {baseline:.2f} ms (200 calls, same process)")
    browse = measure(app, [f"/browse/ICD10CM/{c}" for c in ("E11", "S72", "T39", "I21", "J45")])
    report("browse pages (existing, for scale)", browse, baseline)

    print("coder tools, every request distinct (no page cache hit):")
    report(
        "book filters",
        measure(app, [f"{book}?q={q.replace(' ', '+')}" for book in BOOKS for q in FILTERS]),
        baseline,
    )
    letters = [f"{book}?letter={letter}" for book in BOOKS for letter in "ABCDEFGHIPST"]
    report("book letters", measure(app, letters), baseline)
    pages = [f"{book}?letter=A&page={page}" for book in BOOKS for page in (2, 3)]
    pages += [f"/index/icd10cm?q=fracture&page={page}" for page in range(2, 12)]
    report("book later pages", measure(app, pages), baseline)
    headings = [f"{book}/{term}" for book in BOOKS for term in range(1, 1900, 97)]
    report("book headings", measure(app, headings), baseline)

    listing = measure(app, ["/pcs"])
    tables = re.findall(r"/pcs/(\w{3})\b", scout.get("/pcs").text)
    report("PCS table list", listing, baseline)
    report("PCS tables, all 914", measure(app, [f"/pcs/{t}" for t in tables]), baseline)
    steps = [_steps(scout, table) for table in tables[::9]]
    report("PCS builder steps", measure(app, [p for s in steps for p in s]), baseline)

    codes = [f"/code/ICD10CM/{c}" for c in _seventh_codes(args.catalog)]
    report("code pages with 7th-char builder", measure(app, codes), baseline)
    pcs_codes = [f"/code/ICD10PCS/{t}{tail}" for t, tail in _pcs_codes(scout, tables[::20])]
    report("PCS code pages (table link)", measure(app, pcs_codes), baseline)


def _steps(client: TestClient, table: str) -> list[str]:
    """The builder's pages for one code of `table`, choosing the first offered value each time."""
    code = table
    paths = []
    while len(code) < 7:
        data = client.get(f"/api/v1/pcs/{table}?code={code}").json()
        offered = [
            v["char"]
            for row in data["rows"]
            for col in row["columns"]
            for v in col["values"]
            if v["state"] == "offered"
        ]
        if not offered:
            break
        code += offered[0]
        paths.append(f"/pcs/{table}?code={code}")
    return paths


def _seventh_codes(catalog: Path) -> list[str]:
    """ICD-10-CM codes that take a 7th character: headers under S, T, M and O categories."""
    with Catalog(catalog) as opened:
        found = []
        for prefix in ("S72.0", "S82.1", "T39.1", "S06.3", "T81.4", "M80.0", "O31.1", "S52.5"):
            codes, _total = opened.subtree(prefix, ("ICD10CM",), limit=60, total=False)
            found += [code.code for code in codes][::4]
        return found


def _pcs_codes(client: TestClient, tables: list[str]) -> list[tuple[str, str]]:
    picked = []
    for table in tables:
        data = client.get(f"/api/v1/pcs/{table}").json()
        first = data["rows"][0]["columns"]
        picked.append((table, "".join(col["values"][0]["char"] for col in first)))
    return picked


if __name__ == "__main__":
    main()
