"""Serving the newest build: a server notices that `medcodes build` renamed a new catalog
(and its index) into place and switches to it between requests, without a restart.

`LiveSite` holds the Site the app serves now. Each request takes the current Site when it
starts and keeps it to the end (`acquire`/`release`), so a request in flight finishes on the
build it began with while new requests get the new one; a replaced Site is closed (catalog,
index, explainer store) when its last request ends, and per-build caches are emptied of it.

`check()` runs every `interval` seconds and on SIGHUP. It compares the catalog file's identity
(inode, size, mtime); a changed file is opened in a worker thread while the old build keeps
serving. A build renames the catalog first and its index right after, so a catalog whose
index still names another build is "not ready yet" and is looked at again on the next check;
one that fails to open is refused with a logged error, and the old build stays.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import sqlite3
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, Protocol, TypeVar

from medcodes.api import build_ready
from medcodes.errors import MedcodesError

log = logging.getLogger(__name__)

PENDING_PATIENCE = 120.0  # seconds a catalog may wait for its index before that is an error


class Build(Protocol):
    build_id: str

    def close(self) -> None: ...


B = TypeVar("B", bound=Build)


@dataclass(frozen=True, slots=True)
class FileIdentity:
    """What changes when a new file is renamed over the catalog's path."""

    inode: int
    size: int
    mtime_ns: int

    @staticmethod
    def of(path: Path) -> FileIdentity | None:
        try:
            stat = path.stat()
        except OSError:  # between a delete and a rename: nothing to switch to yet
            return None
        return FileIdentity(stat.st_ino, stat.st_size, stat.st_mtime_ns)


class LiveSite(Generic[B]):
    """The build a server serves now, switched to a new one when its file is replaced.

    `open_build()` opens whatever is at `path` now; `forget` drops per-build cache entries of
    a replaced build (so nothing keeps it alive once its requests are done).
    """

    def __init__(
        self,
        path: Path,
        open_build: Callable[[], B],
        forget: Callable[[], None] = lambda: None,
        interval: float = 1.0,
    ) -> None:
        self.path = Path(path)
        self.interval = interval
        self._open = open_build
        self._forget = forget
        self._identity = FileIdentity.of(self.path)
        self._current: B = open_build()
        self._in_use: dict[int, int] = {}  # id(build) -> requests holding it
        self._retired: dict[int, B] = {}  # replaced builds still serving requests
        self._refused: FileIdentity | None = None
        self._pending_since: float | None = None
        self.swaps = 0

    @property
    def current(self) -> B:
        return self._current

    def acquire(self) -> B:
        """The current build, held until `release`: a request's whole life uses one build."""
        build = self._current
        self._in_use[id(build)] = self._in_use.get(id(build), 0) + 1
        return build

    def release(self, build: B) -> None:
        left = self._in_use[id(build)] - 1
        if left:
            self._in_use[id(build)] = left
            return
        del self._in_use[id(build)]
        retired = self._retired.pop(id(build), None)
        if retired is not None:
            _close(retired)

    def changed(self) -> FileIdentity | None:
        """The catalog's new identity if it differs from the one served (and was not refused)."""
        identity = FileIdentity.of(self.path)
        if identity is None or identity in (self._identity, self._refused):
            return None
        return identity

    def check(self) -> bool:
        """Switch to a replaced catalog now (synchronously); True if the build changed."""
        identity = self.changed()
        if identity is None:
            return False
        return self._adopt(identity, self._try_open(identity))

    async def check_async(self) -> bool:
        """As `check`, opening the new build in a worker thread while requests go on."""
        identity = self.changed()
        if identity is None:
            return False
        opened = await asyncio.to_thread(self._try_open, identity)
        return self._adopt(identity, opened)

    def _try_open(self, identity: FileIdentity) -> B | None:
        try:
            if not build_ready(self.path):
                self._wait_for_index(identity)
                return None
            return self._open()
        except (MedcodesError, sqlite3.Error, OSError, ValueError) as exc:
            self._refuse(identity, f"{exc}")
            return None

    def _wait_for_index(self, identity: FileIdentity) -> None:
        now = time.monotonic()
        self._pending_since = self._pending_since or now
        if now - self._pending_since > PENDING_PATIENCE:
            self._refuse(identity, f"its search index never matched it ({PENDING_PATIENCE:.0f} s)")

    def _refuse(self, identity: FileIdentity, why: str) -> None:
        self._refused = identity
        self._pending_since = None
        log.error(
            "new catalog at %s refused, still serving build %s: %s",
            self.path,
            self._current.build_id,
            why,
        )

    def _adopt(self, identity: FileIdentity, opened: B | None) -> bool:
        if opened is None:
            return False
        if FileIdentity.of(self.path) != identity:  # replaced again while opening
            _close(opened)
            return False
        old, self._current = self._current, opened
        self._identity, self._pending_since = identity, None
        self.swaps += 1
        self._forget()
        if id(old) in self._in_use:
            self._retired[id(old)] = old  # closed by the release of its last request
        else:
            _close(old)
        log.warning(
            "switched to the catalog build %s at %s (was %s)",
            opened.build_id,
            self.path,
            old.build_id,
        )
        return True

    def close(self) -> None:
        for build in [self._current, *self._retired.values()]:
            _close(build)
        self._retired.clear()

    @contextlib.asynccontextmanager
    async def watching(self) -> AsyncIterator[None]:
        """Check every `interval` seconds and on SIGHUP while the app runs (its lifespan)."""
        wake = asyncio.Event()
        loop = asyncio.get_running_loop()
        with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
            loop.add_signal_handler(signal.SIGHUP, wake.set)  # main thread only
        task = asyncio.create_task(self._watch(wake))
        try:
            yield
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
            with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
                loop.remove_signal_handler(signal.SIGHUP)
            self.close()

    async def _watch(self, wake: asyncio.Event) -> None:
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(wake.wait(), self.interval)
            wake.clear()
            try:
                await self.check_async()
            except Exception:  # a bug here must not stop the checks: keep serving, say why
                log.exception("checking %s for a new catalog failed", self.path)


def _close(build: Any) -> None:
    try:
        build.close()
    except Exception:  # closing must not break serving; the process would leak, say so
        log.exception("closing a replaced catalog build failed")
