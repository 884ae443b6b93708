"""deploy/nginx/medcodes.conf as shipped, in front of 2 real replicas on loopback: failover when
a replica dies under load (the short form of bench/failover.py), cache headers and gzip passed
through, probes, and the per-client API rate limit."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.append(str(ROOT / "bench"))  # last: bench/http.py must not shadow the stdlib's http

import cluster  # noqa: E402
import failover  # noqa: E402


@pytest.fixture(scope="module")
def deployment(built_catalog: Path) -> Iterator[cluster.Cluster]:
    """2 replicas (1 worker each) behind nginx with the shipped config; this load comes from
    one address, so the API rate is lifted until test_api_rate_limit puts the shipped one back."""
    with cluster.Cluster(built_catalog, api_rate=failover.UNLIMITED_API_RATE) as running:
        yield running


def test_render_changes_only_addresses_and_log_folder(tmp_path: Path) -> None:
    shipped = cluster.SITE_CONF.read_text("utf-8")
    rendered = cluster.render_site(shipped, [9001, 9002, 9003], 9000, tmp_path)
    changed = set(rendered.splitlines()) - set(shipped.splitlines())
    assert changed == {
        "    server 127.0.0.1:9001 max_fails=1 fail_timeout=5s;",
        "    server 127.0.0.1:9002 max_fails=1 fail_timeout=5s;",
        "    server 127.0.0.1:9003 max_fails=1 fail_timeout=5s;",
        "    listen 127.0.0.1:9000;",
        f"    access_log {tmp_path}/medcodes.access.log medcodes;",
    }
    with pytest.raises(ValueError, match="listen 80"):
        cluster.render_site(shipped.replace("listen 80;", "listen 8080;"), [9001], 9000, tmp_path)


def test_probes_answer_through_nginx(deployment: cluster.Cluster) -> None:
    ready = httpx.get(deployment.url + "/-/ready")
    assert ready.status_code == 200 and ready.json()["ready"]
    assert httpx.get(deployment.url + "/-/health").json()["status"] == "ok"


def test_cache_headers_and_304_pass_through_gzipped(deployment: cluster.Cluster) -> None:
    url = deployment.url + "/code/ICD10CM/E11.9"
    page = httpx.get(url, headers={"Accept-Encoding": "gzip"})
    assert page.status_code == 200 and "E11.9" in page.text
    assert page.headers["content-encoding"] == "gzip"
    assert page.headers["cache-control"] == "public, max-age=3600"
    assert page.headers["etag"].startswith('W/"')  # weak: survives compression unchanged
    assert "accept-encoding" in page.headers["vary"].lower()
    assert page.headers["content-security-policy"]
    again = httpx.get(url, headers={"If-None-Match": page.headers["etag"]})
    assert again.status_code == 304 and again.content == b""


def test_failover_loses_no_request_when_a_replica_dies(deployment: cluster.Cluster) -> None:
    """bench/failover.py's short form: 3 phases of 4 s; replica 1 SIGKILLed under load in
    phase 2 and restarted in phase 3. Every request of every phase must succeed."""
    paths = cluster.mixed_paths(deployment.catalog, codes=100)
    phases, ready_after = failover.run_failover(deployment, paths, 4, 16)
    failover.print_report(phases, ready_after, deployment)
    first, second = (str(replica.port) for replica in deployment.members)
    assert [phase.failed for phase in phases] == [0, 0, 0]
    assert [phase.failed_paths for phase in phases] == [[], [], []]
    assert all(phase.requests > 0 for phase in phases)
    assert phases[0].served_by.keys() == {first, second}  # both replicas took load...
    assert phases[1].served_by[second] > phases[1].served_by.get(first, 0)  # ...then one did
    assert "127.0.0.1:" + first in deployment.error_log.read_text()  # nginx saw it fail
    assert ready_after > 0  # and the restarted replica became ready again


def test_api_rate_limit_per_client(deployment: cluster.Cluster) -> None:
    """The shipped limit (30/s, bursts of 60): 200 requests at once from one address get some
    429s in the API's own error shapes; pages are not limited."""
    deployment.reconfigure(api_rate=None)

    def burst(path: str) -> list[httpx.Response]:
        with httpx.Client(base_url=deployment.url) as client, ThreadPoolExecutor(50) as pool:
            return list(pool.map(lambda _: client.get(path), range(200)))

    api = burst("/api/v1/search?q=asthma")
    limited = [r for r in api if r.status_code == 429]
    assert limited and any(r.status_code == 200 for r in api)
    assert limited[0].json()["error"] == "TooManyRequests"
    assert limited[0].headers["retry-after"] == "1"
    fhir = [r for r in burst("/fhir/metadata") if r.status_code == 429]
    assert fhir and fhir[0].json()["resourceType"] == "OperationOutcome"
    assert {r.status_code for r in burst("/-/health")} == {200}
