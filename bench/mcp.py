"""Tool-call latency of the MCP server over stdio: `search_codes` against a no-op tool.

Starts the real server (`create_server` as `medcodes mcp` builds it, plus one tool that does
nothing) as a subprocess, connects the MCP SDK's own client over stdio, warms up, then calls
the no-op and `search_codes` in alternation (dev-set queries in turn, so the engine runs every
time) and prints p50/p99 of each and what search adds. The bar: at most 5 ms at p99.

On a shared, loaded machine wall-clock tails measure the scheduler more than medcodes, so the
server also records the CPU time of its thread per tool call (a middleware), printed after
the wall-clock figures as what each call costs the server itself.

    python bench/mcp.py --catalog var/medcodes.db [--calls 1000] [--runs 3]
"""

from __future__ import annotations

import sys
from pathlib import Path

# Run as a script, this file's folder leads sys.path and `bench/mcp.py` would shadow the MCP
# SDK's `mcp` package: drop the folder first (as bench/http.py does for `http`).
sys.path = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).parent.resolve()]

import argparse  # noqa: E402
import asyncio  # noqa: E402
import os  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402

from mcp import Client  # noqa: E402
from mcp.client.stdio import StdioServerParameters  # noqa: E402

DEV_SET = Path(__file__).resolve().parents[1] / "tests" / "search" / "dev_queries.tsv"
SERVER = """
import sys, time
from medcodes.api import open_for_serving
from medcodes.mcp.server import create_server

codes = open_for_serving(sys.argv[1])  # as run_stdio (`medcodes mcp`) opens it
server = create_server(lambda: codes)
cpu_ms = {}


async def noop() -> dict[str, str]:
    '''Does nothing: the baseline of a tool call.'''
    return {}


async def cpu_times() -> dict[str, list[float]]:
    '''CPU ms of the server thread per call, by tool (and forget them).'''
    taken = dict(cpu_ms)
    cpu_ms.clear()
    return taken


async def timed(ctx, call_next):
    started = time.thread_time()
    result = await call_next(ctx)
    params = ctx.params
    name = params.get("name") if isinstance(params, dict) else getattr(params, "name", None)
    if ctx.method == "tools/call" and name != "cpu_times":
        cpu_ms.setdefault(name, []).append((time.thread_time() - started) * 1000)
    return result


server.add_tool(noop, structured_output=True)
server.add_tool(cpu_times, structured_output=True)
server.middleware.append(timed)
server.run("stdio")
"""
BAR_MS = 5.0


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def dev_queries() -> list[str]:
    lines = DEV_SET.read_text("utf-8").splitlines()[1:]
    return [query for query in (line.split("\t")[0] for line in lines) if query.strip()]


async def timed(client: Client, name: str, arguments: dict[str, object]) -> float:
    started = time.perf_counter()
    result = await client.call_tool(name, arguments)
    elapsed = (time.perf_counter() - started) * 1000
    if result.is_error:
        raise RuntimeError(f"{name}({arguments}) failed: {result.content}")
    return elapsed


async def one_run(catalog: Path, calls: int, queries: list[str]) -> tuple[list[float], ...]:
    """Wall ms of the no-op and of search, then the server's CPU ms of each, for `calls`
    calls of each, alternating, in one session."""
    server = StdioServerParameters(
        command=sys.executable, args=["-c", SERVER, str(catalog)], env=dict(os.environ)
    )
    noop: list[float] = []
    search: list[float] = []
    async with Client(server) as client:
        for query in queries[:50]:  # warm-up: imports, caches, first allocations
            await timed(client, "noop", {})
            await timed(client, "search_codes", {"query": query})
        await client.call_tool("cpu_times", {})
        for index in range(calls):
            noop.append(await timed(client, "noop", {}))
            query = queries[index % len(queries)]
            search.append(await timed(client, "search_codes", {"query": query}))
        cpu = (await client.call_tool("cpu_times", {})).structured_content
    return noop, search, cpu["noop"], cpu["search_codes"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--catalog", type=Path, default=Path("var/medcodes.db"))
    parser.add_argument("--calls", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    queries = dev_queries()
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    print(
        f"{args.runs} runs x {args.calls} calls per tool over stdio, {len(queries)} queries; "
        f"{os.cpu_count()} cores, load average {load}"
    )
    print(f"{'run':<4} {'no-op p50':>10} {'no-op p99':>10} {'search p50':>11} {'search p99':>11}")
    rows = []
    cpu_rows = []
    for run in range(1, args.runs + 1):
        noop, search, noop_cpu, search_cpu = asyncio.run(
            one_run(args.catalog.resolve(), args.calls, queries)
        )
        row = summary(noop, search)
        rows.append(row)
        cpu_rows.append(summary(noop_cpu, search_cpu))
        print(f"{run:<4} {row[0]:>8.2f}ms {row[1]:>8.2f}ms {row[2]:>9.2f}ms {row[3]:>9.2f}ms")
    report("wall-clock latency over stdio, median of runs", rows)
    report("server CPU per call (its thread), median of runs", cpu_rows)


def summary(noop: list[float], search: list[float]) -> tuple[float, float, float, float]:
    """(no-op p50, no-op p99, search p50, search p99) in ms."""
    return (
        statistics.median(noop),
        percentile(noop, 0.99),
        statistics.median(search),
        percentile(search, 0.99),
    )


def report(title: str, rows: list[tuple[float, float, float, float]]) -> None:
    noop_p50, noop_p99, search_p50, search_p99 = (
        statistics.median(row[i] for row in rows) for i in range(4)
    )
    added_p99 = search_p99 - noop_p99
    print(f"{title}:")
    print(
        f"  no-op p50 {noop_p50:.2f} ms, p99 {noop_p99:.2f} ms; "
        f"search_codes p50 {search_p50:.2f} ms, p99 {search_p99:.2f} ms"
    )
    print(
        f"  search adds {search_p50 - noop_p50:.2f} ms at p50 and {added_p99:.2f} ms at p99 "
        f"(bar: at most {BAR_MS:.0f} ms at p99: {'met' if added_p99 <= BAR_MS else 'NOT met'})"
    )


if __name__ == "__main__":
    main()
