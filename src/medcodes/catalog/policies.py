"""Read related policies: the policies of a code, and the codes of a policy.

Medicare documents (LCDs, billing articles) come before health-plan policies; within each,
a listed code before a range, and a topic match (drug name in the title) last, since it only
says the policy is about the same drug, not that it lists the code.
"""

from __future__ import annotations

from dataclasses import dataclass

from medcodes.catalog.read import Catalog, Code
from medcodes.errors import NotFound
from medcodes.serial import Serialisable

REASONS = {
    "listed": "code listed",
    "in-range": "inside a listed range",
    "drug-in-title": "drug name in the title (topic match only)",
}
_POLICY_COLUMNS = (
    "p.id, p.number, p.owner_type, p.owner, p.doc_type, p.title, p.edition_date, p.status, "
    "p.url, p.source"
)
_ORDER = (
    "CASE p.owner_type WHEN 'medicare' THEN 0 ELSE 1 END, "
    "CASE pc.reason WHEN 'listed' THEN 0 WHEN 'in-range' THEN 1 ELSE 2 END, "
    "CASE p.status WHEN 'current' THEN 0 WHEN 'future' THEN 1 ELSE 2 END, "
    "p.edition_date DESC, p.id"
)


class UnknownPolicy(NotFound):
    """A policy id no ingested coverage file holds."""

    def __init__(self, policy_id: str) -> None:
        self.policy_id = policy_id
        super().__init__(
            f"unknown policy {policy_id!r}; ids look like L33394, A52370, FEP-5.21.51 "
            "or BCBSMN-II-246 (see `medcodes policies CODE`)"
        )


@dataclass(frozen=True, slots=True)
class Policy:
    id: str  # L33394, A52370, FEP-5.21.51
    number: str
    owner_type: str  # medicare, health-plan
    owner: str  # contractor(s) or plan
    doc_type: str  # LCD, Article, Medical policy
    title: str
    edition_date: str | None
    status: str  # current, future, retired
    url: str | None
    source: str  # sources.name of the file


@dataclass(frozen=True, slots=True)
class PolicyLink:
    """One policy of a code and why it is linked."""

    policy: Policy
    reason: str  # listed, in-range, drug-in-title
    why: str  # the reason in words
    listed_as: str  # the listed code or range, or the drug name found in the title

    @property
    def topic_only(self) -> bool:
        return self.reason == "drug-in-title"


@dataclass(frozen=True, slots=True)
class PolicyCode:
    """One code a policy concerns; `title` is None for CPT numbers and unknown codes."""

    system: str
    code: str
    title: str | None
    status: str | None
    reason: str
    listed_as: str


@dataclass(frozen=True, slots=True)
class PolicyCodes(Serialisable):
    policy: Policy
    codes: list[PolicyCode]
    total: int


def policies_for(catalog: Catalog, code: Code) -> list[PolicyLink]:
    """The policies that concern `code`, Medicare first, each once with its strongest reason."""
    rows = catalog.conn.execute(
        f"SELECT {_POLICY_COLUMNS}, pc.reason, pc.listed_as FROM policy_codes pc "
        f"JOIN policies p ON p.id = pc.policy_id WHERE pc.code_id = ? ORDER BY {_ORDER}",
        (code.id,),
    )
    links: dict[str, PolicyLink] = {}
    for *policy, reason, listed_as in rows:
        found = Policy(*policy)
        links.setdefault(found.id, PolicyLink(found, reason, REASONS[reason], listed_as))
    return list(links.values())


def get_policy(catalog: Catalog, policy_id: str) -> Policy:
    """The policy with this id (any case); UnknownPolicy when none has it."""
    row = catalog.conn.execute(
        f"SELECT {_POLICY_COLUMNS} FROM policies p WHERE upper(p.id) = upper(?)",
        (policy_id.strip(),),
    ).fetchone()
    if row is None:
        raise UnknownPolicy(policy_id.strip()[:40])
    return Policy(*row)


def policy_codes(
    catalog: Catalog, policy_id: str, limit: int = 500, offset: int = 0
) -> PolicyCodes:
    """A policy and the codes it concerns (listed first, in official order); CPT numbers are
    numbers only. For the `/policy/{id}` page."""
    policy = get_policy(catalog, policy_id)
    where = "FROM policy_codes pc LEFT JOIN codes c ON c.id = pc.code_id WHERE pc.policy_id = ?"
    rows = catalog.conn.execute(
        f"SELECT DISTINCT pc.system, coalesce(c.code, pc.code), c.long_title, c.status, "
        f"pc.reason, pc.listed_as, c.sort_key {where} "
        "ORDER BY CASE pc.reason WHEN 'listed' THEN 0 WHEN 'in-range' THEN 1 ELSE 2 END, "
        "pc.system = 'CPT', pc.system, c.sort_key, pc.code LIMIT ? OFFSET ?",
        (policy.id, limit, offset),
    )
    codes = [PolicyCode(*row[:6]) for row in rows]
    (total,) = catalog.conn.execute(
        f"SELECT count(DISTINCT pc.system || pc.code || pc.reason) {where}", (policy.id,)
    ).fetchone()
    return PolicyCodes(policy, codes, total)
