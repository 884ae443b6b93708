"""The facade's own answer types (beside those of the readers it re-exports) and the parsing of
the arguments every interface passes through: systems in any spelling, days as text.

Every type is a frozen dataclass with `.to_dict()` (medcodes.serial): one JSON shape for the
API, the CLI and the MCP tools.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from medcodes.catalog.policies import PolicyLink
from medcodes.catalog.read import HistoryEvent, Release, SourceFile
from medcodes.code_ref import CodeRef
from medcodes.errors import BadQuery
from medcodes.serial import Serialisable
from medcodes.similar import SimilarCode
from medcodes.systems import parse_system


@dataclass(frozen=True, slots=True)
class Manifest(Serialisable):
    """What a catalog is built from: its build, each release held, each source file."""

    path: str
    build_id: str
    built_at: str
    meta: dict[str, str]
    releases: list[Release]
    sources: list[SourceFile]

    @property
    def current(self) -> list[Release]:
        """The newest release of each system: what answers are "as of"."""
        return [release for release in self.releases if release.is_current]


@dataclass(frozen=True, slots=True)
class CodePolicies(Serialisable):
    """The Medicare documents and health-plan policies of one code, each with why."""

    code: CodeRef
    policies: list[PolicyLink]  # Medicare first, then plans; listed before in-range
    sources: list[SourceFile]  # the coverage files the policies come from


@dataclass(frozen=True, slots=True)
class SimilarCodes(Serialisable):
    code: CodeRef
    similar: list[SimilarCode]  # strongest reason first, each with its reason in words


@dataclass(frozen=True, slots=True)
class CodeHistory(Serialisable):
    code: CodeRef
    events: list[HistoryEvent]  # oldest first, each with its release and basis


@dataclass(frozen=True, slots=True)
class Branch(Serialisable):
    """One node of a system's tree (None: the top) and a page of its children."""

    system: str
    node: CodeRef | None
    ancestors: list[CodeRef]
    items: list[CodeRef]
    total: int


def parse_day(value: date | str | None) -> date | None:
    """A day from a `date` or `YYYY-MM-DD` text; BadQuery saying what is expected."""
    if value is None or isinstance(value, date):
        return value
    if not isinstance(value, str):
        raise BadQuery("a date must be text like 2026-01-01")
    from medcodes.search.query import parse_day as parse_text

    return parse_text(value)


def parse_systems(value: str | Iterable[str] | None) -> tuple[str, ...]:
    """`"hcpcs,icd10cm"` or `["HCPCS", "pcs"]` -> ("HCPCS", "ICD10CM"); empty: every system."""
    if value is None:
        return ()
    parts = value.split(",") if isinstance(value, str) else list(value)
    if not all(isinstance(part, str) for part in parts):
        raise BadQuery("systems must be names: HCPCS, HCPCS-MOD, ICD10CM, ICD10PCS")
    return tuple(dict.fromkeys(parse_system(part).value for part in parts if part.strip()))


@dataclass(frozen=True, slots=True)
class Readiness(Serialisable):
    """Whether a catalog can answer now (what `/-/ready` tells a load balancer or a roll-out):
    its file answers a query and its search index is open and has run its warm-up searches."""

    ready: bool
    build_id: str
    catalog_open: bool
    index_warm: bool
    warmup_ms: float | None  # how long the warm-up searches took; None before they ran
