"""Spelling correction against the catalog's own vocabulary (titles and every synonym).

A word the index does not know is replaced by the closest known word of similar length and
the same first letter (typos rarely hit the first letter), ties going to the commoner word.
The vocabulary is written beside the index at build time.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from pathlib import Path

from rapidfuzz import process
from rapidfuzz.distance import OSA

VOCABULARY_FILE = "vocabulary.tsv"
MIN_WORD = 4  # shorter words are abbreviations or codes, not typos
MIN_SIMILARITY = 0.75  # 1 - edits/length: one or two edits in an ordinary medical word


def write_vocabulary(directory: Path, counts: Counter[str]) -> None:
    lines = (f"{word}\t{count}" for word, count in sorted(counts.items()))
    (directory / VOCABULARY_FILE).write_text("\n".join(lines) + "\n", encoding="utf-8")


class Speller:
    """Closest known word for an unknown one."""

    def __init__(self, counts: dict[str, int]) -> None:
        self.counts = counts
        self.buckets: dict[tuple[str, int], list[str]] = defaultdict(list)
        for word in counts:
            self.buckets[(word[0], len(word))].append(word)

    @classmethod
    def load(cls, directory: Path) -> Speller:
        counts: dict[str, int] = {}
        path = directory / VOCABULARY_FILE
        if path.is_file():
            for line in path.read_text(encoding="utf-8").splitlines():
                word, _, count = line.partition("\t")
                counts[word] = int(count or 1)
        return cls(counts)

    def correct(self, word: str) -> str | None:
        """The likeliest intended word, or None when nothing is close enough.

        >>> Speller({"pneumonia": 90, "pneumonitis": 20}).correct("pnuemonia")
        'pneumonia'
        """
        if len(word) < MIN_WORD or word in self.counts:
            return None
        candidates = [
            candidate
            for size in range(len(word) - 2, len(word) + 3)
            for candidate in self.buckets.get((word[0], size), ())
        ]
        found = process.extract(
            word,
            candidates,
            scorer=OSA.normalized_similarity,
            score_cutoff=MIN_SIMILARITY,
            limit=8,
        )
        if not found:
            return None
        # Fewest edits (a swap counts once) first; among equals, the commoner word.
        best = max(found, key=lambda item: (round(item[1], 2), self.counts[item[0]]))
        return best[0]
