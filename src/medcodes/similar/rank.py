"""Similar codes of one code, each with why: ranked, deduplicated, 5 to 12.

Kinds, strongest first (each with a quota so one kind cannot crowd out the others):
history (predecessor/successor cross-references), same drug (other units, forms,
biosimilars), listed together in a small policy, similar meaning (wording, and sentence
embeddings when `medcodes similar embed` has run), then hierarchy (parent, nearest siblings),
which also fills up to the minimum.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from medcodes.catalog.read import Catalog, Code
from medcodes.similar.embeddings import embedding_neighbours

SMALL_POLICY = 30  # codes listed; a larger list says little about any two of its codes
QUOTAS = (("history", 3), ("same-drug", 4), ("policy", 3), ("meaning", 4), ("hierarchy", 12))


@dataclass(frozen=True, slots=True)
class SimilarCode:
    system: str
    code: str
    title: str
    reason: str
    kind: str  # history, same-drug, policy, meaning, hierarchy


def similar_codes(catalog: Catalog, code: Code, limit: int = 12) -> list[SimilarCode]:
    """Codes similar to `code` with the reason for each, for `show`, the page and the API."""
    seen = {(code.system, code.code)}
    chosen: list[SimilarCode] = []
    pools = {kind: list(_dedupe(fetch(catalog, code))) for kind, fetch in _FETCHERS.items()}
    for kind, quota in QUOTAS:
        taken = 0
        for item in pools[kind]:
            if len(chosen) >= limit or taken >= quota:
                break
            if (item.system, item.code) not in seen:
                seen.add((item.system, item.code))
                chosen.append(item)
                taken += 1
    return chosen


def _dedupe(items: Iterator[SimilarCode]) -> Iterator[SimilarCode]:
    seen: set[tuple[str, str]] = set()
    for item in items:
        if (item.system, item.code) not in seen:
            seen.add((item.system, item.code))
            yield item


def _history(catalog: Catalog, code: Code) -> Iterator[SimilarCode]:
    for link in catalog.links(code):
        if link.direction == "from" and link.status == "terminated":
            why = f"earlier code for the same item ({link.code}, terminated), cross-referenced here"
        elif link.direction == "to" and code.status == "terminated":
            why = f"successor: {code.code} is cross-referenced to it"
        else:
            why = f"HCPCS cross-reference ({link.relation})"
        yield SimilarCode(link.system, link.code, link.title, why, "history")


def _stored(catalog: Catalog, code: Code, kind: str) -> Iterator[tuple[Code, float, str]]:
    rows = catalog.conn.execute(
        "SELECT similar_id, score, detail FROM similar WHERE code_id = ? AND kind = ? "
        "ORDER BY score DESC LIMIT 20",
        (code.id, kind),
    )
    for similar_id, score, detail in rows.fetchall():
        yield catalog.by_id(similar_id), score, detail


def _same_drug(catalog: Catalog, code: Code) -> Iterator[SimilarCode]:
    for other, _score, name in _stored(catalog, code, "same-drug"):
        why = f"same drug ({name}) in another unit, form or product"
        yield SimilarCode(other.system, other.code, other.long_title, why, "same-drug")


def _policy(catalog: Catalog, code: Code) -> Iterator[SimilarCode]:
    rows = catalog.conn.execute(
        "WITH mine AS (SELECT policy_id FROM policy_codes WHERE code_id = ? AND reason = 'listed'),"
        " sizes AS (SELECT policy_id, count(*) AS n FROM policy_codes WHERE reason = 'listed' "
        "  AND policy_id IN (SELECT policy_id FROM mine) GROUP BY policy_id HAVING n <= ?) "
        "SELECT pc.code_id, p.id, p.title FROM policy_codes pc JOIN sizes s USING (policy_id) "
        "JOIN policies p ON p.id = pc.policy_id "
        "WHERE pc.reason = 'listed' AND pc.code_id IS NOT NULL AND pc.code_id != ? "
        "ORDER BY s.n, p.id LIMIT 40",
        (code.id, SMALL_POLICY, code.id),
    )
    for code_id, policy_id, title in rows.fetchall():
        other = catalog.by_id(code_id)
        why = f"listed together in policy {policy_id} ({title})"
        yield SimilarCode(other.system, other.code, other.long_title, why, "policy")


def _meaning(catalog: Catalog, code: Code) -> Iterator[SimilarCode]:
    """Embedding neighbours and wording neighbours, interleaved."""
    lexical = [
        SimilarCode(o.system, o.code, o.long_title, f"similar wording ({words})", "meaning")
        for o, _score, words in _stored(catalog, code, "lexical")
    ]
    embedded = [
        SimilarCode(
            o.system, o.code, o.long_title, "similar meaning (sentence embedding)", "meaning"
        )
        for o in embedding_neighbours(catalog, code)
    ]
    for index in range(max(len(lexical), len(embedded))):
        yield from embedded[index : index + 1]
        yield from lexical[index : index + 1]


def _hierarchy(catalog: Catalog, code: Code) -> Iterator[SimilarCode]:
    if code.parent_id is None:
        return
    parent = catalog.by_id(code.parent_id)
    if parent.kind not in ("group", "chapter", "section"):
        yield SimilarCode(parent.system, parent.code, parent.long_title, "parent", "hierarchy")
    rows = catalog.conn.execute(  # ids follow official order, so nearest id = nearest sibling
        "SELECT id FROM codes WHERE parent_id = ? AND id != ? AND status = 'active' "
        "ORDER BY abs(sort_key - ?) LIMIT 12",
        (parent.id, code.id, code.id),
    )
    for (sibling_id,) in rows.fetchall():
        sibling = catalog.by_id(sibling_id)
        why = f"sibling under {parent.code} ({parent.short_title})"
        yield SimilarCode(sibling.system, sibling.code, sibling.long_title, why, "hierarchy")


_FETCHERS = {
    "history": _history,
    "same-drug": _same_drug,
    "policy": _policy,
    "meaning": _meaning,
    "hierarchy": _hierarchy,
}
