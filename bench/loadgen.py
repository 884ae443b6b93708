"""HTTP load for the bench scripts: wrk (Debian's) driven with a rotating list of paths.

`run_wrk` starts wrk, parses its summary (requests/s, p50/p99 latency, requests, failed
requests) and also returns the CPU seconds wrk itself used (from the kernel's accounting of the
child), so a script can say how much of the machine went into generating the load.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import tempfile
from pathlib import Path

from medcodes.catalog.read import Catalog

WRK_THREADS = 2


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def sample_codes(catalog: Path, count: int = 400) -> list[str]:
    """`count` codes spread over every system, as `SYSTEM/CODE` (the code page's path)."""
    with Catalog(catalog) as cat:
        codes, _ = cat.subtree("", limit=200_000)
    step = max(1, len(codes) // count)
    return [code.system + "/" + code.code for code in codes[::step]][:count]


def rotating_script(paths: list[str]) -> str:
    """A wrk Lua script requesting `paths` in turn."""
    listed = ",".join(f'"{p}"' for p in paths)
    return (
        f"paths = {{{listed}}}\ni = 0\n"
        "request = function()\n  i = i + 1\n"
        '  return wrk.format("GET", paths[(i % #paths) + 1])\nend\n'
    )


def run_wrk(
    url: str, script: str | None, seconds: float, connections: int, timeout_s: int = 2
) -> dict[str, float]:
    """One wrk run: rps, p50/p99 (ms), requests, errors (non-2xx/3xx answers and socket
    errors: connect, read, write, timeout after `timeout_s`) and wrk's own CPU seconds."""
    command = [
        "wrk", f"-t{WRK_THREADS}", f"-c{connections}", f"-d{seconds}s",
        f"--timeout={timeout_s}s", "--latency", url,
    ]  # fmt: skip
    with tempfile.NamedTemporaryFile("w", suffix=".lua") as lua:
        if script:
            lua.write(script)
            lua.flush()
            command[1:1] = ["-s", lua.name]
        wrk = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
        output = wrk.stdout.read()
        _, status, usage = os.wait4(wrk.pid, 0)  # reaps wrk with its own CPU accounting
        wrk.returncode = os.waitstatus_to_exitcode(status)
    if wrk.returncode:
        raise RuntimeError(f"wrk failed ({wrk.returncode}): {output}")
    return {**parse_wrk(output), "cpu_s": usage.ru_utime + usage.ru_stime}


def parse_wrk(output: str) -> dict[str, float]:
    errors = sum(
        int(n) for n in re.findall(r"(?:Non-2xx or 3xx responses|errors: .*?): (\d+)", output)
    )
    socket_errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    if socket_errors:
        errors += sum(int(n) for n in socket_errors.groups())
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "p50": _ms(re.search(r"50%\s+([\d.]+\w+)", output).group(1)),
        "p99": _ms(re.search(r"99%\s+([\d.]+\w+)", output).group(1)),
        "requests": int(re.search(r"(\d+) requests in", output).group(1)),
        "errors": errors,
    }


def _ms(text: str) -> float:
    value, unit = re.match(r"([\d.]+)(\w+)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}[unit]
