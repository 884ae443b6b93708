"""Score a query set: hit@1, hit@10 and MRR, overall and per kind.

The set is a TSV with a header: `query<TAB>accepted<TAB>kind`; accepted codes are
comma-separated, a trailing `*` accepts any code with that prefix.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from medcodes.errors import MedcodesError
from medcodes.systems import code_key


@dataclass(frozen=True, slots=True)
class EvalQuery:
    query: str
    accepted: tuple[str, ...]
    kind: str


@dataclass(slots=True)
class Scores:
    queries: int = 0
    hit1: int = 0
    hit10: int = 0
    reciprocal_rank: float = 0.0
    misses: list[str] = field(default_factory=list)

    def add(self, rank: int | None, query: str) -> None:
        self.queries += 1
        if rank is None:
            self.misses.append(query)
            return
        self.hit1 += rank == 1
        self.hit10 += rank <= 10
        self.reciprocal_rank += 1 / rank

    def as_dict(self) -> dict[str, float | int]:
        n = max(self.queries, 1)
        return {
            "queries": self.queries,
            "hit@1": round(self.hit1 / n, 3),
            "hit@10": round(self.hit10 / n, 3),
            "mrr": round(self.reciprocal_rank / n, 3),
        }


def read_query_set(path: Path) -> list[EvalQuery]:
    """Queries of a TSV file; a malformed row names its line."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise MedcodesError(f"cannot read query set {path}: {exc}") from exc
    rows = list(csv.reader(text.splitlines(), delimiter="\t", quoting=csv.QUOTE_NONE))
    queries: list[EvalQuery] = []
    for number, row in enumerate(rows[1:], start=2):
        if not row or row[0].startswith("#"):
            continue
        if len(row) < 3:
            raise MedcodesError(f"{path}, line {number}: expected query, accepted, kind")
        accepted = tuple(code.strip() for code in row[1].split(",") if code.strip())
        queries.append(EvalQuery(row[0], accepted, row[2].strip()))
    return queries


def is_accepted(code: str, accepted: tuple[str, ...]) -> bool:
    key = code_key(code)
    return any(
        key.startswith(code_key(a)) if a.endswith("*") else key == code_key(a) for a in accepted
    )


def evaluate(queries: list[EvalQuery], run: Callable[[str], list[str]]) -> dict[str, Scores]:
    """Scores per kind and "all"; `run` returns the ranked codes for a query (top 10)."""
    scores: dict[str, Scores] = defaultdict(Scores)
    for item in queries:
        codes = run(item.query)
        rank = next(
            (i for i, code in enumerate(codes, start=1) if is_accepted(code, item.accepted)), None
        )
        scores["all"].add(rank, item.query)
        scores[item.kind].add(rank, item.query)
    return dict(scores)
