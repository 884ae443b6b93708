"""medcodes deployed as docs/deploy.md describes it, on loopback: N `medcodes serve` replicas
behind nginx running deploy/nginx/medcodes.conf as shipped.

nginx runs as our own process (`daemon off`, a config rendered into a temporary folder with our
ports, pid, temp and log files), never the system's nginx service. The replicas are the real
`medcodes` command. Also here: the mixed load (search, code pages, API) the bench scripts
send, and CPU and memory figures read from /proc for every process involved.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.error import URLError
from urllib.parse import quote
from urllib.request import urlopen

from loadgen import free_port, rotating_script, run_wrk, sample_codes

from medcodes.systems import FHIR_SYSTEMS, System

ROOT = Path(__file__).resolve().parents[1]
SITE_CONF = ROOT / "deploy" / "nginx" / "medcodes.conf"
DEV_SET = ROOT / "tests" / "search" / "dev_queries.tsv"
MEDCODES = Path(sys.executable).with_name("medcodes")  # the installed command, as deployed
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"  # Debian's; /usr/sbin is not on every PATH
TICKS = os.sysconf("SC_CLK_TCK")
CPUS = os.cpu_count() or 1
NGINX_MAIN = """\
daemon off;
worker_processes {workers};
pid {folder}/nginx.pid;
error_log {folder}/error.log warn;
events {{ worker_connections 4096; }}
http {{
    default_type application/octet-stream;
    client_body_temp_path {folder}/client_body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;
    include {folder}/medcodes.conf;
}}
"""
CTSS_TABLES = ("icd10cm", "hcpcs", "icd10pcs")
WARM_STEP = 10  # seconds of load between two RSS readings
STEADY_GROWTH = 0.01  # a warm-up step growing the replicas' RSS less than this: steady
MAX_WARM_PASSES = 3  # a warm-up sends the rotation at most this many times
WRK_TIMEOUT = 15  # s: on a busy machine a slow answer is slow, not failed (nginx gives up at 10)


def render_site(
    text: str, replicas: list[int], listen: int, log_folder: Path, api_rate: int | None = None
) -> str:
    """The shipped site file with loopback addresses: the replicas' ports, our listen port and
    log folder (and, if given, another API rate per client). Each rewrite must match the
    shipped file, so a change there that this no longer understands fails loudly."""
    servers = re.findall(r"^ +server 127\.0\.0\.1:\d+ (.*);\n", text, re.M)
    if not servers:
        raise ValueError(f"{SITE_CONF}: no `server 127.0.0.1:PORT ...;` lines in the upstream")
    listed = "".join(f"    server 127.0.0.1:{port} {servers[0]};\n" for port in replicas)
    text = re.sub(r"(?:^ +server 127\.0\.0\.1:\d+ .*;\n)+", lambda _: listed, text, flags=re.M)
    rewrites = [
        (r"^    listen 80;$", f"    listen 127.0.0.1:{listen};"),
        (r"/var/log/nginx/", f"{log_folder}/"),
    ]
    if api_rate is not None:
        rewrites.append(
            (r"zone=medcodes_api:10m rate=\d+r/s;", f"zone=medcodes_api:10m rate={api_rate}r/s;")
        )
    for pattern, replacement in rewrites:
        text, count = re.subn(pattern, replacement, text, flags=re.M)
        if count != 1:
            raise ValueError(f"{SITE_CONF}: expected one match of {pattern!r}, found {count}")
    return text


def get(url: str, timeout: float = 2) -> int:
    """The status of a GET (0 when nothing answers)."""
    try:
        with urlopen(url, timeout=timeout) as response:
            response.read()
            return response.status
    except URLError as error:
        return getattr(error, "code", 0)
    except OSError:
        return 0


@dataclass
class Replica:
    """One `medcodes serve` process on a loopback port."""

    port: int
    catalog: Path
    log: Path
    workers: int = 1
    process: subprocess.Popen[bytes] | None = None
    started_at: float = 0.0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        command = [
            str(MEDCODES), "serve", "--host", "127.0.0.1", "--port", str(self.port),
            "--catalog", str(self.catalog), "--workers", str(self.workers), "--no-access-log",
        ]  # fmt: skip
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
        self.started_at = time.monotonic()

    def wait_ready(self, timeout: float = 180) -> float:
        """Seconds from start until /-/ready answered 200."""
        deadline = time.monotonic() + timeout
        while get(self.url + "/-/ready", timeout=1) != 200:
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"replica :{self.port} did not get ready; see {self.log}")
            time.sleep(0.1)
        return time.monotonic() - self.started_at

    def kill(self) -> None:
        """SIGKILL: a crash, the hardest case (no draining, connections reset mid-request)."""
        self.process.send_signal(signal.SIGKILL)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
        if self.process:
            self.process.wait()

    def pids(self) -> list[int]:
        return process_tree(self.process.pid) if self.process.poll() is None else []


@dataclass
class Cluster:
    """Replicas and nginx in a temporary folder; a context manager that stops them all."""

    catalog: Path
    replicas: int = 2
    workers: int = 1  # per replica
    api_rate: int | None = None  # None: the shipped per-client rate
    nginx_workers: int = 1
    folder: Path = field(init=False)
    members: list[Replica] = field(init=False, default_factory=list)
    nginx: subprocess.Popen[bytes] | None = field(init=False, default=None)
    port: int = field(init=False, default=0)

    def __enter__(self) -> Cluster:
        self.folder = Path(tempfile.mkdtemp(prefix="medcodes-cluster-"))
        self.folder.chmod(0o755)  # nginx workers run as nobody when we are root
        try:
            self.members = [
                Replica(
                    free_port(), self.catalog, self.folder / f"replica{i + 1}.log", self.workers
                )
                for i in range(self.replicas)
            ]
            for replica in self.members:
                replica.start()
            for replica in self.members:
                replica.wait_ready()
            self.start_nginx()
        except BaseException:
            self.__exit__()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop_nginx()
        for replica in self.members:
            replica.stop()
        shutil.rmtree(self.folder, ignore_errors=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def access_log(self) -> Path:
        return self.folder / "medcodes.access.log"

    @property
    def error_log(self) -> Path:
        return self.folder / "error.log"

    def start_nginx(self) -> None:
        self.port = free_port()
        site = render_site(
            SITE_CONF.read_text("utf-8"),
            [replica.port for replica in self.members],
            self.port,
            self.folder,
            self.api_rate,
        )
        (self.folder / "medcodes.conf").write_text(site, "utf-8")
        main = self.folder / "nginx.conf"
        main.write_text(NGINX_MAIN.format(folder=self.folder, workers=self.nginx_workers))
        command = [NGINX, "-p", str(self.folder), "-c", str(main), "-e", str(self.error_log)]
        check = subprocess.run([*command, "-t"], capture_output=True, text=True)
        if check.returncode:
            raise RuntimeError(f"nginx -t rejected the rendered config:\n{check.stderr}")
        self.nginx = subprocess.Popen(command)
        deadline = time.monotonic() + 10
        while get(self.url + "/-/health") != 200:
            if self.nginx.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"nginx did not start; see {self.error_log}")
            time.sleep(0.05)

    def stop_nginx(self) -> None:
        if self.nginx and self.nginx.poll() is None:
            self.nginx.send_signal(signal.SIGQUIT)  # graceful: finish what is in flight
            try:
                self.nginx.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.nginx.kill()
                self.nginx.wait()

    def reconfigure(self, api_rate: int | None) -> None:
        """nginx again with another API rate per client (None: as shipped); same replicas."""
        self.stop_nginx()
        self.api_rate = api_rate
        self.start_nginx()

    def nginx_pids(self) -> list[int]:
        return process_tree(self.nginx.pid)

    def log_size(self) -> int:
        return self.access_log.stat().st_size if self.access_log.exists() else 0

    def log_lines(self, start: int, end: int) -> list[str]:
        """Access-log lines written between two `log_size()` readings."""
        with self.access_log.open("rb") as log:
            log.seek(start)
            return log.read(end - start).decode("utf-8", "replace").splitlines()


# --- the mixed load -------------------------------------------------------------------------
def dev_queries() -> list[str]:
    lines = DEV_SET.read_text("utf-8").splitlines()[1:]
    return [line.split("\t")[0].strip() for line in lines if line and not line.startswith("#")]


def mixed_paths(catalog: Path, codes: int = 400) -> list[str]:
    """Requests as a public site gets them, interleaved: per dev-set query a search page, the
    instant-results fragment, a JSON search and a CTSS autocomplete, interleaved with
    `code_paths`. Every path answers 200."""
    queries = [query for query in dev_queries() if query]
    searches: list[str] = []
    for i, query in enumerate(queries):
        q = quote(query)
        table = CTSS_TABLES[i % len(CTSS_TABLES)]
        searches += [
            f"/search?q={q}",
            f"/search/results?q={q}",
            f"/api/v1/search?q={q}&limit=10",
            f"/api/{table}/v3/search?terms={q}",
        ]
    pages = code_paths(catalog, codes)
    return [path for pair in zip(searches, pages, strict=False) for path in pair] + (
        searches[len(pages) :] + pages[len(searches) :]
    )


def code_paths(catalog: Path, codes: int) -> list[str]:
    """Per sampled code (all systems): its page, its JSON (API) and a FHIR $lookup."""
    paths: list[str] = []
    for system_code in sample_codes(catalog, codes):
        system, code = system_code.split("/", 1)
        uri = quote(FHIR_SYSTEMS[System(system)], safe="")
        paths += [
            f"/code/{system_code}",
            f"/api/v1/codes/{quote(code)}?system={system}",
            f"/fhir/CodeSystem/$lookup?system={uri}&code={quote(code)}",
        ]
    return paths


class Load:
    """wrk runs that continue the rotation where the previous one stopped."""

    def __init__(self, cluster: Cluster, paths: list[str], connections: int) -> None:
        self.cluster, self.paths, self.connections = cluster, paths, connections
        self.offset = 0

    def run(self, seconds: int) -> dict[str, float]:
        turned = self.paths[self.offset :] + self.paths[: self.offset]
        result = run_wrk(
            self.cluster.url + "/", rotating_script(turned), seconds, self.connections, WRK_TIMEOUT
        )
        self.offset = (self.offset + int(result["requests"])) % len(self.paths)
        return result


def replica_rss(cluster: Cluster) -> list[float]:
    return [round(rss_mb(replica.pids()), 1) for replica in cluster.members]


def warm_up(
    load: Load, step_seconds: int = WARM_STEP, until_steady: bool = False
) -> tuple[int, int, int]:
    """Load in steps until every request of the rotation was sent once (the replicas' caches
    then hold what this load asks for); with `until_steady`, go on until a step grows the
    replicas' RSS by less than STEADY_GROWTH (full caches that evict still grow the heap for a
    while), for at most MAX_WARM_PASSES passes. Returns steps, requests and failed requests."""
    requests = failed = steps = 0
    rss = replica_rss(load.cluster)
    while requests < len(load.paths) * MAX_WARM_PASSES:
        result = load.run(step_seconds)
        steps += 1
        requests += int(result["requests"])
        failed += int(result["errors"])
        before, rss = rss, replica_rss(load.cluster)
        growth = sum(rss) / sum(before) - 1
        print(
            f"  warm-up step {steps}: {requests} requests, RSS {' + '.join(map(str, rss))} MB "
            f"({growth:+.1%})",
            flush=True,
        )
        if requests >= len(load.paths) and (not until_steady or growth < STEADY_GROWTH):
            break
    return steps, requests, failed


# --- what each process used, from /proc ----------------------------------------------------
class Meter:
    """CPU used by each part of the deployment, and by the whole machine, over an interval."""

    def __init__(self, cluster: Cluster) -> None:
        self.cluster = cluster
        self.started = time.monotonic()
        self.busy, self.total = machine_ticks()
        self.parts = self.read()

    def read(self) -> dict[str, dict[int, float]]:
        parts = {
            "replicas": [pid for replica in self.cluster.members for pid in replica.pids()],
            "nginx": self.cluster.nginx_pids(),
        }
        return {name: {pid: cpu_seconds([pid]) for pid in pids} for name, pids in parts.items()}

    def cores(self, wrk_cpu: float) -> dict[str, float]:
        elapsed = time.monotonic() - self.started
        busy, total = machine_ticks()
        cores = (busy - self.busy) / max(1, total - self.total) * CPUS
        used = {
            name: sum(cpu - self.parts[name].get(pid, 0.0) for pid, cpu in pids.items())
            for name, pids in self.read().items()
        }
        used["wrk"] = wrk_cpu
        shares = {name: round(seconds / elapsed, 2) for name, seconds in used.items()}
        shares["others"] = round(max(0.0, cores - sum(shares.values())), 2)
        shares["machine"] = round(cores, 2)
        return shares


def process_tree(pid: int) -> list[int]:
    """`pid` and its descendants (nginx's workers, uvicorn's workers)."""
    found = [pid]
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            children = (task / "children").read_text().split()
        except OSError:
            continue
        for child in children:
            found += process_tree(int(child))
    return found


def cpu_seconds(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # gone since listed
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / TICKS


def rss_mb(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        total += int(re.search(r"^VmRSS:\s+(\d+) kB", status, re.M).group(1))
    return total / 1024


def machine_ticks() -> tuple[int, int]:
    """(busy, total) CPU ticks of the whole machine since boot: everyone's load, not only ours."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + values[4]  # idle, iowait
    return sum(values) - idle, sum(values)


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])
