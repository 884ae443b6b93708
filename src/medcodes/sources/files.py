"""Opening official files the way CMS and CDC ship them: plain, gzip, or zip archives.

A user who downloads a release gets a `.zip`; the staged copies here are sometimes `.gz`.
Every parser goes through `open_text` so that all three work everywhere.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import os
import re
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import IO

from medcodes.errors import SourceFormatError, SourcesMissing


def sha256_file(path: Path) -> str:
    """Hex sha256 of a file's bytes, as recorded in the catalog manifest."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def zip_member(path: Path, pattern: str) -> str:
    """Name of the member of zip `path` matching regex `pattern` (case-insensitive)."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = [n for n in archive.namelist() if re.search(pattern, n, re.IGNORECASE)]
    except zipfile.BadZipFile as exc:
        raise SourceFormatError(path, None, f"not a readable zip archive ({exc})") from exc
    if not names:
        raise SourceFormatError(path, None, f"no member matching {pattern!r} in the archive")
    return sorted(names, key=len)[0]


@contextmanager
def open_binary(path: Path, member: str | None = None) -> Iterator[IO[bytes]]:
    """Open `path` for reading bytes, transparently gunzipping `.gz` and reading a zip member.

    `member` is a regex picking the member of a `.zip` (required for zips with several files).
    """
    path = Path(path)
    if not path.is_file():
        raise SourcesMissing(f"{path}: file not found")
    if path.suffix.lower() == ".zip":
        name = zip_member(path, member or ".")
        with zipfile.ZipFile(path) as archive, archive.open(name) as fh:
            yield fh
    elif path.suffix.lower() == ".gz":
        with gzip.open(path, "rb") as fh:
            yield fh
    else:
        with path.open("rb") as fh:
            yield fh


@contextmanager
def open_text(
    path: Path, member: str | None = None, encoding: str = "utf-8", errors: str = "strict"
) -> Iterator[IO[str]]:
    """Open `path` (plain, `.gz` or a `.zip` member) as text with universal newlines."""
    with open_binary(path, member) as raw:
        yield io.TextIOWrapper(raw, encoding=encoding, errors=errors, newline=None)


def read_bytes(path: Path, member: str | None = None) -> bytes:
    """Whole content of `path` (plain, `.gz` or zip member); for XML parsers that want bytes.

    A truncated gzip raises SourceFormatError naming the file.
    """
    try:
        with open_binary(path, member) as fh:
            return fh.read()
    except (EOFError, OSError, zipfile.BadZipFile) as exc:
        if isinstance(exc, FileNotFoundError):
            raise
        raise SourceFormatError(path, None, f"cannot read: {exc}") from exc


@dataclass(frozen=True, slots=True)
class ReleaseFound:
    """The release a file holds, as its content says (see `registry.CONTENT_KINDS`)."""

    release: str  # one spelling everywhere: HCPCS "2026-07"
    effective_date: date


def readable_units(root: Path, extensions: tuple[str, ...]) -> Iterator[tuple[Path, str | None]]:
    """(file, zip member or None) of every file under `root` (symlinks followed) that may hold
    official data of the given extensions: plain, `.gz`, or inside a `.zip` archive.

    Extensions only choose which files are worth opening; what a file holds is then read
    from the file itself, so a renamed copy is found like the original.
    """
    for folder, _, names in sorted(os.walk(root, followlinks=True)):
        for name in sorted(names):
            path = Path(folder) / name
            lower = name.lower()
            if lower.endswith(".zip"):
                yield from ((path, member) for member in _zip_members(path, extensions))
            elif lower.removesuffix(".gz").endswith(extensions):
                yield path, None


def _zip_members(path: Path, extensions: tuple[str, ...]) -> list[str]:
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, OSError):
        return []  # not an archive after all: nothing to find in it
    return [name for name in names if name.lower().endswith(extensions)]


def exact_member(name: str) -> str:
    """The `member` regex that picks exactly the zip member `name`."""
    return "^" + re.escape(name) + "$"
