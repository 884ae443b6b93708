"""What the loaders hand the writer: rows keyed by (system, code), before ids exist.

Loaders (one per code system) turn parsed records into these; `writer.py` assigns ids,
resolves parents and writes SQL. Keeping loaders free of ids keeps them small and testable.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

Key = tuple[str, str]  # (system, official code)


@dataclass(slots=True)
class CodeRow:
    system: str
    code: str
    kind: str
    short_title: str
    long_title: str
    billable: bool
    parent: str | None  # official code of the parent, same system
    sort: tuple[str, int]  # (lookup key, level rank): orders headers before their codes
    title_source: str
    status: str = "active"
    first_release: str | None = None
    last_release: str | None = None
    added_date: date | None = None
    terminated_date: date | None = None


@dataclass(frozen=True, slots=True)
class HistoryRow:
    system: str
    code: str
    release: str
    effective_date: date
    event: str  # added, revised, terminated
    old_title: str
    new_title: str
    basis: str


@dataclass(frozen=True, slots=True)
class ChangeRow:
    """A code whose state or descriptor differs between two consecutive releases."""

    system: str
    from_release: str
    to_release: str
    code: str
    old_state: str  # "" (not in the release), active, ended
    new_state: str
    old_title: str
    new_title: str


@dataclass(frozen=True, slots=True)
class FieldRow:
    system: str
    code: str
    position: int
    name: str
    label: str
    value: str
    meaning: str


@dataclass(frozen=True, slots=True)
class LinkRow:
    system: str
    code: str
    target_system: str
    target_code: str
    relation: str
    source: str


@dataclass(frozen=True, slots=True)
class NoteRow:
    system: str
    code: str
    seq: int
    kind: str
    text: str
    source: str
    unit: int | None = None  # the instruction it belongs to (ICD-10-CM); None: its own
    lead: bool = False  # the lead-in its unit's other notes complete


@dataclass(frozen=True, slots=True)
class ConventionRow:
    title: str
    text: str
    source: str


@dataclass(frozen=True, slots=True)
class PcsTermRow:
    section: str
    position: int
    term: str
    definition: str
    explanation: str
    includes: tuple[str, ...]
    source: str


@dataclass(frozen=True, slots=True)
class SeventhRow:
    code: str
    char: str
    meaning: str


@dataclass(frozen=True, slots=True)
class AxisValueRow:
    table: str
    position: int
    title: str
    char: str
    label: str
    definition: str
    source: str


@dataclass(frozen=True, slots=True)
class TermRow:
    system: str
    code: str
    term: str
    source: str


@dataclass(frozen=True, slots=True)
class ReleaseRow:
    system: str
    release: str
    effective_date: date
    codes: int
    billable: int
    is_current: bool


@dataclass(frozen=True, slots=True)
class ManifestRow:
    name: str
    kind: str
    release: str
    effective_date: date
    file: str
    sha256: str
    rows: int
    url: str


@dataclass(slots=True)
class Loaded:
    """Everything one loader produced; the writer merges several."""

    codes: list[CodeRow] = field(default_factory=list)
    history: list[HistoryRow] = field(default_factory=list)
    fields: list[FieldRow] = field(default_factory=list)
    links: list[LinkRow] = field(default_factory=list)
    notes: list[NoteRow] = field(default_factory=list)
    seventh: list[SeventhRow] = field(default_factory=list)
    axis_values: list[AxisValueRow] = field(default_factory=list)
    conventions: list[ConventionRow] = field(default_factory=list)
    pcs_terms: list[PcsTermRow] = field(default_factory=list)
    terms: list[TermRow] = field(default_factory=list)
    releases: list[ReleaseRow] = field(default_factory=list)
    manifest: list[ManifestRow] = field(default_factory=list)
    changes: list[ChangeRow] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def extend(self, other: Loaded) -> None:
        for name in self.__dataclass_fields__:
            getattr(self, name).extend(getattr(other, name))
