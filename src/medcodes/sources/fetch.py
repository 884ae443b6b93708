"""Download the official files from their publishers (CMS, CDC) into a per-user cache.

Used when no local sources folder is configured. Each file lands at its registry path, is
checked against the publisher's sha256 where one is known, and is only then moved into place.
Without a network it fails at the first request, saying how to use local files instead.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

import httpx

from medcodes.errors import MedcodesError, SourcesMissing
from medcodes.sources.registry import SOURCES, SourceFile

Progress = Callable[[str, int, int | None], None]  # (file, bytes so far, total bytes)

OFFLINE_HINT = (
    "Point medcodes at local copies of the official files instead: "
    "`medcodes build --sources DIR` or MEDCODES_SOURCES=DIR (a folder laid out like "
    "hcpcs/, icd10cm/, icd10pcs/, drugs/, coverage/; see docs/sources.md)."
)


class DownloadFailed(MedcodesError):
    """A publisher's file could not be fetched or did not match its checksum."""


def fetch_sources(
    target: Path,
    progress: Progress | None = None,
    sources: tuple[SourceFile, ...] = SOURCES,
    timeout: float = 15.0,
) -> Path:
    """Download every registry file missing from `target`; returns `target`."""
    target.mkdir(parents=True, exist_ok=True)
    urls_done: set[str] = set()
    with httpx.Client(timeout=timeout, follow_redirects=True) as client:
        for source in sources:
            destination = target / source.candidates[0]
            if destination.is_file() or source.url in urls_done:
                continue
            _download(client, source, destination, progress)
            urls_done.add(source.url)
    return target


def _download(
    client: httpx.Client, source: SourceFile, destination: Path, progress: Progress | None
) -> None:
    partial = destination.with_name(destination.name + ".part")
    destination.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    try:
        with client.stream("GET", source.url) as response:
            response.raise_for_status()
            total = int(response.headers.get("content-length", 0)) or None
            done = 0
            with partial.open("wb") as out:
                for chunk in response.iter_bytes(1 << 16):
                    out.write(chunk)
                    digest.update(chunk)
                    done += len(chunk)
                    if progress:
                        progress(destination.name, done, total)
    except httpx.HTTPError as exc:
        partial.unlink(missing_ok=True)
        raise SourcesMissing(f"cannot download {source.url}: {exc}. {OFFLINE_HINT}") from exc
    if source.sha256 and digest.hexdigest() != source.sha256:
        partial.unlink(missing_ok=True)
        raise DownloadFailed(
            f"{source.url}: sha256 {digest.hexdigest()} differs from the expected "
            f"{source.sha256}; the publisher may have replaced the file"
        )
    partial.replace(destination)
