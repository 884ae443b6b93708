"""The JSON shapes of the MCP tools' answers: the SDK publishes them as output schemas.

Each answer is a facade result (its own frozen dataclass, serialised by `to_dict()`) under one
key, plus `cite`: what an agent quotes as its source.
"""

from __future__ import annotations

# pydantic reads nested TypedDicts only from typing_extensions before Python 3.12
from typing_extensions import TypedDict

from medcodes.api import (
    CodeHistory,
    CodePolicies,
    CodeView,
    Explanation,
    Hit,
    SimilarCodes,
    Validation,
    resource_uri,
)


class SourceCite(TypedDict):
    name: str
    file: str
    release: str
    url: str


class Cite(TypedDict):
    """Where an answer comes from: cite these."""

    catalog: str  # the build id of the catalog file
    built_at: str
    releases: dict[str, str]  # the current release of each code system
    sources: list[SourceCite]  # official files behind this answer (empty: see releases)


class Matched(TypedDict):
    rule: str  # ranking rule that found the hit: exact code, exact synonym, all words, ...
    field: str  # what matched: code, title, drug name, lay term, inclusion term, ...
    text: str


class CodeHit(TypedDict):
    system: str
    code: str
    title: str
    status: str
    billable: bool
    kind: str
    matched: Matched
    resource: str  # medcodes://code/{system}/{code}: the code page as Markdown


class SearchAnswer(TypedDict):
    query: str
    total: int
    results: list[CodeHit]
    message: str | None  # why nothing was found, when nothing was
    did_you_mean: str | None
    cite: Cite


class CodeAnswer(TypedDict):
    code: CodeView
    cite: Cite


class ExplainAnswer(TypedDict):
    explanation: Explanation
    cite: Cite


class ValidateAnswer(TypedDict):
    on_date: str
    results: list[Validation]
    cite: Cite


class PoliciesAnswer(TypedDict):
    policies: CodePolicies
    cite: Cite


class SimilarAnswer(TypedDict):
    similar: SimilarCodes
    cite: Cite


class HistoryAnswer(TypedDict):
    history: CodeHistory
    cite: Cite


def hit_of(hit: Hit) -> CodeHit:
    return {
        "system": hit.system,
        "code": hit.code,
        "title": hit.title,
        "status": hit.status,
        "billable": hit.billable,
        "kind": hit.kind,
        "matched": {"rule": hit.matched.rule, "field": hit.matched.field, "text": hit.matched.text},
        "resource": resource_uri(hit.system, hit.code),
    }
