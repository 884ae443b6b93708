"""Precompute neighbours at build time into the `similar` table: same drug, similar wording.

Same drug: HCPCS codes sharing a generic or brand name (other units, forms, biosimilars).
Similar wording: TF-IDF cosine over titles (plus drug names for HCPCS), within and across
systems. To stay inside the build budget it is vectorised by blocks of queries, counts only
words that 2..MAX_DF codes share (rarer words say nothing, commoner ones too little), asks
only for HCPCS and ICD-10-CM codes without a 7th character (the injury/encounter variants
word like their category), skips pairs under one parent (hierarchy gives those) and pairs
within ICD-10-PCS (its titles are its axes). PCS codes still get neighbours from the reverse
of every pair found.
"""

from __future__ import annotations

import logging
import re
import sqlite3
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from medcodes.catalog.drug_names import hcpcs_drug_names

log = logging.getLogger(__name__)

TOP_K = 8
MAX_DF = 1500
MIN_SCORE = 0.25
BLOCK = 1024
_WORD = re.compile(r"[a-z0-9]+")
# Function words, and the units and forms every drug descriptor repeats ("injection, 1 mg").
STOPWORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "as",
        "at",
        "by",
        "for",
        "from",
        "in",
        "into",
        "of",
        "on",
        "or",
        "per",
        "the",
        "to",
        "with",
        "without",
        "w",
        "other",
        "unspecified",
        "specified",
        "each",
        "any",
        "injection",
        "infusion",
        "mg",
        "mcg",
        "microgram",
        "micrograms",
        "milligram",
        "gram",
        "grams",
        "ml",
        "cc",
        "unit",
        "units",
        "iu",
        "dose",
        "doses",
        "supply",
        "biosimilar",
        "up",
    ]
)


@dataclass(frozen=True, slots=True)
class _Docs:
    """Code ids, their systems and parents, and a CSR matrix of kept word ids per code."""

    ids: np.ndarray
    system: np.ndarray  # 0 HCPCS, 1 ICD10CM, 2 ICD10PCS
    parent: np.ndarray
    query: np.ndarray  # bool: neighbours are searched for this code
    indptr: np.ndarray
    words: np.ndarray
    idf: np.ndarray  # per word id
    vocab: list[str]


Pair = tuple[int, int, str, float, str]  # a `similar` row: code, neighbour, kind, score, detail


def compute_similar(conn: sqlite3.Connection) -> list[str]:
    """Enricher: fill `similar` with same-drug and similar-wording pairs; no warnings."""
    add_same_drug(conn)
    return insert_pairs(conn, lexical_pairs(_documents(conn, hcpcs_drug_names(conn))))


def add_same_drug(conn: sqlite3.Connection) -> list[str]:
    """Enricher: the same-drug pairs (quick; the search index reads them for drug names)."""
    return insert_pairs(conn, same_drug_pairs(hcpcs_drug_names(conn)))


def wording_pairs(catalog: Path) -> list[Pair]:
    """The similar-wording pairs of a written catalog, read-only: the slow half (TF-IDF over
    every title), computed in a worker process while the search index is written."""
    conn = sqlite3.connect(f"file:{catalog}?mode=ro", uri=True)
    try:
        return lexical_pairs(_documents(conn, hcpcs_drug_names(conn)))
    finally:
        conn.close()


def insert_pairs(conn: sqlite3.Connection, pairs: list[Pair]) -> list[str]:
    conn.executemany("INSERT INTO similar VALUES (?,?,?,?,?)", pairs)
    return []


def same_drug_pairs(names: dict[int, dict[str, str]]) -> list[Pair]:
    """Both directions of every pair of codes sharing a drug name; generic names score 1,
    brand names 0.9 (a brand may cover several generics)."""
    by_name: dict[str, list[int]] = defaultdict(list)
    for code_id, code_names in names.items():
        for name in code_names:
            by_name[name].append(code_id)
    best: dict[tuple[int, int], tuple[float, str]] = {}
    for name, code_ids in by_name.items():
        if len(code_ids) > 40:  # a class word ("insulin"), not one drug
            continue
        for a in code_ids:
            score = 1.0 if names[a][name] == "generic" else 0.9
            for b in code_ids:
                if a != b and best.get((a, b), (0.0, ""))[0] < score:
                    best[(a, b)] = (score, name)
    return [(a, b, "same-drug", score, name) for (a, b), (score, name) in best.items()]


def _documents(conn: sqlite3.Connection, names: dict[int, dict[str, str]]) -> _Docs:
    rows = conn.execute(
        "SELECT id, system, code_key, parent_id, long_title FROM codes "
        "WHERE billable = 1 AND status = 'active' AND system IN ('HCPCS','ICD10CM','ICD10PCS') "
        "ORDER BY id"
    ).fetchall()
    systems = {"HCPCS": 0, "ICD10CM": 1, "ICD10PCS": 2}
    token_lists = [
        _tokens(title + " " + " ".join(names.get(code_id, ())), system == "HCPCS")
        for code_id, system, _key, _parent, title in rows
    ]
    df: dict[str, int] = defaultdict(int)
    for tokens in token_lists:
        for token in tokens:
            df[token] += 1
    vocab = sorted(t for t, n in df.items() if 2 <= n <= MAX_DF)
    word_id = {t: i for i, t in enumerate(vocab)}
    indptr = [0]
    words: list[int] = []
    for tokens in token_lists:
        words.extend(sorted(word_id[t] for t in tokens if t in word_id))
        indptr.append(len(words))
    system = np.array([systems[r[1]] for r in rows], dtype=np.int8)
    query = (system == 0) | ((system == 1) & np.array([len(r[2]) < 7 for r in rows]))
    return _Docs(
        ids=np.array([r[0] for r in rows], dtype=np.int64),
        system=system,
        parent=np.array([r[3] or 0 for r in rows], dtype=np.int64),
        query=query,
        indptr=np.array(indptr, dtype=np.int64),
        words=np.array(words, dtype=np.int32),
        idf=np.log(len(rows) / np.array([df[t] for t in vocab], dtype=np.float64)),
        vocab=vocab,
    )


def _tokens(text: str, drop_numbers: bool) -> set[str]:
    """Words of a text; a HCPCS descriptor's numbers are amounts, not meaning."""
    words = _WORD.findall(text.casefold())
    return {t for t in words if t not in STOPWORDS and not (drop_numbers and t.isdigit())}


def lexical_pairs(docs: _Docs) -> list[Pair]:
    """Top-TOP_K similar-wording neighbours of each query code, and the reverse pairs."""
    weight = docs.idf**2
    lengths = np.diff(docs.indptr)
    norm = np.sqrt(np.add.reduceat(weight[docs.words], docs.indptr[:-1]) * (lengths > 0))
    norm[norm == 0] = np.inf
    postings_order = np.argsort(docs.words, kind="stable")
    doc_of_entry = np.repeat(np.arange(len(docs.ids)), lengths)
    postings = doc_of_entry[postings_order]
    post_ptr = np.concatenate(([0], np.cumsum(np.bincount(docs.words, minlength=len(weight)))))
    found: dict[tuple[int, int], tuple[float, str]] = {}
    queries = np.flatnonzero(docs.query)
    for start in range(0, len(queries), BLOCK):
        block = queries[start : start + BLOCK]
        q, d, score = _block_scores(docs, block, postings, post_ptr, weight, norm)
        for a, b, s in _top_k(q, d, score):
            detail = _shared_words(docs, a, b)
            found[(a, b)] = (s, detail)
            found.setdefault((b, a), (s, detail))
    return [
        (int(docs.ids[a]), int(docs.ids[b]), "lexical", round(s, 4), detail)
        for (a, b), (s, detail) in found.items()
    ]


def _block_scores(
    docs: _Docs,
    block: np.ndarray,
    postings: np.ndarray,
    post_ptr: np.ndarray,
    weight: np.ndarray,
    norm: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Cosine of every (query in block, code sharing a kept word) pair."""
    starts, ends = docs.indptr[block], docs.indptr[block + 1]
    counts = ends - starts
    entry = _ranges(starts, counts)
    q_of_word = np.repeat(block, counts)
    word = docs.words[entry]
    post_len = post_ptr[word + 1] - post_ptr[word]
    d = postings[_ranges(post_ptr[word], post_len)]
    q = np.repeat(q_of_word, post_len)
    w = np.repeat(weight[word], post_len)
    keep = (
        (d != q)
        & (docs.parent[d] != docs.parent[q])
        & ~((docs.system[d] == 2) & (docs.system[q] == 2))
    )
    keys = q[keep] * len(docs.ids) + d[keep]
    unique, inverse = np.unique(keys, return_inverse=True)
    dot = np.bincount(inverse, weights=w[keep])
    q, d = unique // len(docs.ids), unique % len(docs.ids)
    return q, d, dot / (norm[q] * norm[d])


def _ranges(starts: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Concatenated arange(start, start + count) for each pair, vectorised."""
    total = int(counts.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    offsets = np.repeat(starts - np.concatenate(([0], np.cumsum(counts)[:-1])), counts)
    return offsets + np.arange(total)


def _top_k(q: np.ndarray, d: np.ndarray, score: np.ndarray) -> list[tuple[int, int, float]]:
    keep = score >= MIN_SCORE
    q, d, score = q[keep], d[keep], score[keep]
    order = np.lexsort((-score, q))
    q, d, score = q[order], d[order], score[order]
    first = np.concatenate(([True], q[1:] != q[:-1]))
    group_start = np.maximum.accumulate(np.where(first, np.arange(len(q)), 0))
    rank = np.arange(len(q)) - group_start
    top = rank < TOP_K
    return list(zip(q[top].tolist(), d[top].tolist(), score[top].tolist(), strict=True))


def _shared_words(docs: _Docs, a: int, b: int) -> str:
    """The words two codes share, rarest first: what the page shows as the reason."""
    words_a = set(docs.words[docs.indptr[a] : docs.indptr[a + 1]].tolist())
    shared = [w for w in docs.words[docs.indptr[b] : docs.indptr[b + 1]].tolist() if w in words_a]
    shared.sort(key=lambda w: -docs.idf[w])
    return ", ".join(docs.vocab[w] for w in shared[:4])
