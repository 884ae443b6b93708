"""Pydantic `*Out` models: the JSON API's contract, published in /openapi.json."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from medcodes.api import NdcPackage


class ErrorOut(BaseModel):
    """Every JSON error: the HTTP status, the error's kind, what to do, and close real codes."""

    status: int
    error: str
    message: str
    suggestions: list[str] = Field(default_factory=list)


class MatchOut(BaseModel):
    rule: str = Field(description="Ranking rule that found the hit: exact code, all words, ...")
    field: str = Field(description="Field that matched: code, title, drug name, lay term, ...")
    text: str = Field(description="The text that matched.")


class HitOut(BaseModel):
    system: str
    code: str
    title: str
    status: str
    billable: bool
    kind: str
    score: float
    matched: MatchOut
    url: str
    ndc: NdcPackage | None = Field(
        None, description="For a hit found from an NDC: the package and its billing units."
    )


class SearchOut(BaseModel):
    query: str
    total: int
    took_ms: float
    results: list[HitOut]
    facets: dict[str, int] = Field(
        description="Hits per system before the system filter (when asked with facets=true)."
    )
    message: str | None = None
    did_you_mean: str | None = None
    release: dict[str, str] = Field(description="The current release of each system searched.")
    filter_facets: dict[str, int] = Field(
        default_factory=dict,
        description="Hits found from an NDC (`ndc`) and hits that map to a CMS-HCC V28 "
        "category (`hcc-v28`, with facets=true).",
    )


class ManifestOut(BaseModel):
    build_id: str
    built_at: str
    releases: list[dict[str, Any]]
    sources: list[dict[str, Any]]
