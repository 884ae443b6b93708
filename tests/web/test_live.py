"""Live swap: a served catalog replaced at its path is switched to between requests; the old
build serves the requests it began, then is closed; a bad file is refused; no leak."""

from __future__ import annotations

import gc
import json
import logging
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import weakref
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from medcodes.search.index import index_path
from medcodes.settings import Settings
from medcodes.web.live import LiveSite
from medcodes.web.site import Site, open_site


@pytest.fixture(scope="module")
def two_builds(built_catalog: Path, tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """Two catalogs with their indexes that differ by build id (copies of the real one)."""
    builds = []
    for name in ("a", "b"):
        catalog = tmp_path_factory.mktemp(f"build-{name}") / "medcodes.db"
        shutil.copyfile(built_catalog, catalog)
        shutil.copytree(index_path(built_catalog), index_path(catalog))
        build_id = f"test-build-{name}"
        with sqlite3.connect(catalog) as conn:
            conn.execute("UPDATE meta SET value = ? WHERE key = 'build_id'", (build_id,))
        conn.close()
        recipe_file = index_path(catalog) / "recipe.json"
        recipe = json.loads(recipe_file.read_text())
        recipe_file.write_text(json.dumps({**recipe, "catalog_build_id": build_id}))
        builds.append(catalog)
    return builds


def install(build: Path, served: Path, with_index: bool = True) -> None:
    """Put `build` at the served path as `medcodes build` does: catalog renamed over the old
    one first, then the index (here a symlink, so the copy costs nothing)."""
    new = served.with_name("incoming.db")
    new.unlink(missing_ok=True)
    os.link(build, new)
    os.replace(new, served)
    if with_index:
        link = served.with_name("incoming.index")
        os.symlink(index_path(build), link)
        os.replace(link, index_path(served))


@pytest.fixture
def served(two_builds: list[Path], tmp_path: Path) -> Path:
    path = tmp_path / "medcodes.db"
    install(two_builds[0], path)
    return path


@pytest.fixture
def live(served: Path) -> LiveSite[Site]:
    site = LiveSite(served, lambda: open_site(Settings(catalog=served)))
    yield site
    site.close()


def title(site: Site, code: str) -> str:
    """Read from the open catalog file: fails once the build is closed."""
    return site.codes.code(code).title


def first_hit(site: Site, text: str) -> str:
    return site.codes.search(text, limit=1).hits[0].code


def test_in_flight_request_finishes_on_the_old_build(
    live: LiveSite[Site], served: Path, two_builds: list[Path]
) -> None:
    held = live.acquire()  # a request that started before the new build arrived
    install(two_builds[1], served)
    assert live.check()
    assert live.current.build_id == "test-build-b"
    assert live.acquire().build_id == "test-build-b"  # new requests get the new build
    assert held.build_id == "test-build-a"
    assert title(held, "J9039") == "Injection, blinatumomab, 1 microgram"  # not closed under it
    assert first_hit(held, "blincyto") == "J9039"
    live.release(held)  # its last request ended: now it is closed
    with pytest.raises(sqlite3.ProgrammingError):
        title(held, "J9039")


def test_catalog_waits_for_its_index(
    live: LiveSite[Site], served: Path, two_builds: list[Path], caplog: pytest.LogCaptureFixture
) -> None:
    install(two_builds[1], served, with_index=False)  # between the build's two renames
    assert not live.check() and live.current.build_id == "test-build-a"
    install(two_builds[1], served)
    assert live.check() and live.current.build_id == "test-build-b"
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


def test_a_catalog_that_fails_to_open_is_refused(
    live: LiveSite[Site], served: Path, two_builds: list[Path], caplog: pytest.LogCaptureFixture
) -> None:
    broken = served.with_name("broken.db")
    broken.write_bytes(b"SQLite format 3\x00" + b"\x00" * 4000)  # a damaged catalog
    os.replace(broken, served)
    with caplog.at_level(logging.ERROR):
        assert not live.check()
    assert "refused, still serving build test-build-a" in caplog.text
    assert live.current.build_id == "test-build-a"
    assert title(live.current, "A9574") == "Injection, ferumoxytol, 1 mg"  # open, answering
    assert not live.check()  # refused once, not retried on every check
    install(two_builds[1], served)
    assert live.check() and live.current.build_id == "test-build-b"


def open_fds() -> int:
    return len(os.listdir("/proc/self/fd"))


def rss_mb() -> float:
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def test_twenty_swaps_leak_no_file_or_memory(
    live: LiveSite[Site], served: Path, two_builds: list[Path]
) -> None:
    replaced: list[weakref.ref[object]] = []

    def swap(times: int) -> None:
        for n in range(times):
            replaced.append(weakref.ref(live.current.codes))
            install(two_builds[(n + 1) % 2], served)
            assert live.check()
            held = live.acquire()
            first_hit(held, "diabetes")
            live.release(held)

    swap(4)  # warm: caches, lazily imported modules, the allocator's arenas
    gc.collect()
    fds, rss = open_fds(), rss_mb()
    swap(20)
    gc.collect()
    print(f"after 20 swaps: {open_fds() - fds:+d} fds, {rss_mb() - rss:+.1f} MB RSS")
    assert live.swaps == 24
    assert open_fds() == fds
    assert [ref() for ref in replaced] == [None] * 24  # no replaced build is kept alive
    # A kept build costs ~100 MB (20 swaps: ~2 GB, as a class-level cache on the searcher once
    # did); what RSS still gains is the allocator's (1-6 MB a swap, more in a big process).
    assert rss_mb() - rss < 250


def test_served_site_switches_on_sighup(served: Path, two_builds: list[Path]) -> None:
    """A real `medcodes serve`: replace its catalog, send SIGHUP (the timed check is an hour
    away), and the next answers come from the new build with its own ETag."""
    port = free_port()
    env = {**os.environ, "MEDCODES_RELOAD_SECONDS": "3600"}
    command = [str(Path(sys.executable).with_name("medcodes")), "serve", "--catalog", str(served)]
    process = subprocess.Popen([*command, "--port", str(port), "--no-access-log"], env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        first = wait_for(base, lambda r: r.status_code == 200)
        assert first.json()["build_id"] == "test-build-a"
        etag = first.headers["etag"]
        install(two_builds[1], served)
        process.send_signal(signal.SIGHUP)
        second = wait_for(base, lambda r: r.json()["build_id"] == "test-build-b")
        assert second.headers["etag"] == 'W/"test-build-b"' != etag
        stale = httpx.get(base + "/code/J9039", headers={"if-none-match": etag})
        assert stale.status_code == 200  # the old ETag no longer matches
        assert process.poll() is None  # no restart
    finally:
        process.terminate()
        process.wait(timeout=30)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(base: str, ready: Callable[[httpx.Response], bool]) -> httpx.Response:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            response = httpx.get(base + "/-/manifest.json", timeout=5)
            if ready(response):
                return response
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    pytest.fail("the server did not answer as expected")
