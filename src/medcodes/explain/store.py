"""Generated explainers, kept in their own SQLite file so they survive catalog rebuilds.

One row per (system, code, descriptor hash, prompt version, model): the cache key of the LLM
writer. A row is shown only while its status is `verified` and its descriptor hash matches the
catalog's current descriptor.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from medcodes.explain.model import Draft

VERIFIED = "verified"
REJECTED = "rejected"

SCHEMA = """
CREATE TABLE IF NOT EXISTS explainers (
    system TEXT NOT NULL,
    code TEXT NOT NULL,
    descriptor_hash TEXT NOT NULL,
    prompt_version TEXT NOT NULL,
    model TEXT NOT NULL,
    created_at TEXT NOT NULL,
    status TEXT NOT NULL,
    sections TEXT NOT NULL,
    reasons TEXT NOT NULL,
    PRIMARY KEY (system, code, descriptor_hash, prompt_version, model)
);
"""


def default_store_path(catalog: Path) -> Path:
    """`medcodes.db` -> `medcodes.explain.db` beside it."""
    return catalog.with_name(f"{catalog.stem}.explain.db")


@dataclass(frozen=True, slots=True)
class StoredExplainer:
    system: str
    code: str
    descriptor_hash: str
    prompt_version: str
    model: str
    created_at: str
    status: str
    drafts: tuple[Draft, ...]
    reasons: tuple[str, ...]

    @property
    def key(self) -> tuple[str, str, str, str, str]:
        return (self.system, self.code, self.descriptor_hash, self.prompt_version, self.model)


def _drafts_json(drafts: tuple[Draft, ...]) -> str:
    return json.dumps(
        [{"key": d.key, "text": d.text, "items": list(d.items)} for d in drafts],
        ensure_ascii=False,
    )


def _drafts(text: str) -> tuple[Draft, ...]:
    return tuple(Draft(d["key"], d["text"], tuple(d["items"])) for d in json.loads(text))


class ExplainerStore:
    """Read and write generated explainers. Use as a context manager or call `close()`."""

    def __init__(self, path: Path, read_only: bool = False) -> None:
        """Open (creating it when writing) the store; the web app opens it read-only."""
        self.path = Path(path)
        if read_only:
            self.conn = sqlite3.connect(
                f"file:{self.path}?mode=ro", uri=True, check_same_thread=False
            )
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.conn = sqlite3.connect(self.path)
        self.conn.executescript(SCHEMA)

    def __enter__(self) -> ExplainerStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.conn.close()

    def save(self, item: StoredExplainer) -> None:
        self.conn.execute(
            "INSERT OR REPLACE INTO explainers VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                *item.key,
                item.created_at,
                item.status,
                _drafts_json(item.drafts),
                json.dumps(list(item.reasons), ensure_ascii=False),
            ),
        )
        self.conn.commit()

    def status(
        self, system: str, code: str, descriptor_hash: str, prompt: str, model: str
    ) -> str | None:
        """VERIFIED, REJECTED, or None when this (code, descriptor, prompt, model) was never
        written: the LLM writer's cache lookup."""
        row = self.conn.execute(
            "SELECT status FROM explainers WHERE system = ? AND code = ? AND descriptor_hash = ? "
            "AND prompt_version = ? AND model = ?",
            (system, code, descriptor_hash, prompt, model),
        ).fetchone()
        return row[0] if row else None

    def set_status(self, item: StoredExplainer, status: str, reasons: tuple[str, ...]) -> None:
        self.conn.execute(
            "UPDATE explainers SET status = ?, reasons = ? WHERE system = ? AND code = ? "
            "AND descriptor_hash = ? AND prompt_version = ? AND model = ?",
            (status, json.dumps(list(reasons), ensure_ascii=False), *item.key),
        )
        self.conn.commit()

    def shown(self, system: str, code: str, descriptor_hash: str) -> StoredExplainer | None:
        """The newest verified explainer written for this descriptor, if any."""
        row = self.conn.execute(
            "SELECT * FROM explainers WHERE system = ? AND code = ? AND descriptor_hash = ? "
            "AND status = ? ORDER BY created_at DESC LIMIT 1",
            (system, code, descriptor_hash, VERIFIED),
        ).fetchone()
        return _stored(row) if row else None

    def all(self) -> Iterator[StoredExplainer]:
        for row in self.conn.execute("SELECT * FROM explainers ORDER BY system, code").fetchall():
            yield _stored(row)


def _stored(row: tuple[str, ...]) -> StoredExplainer:
    system, code, digest, prompt, model, created, status, sections, reasons = row
    return StoredExplainer(
        system,
        code,
        digest,
        prompt,
        model,
        created,
        status,
        _drafts(sections),
        tuple(json.loads(reasons)),
    )
