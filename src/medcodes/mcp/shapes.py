"""The JSON shapes of the MCP tools' answers: the SDK publishes them as output schemas.

Each answer is a facade result (its own frozen dataclass, serialised by `to_dict()`) under one
key, plus `cite`: what an agent quotes as its source. Each nested shape is published written
out in full (`written_out`): a client checks every answer against the output schema, and
following `$ref`s costs it more than the checking itself.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import TypeAdapter, WithJsonSchema

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


def written_out(shape: Any) -> WithJsonSchema:
    """`shape`'s JSON schema with each `$ref` replaced by the definition it names. The SDK's
    client (jsonschema) checks a 10-hit search answer in 0.65 ms against such a schema, and
    in 1.56 ms against the same schema with references; written out, the schemas are no
    larger (none of these shapes is recursive, and most definitions are used once)."""
    schema = TypeAdapter(shape).json_schema()
    definitions = schema.pop("$defs", {})

    def resolve(node: Any) -> Any:
        if isinstance(node, dict):
            if "$ref" in node:
                return resolve(definitions[node["$ref"].rsplit("/", 1)[-1]])
            return {key: resolve(value) for key, value in node.items()}
        if isinstance(node, list):
            return [resolve(value) for value in node]
        return node

    return WithJsonSchema(resolve(schema))


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


WrittenCite = Annotated[Cite, written_out(Cite)]


class SearchAnswer(TypedDict):
    query: str
    total: int
    results: Annotated[list[CodeHit], written_out(list[CodeHit])]
    message: str | None  # why nothing was found, when nothing was
    did_you_mean: str | None
    cite: WrittenCite


class CodeAnswer(TypedDict):
    code: Annotated[CodeView, written_out(CodeView)]
    cite: WrittenCite


class ExplainAnswer(TypedDict):
    explanation: Annotated[Explanation, written_out(Explanation)]
    cite: WrittenCite


class ValidateAnswer(TypedDict):
    on_date: str
    results: Annotated[list[Validation], written_out(list[Validation])]
    cite: WrittenCite


class PoliciesAnswer(TypedDict):
    policies: Annotated[CodePolicies, written_out(CodePolicies)]
    cite: WrittenCite


class SimilarAnswer(TypedDict):
    similar: Annotated[SimilarCodes, written_out(SimilarCodes)]
    cite: WrittenCite


class HistoryAnswer(TypedDict):
    history: Annotated[CodeHistory, written_out(CodeHistory)]
    cite: WrittenCite


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
