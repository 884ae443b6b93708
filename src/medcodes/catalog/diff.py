"""Release diffs: per system and pair of releases, the codes added, ended and re-described.

At build time each loader hands over its release snapshots; `change_rows` keeps, for each pair
of consecutive releases, the codes whose state (in the release or not, valid or ended) or long
descriptor changed. A diff between any two releases composes those steps, so `2017-01 ->
2026-07` equals comparing the two files directly: a code added and ended in between is in
neither list, a descriptor changed twice shows its first and last wording.

"Ended" means valid in the first release and not in the second: dropped from the file, or
still listed with a termination date before the second release took effect (HCPCS keeps
terminated codes in its files for years). Billable/header changes of ICD-10-CM are code
history (`history` table), not part of a diff.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from medcodes.catalog.read import Catalog, HistoryEvent
from medcodes.errors import NotFound
from medcodes.serial import Serialisable
from medcodes.systems import System

ABSENT, ACTIVE, ENDED = "", "active", "ended"
CHANGE_KINDS = ("added", "ended", "redescribed")


@dataclass(frozen=True, slots=True)
class Change(Serialisable):
    """One code in a diff, with both wordings (one is empty for an added or dropped code)."""

    system: str
    code: str
    old_title: str
    new_title: str
    status: str  # the code's status in the catalog: active, terminated
    added_date: str | None  # official ADD DT where the source states one
    terminated_date: str | None  # last valid day


@dataclass(frozen=True, slots=True)
class ReleaseDiff(Serialisable):
    """What changed in one system from release `before` to release `after`."""

    system: str
    before: str
    after: str
    url: str  # the diff's page
    added: list[Change] = field(default_factory=list)
    ended: list[Change] = field(default_factory=list)
    redescribed: list[Change] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        return {kind: len(getattr(self, kind)) for kind in CHANGE_KINDS}


@dataclass(frozen=True, slots=True)
class DiffLink(Serialisable):
    """Where a code's history event is seen: the diff of the two ingested releases around it
    (a HCPCS code added 2026-04-01 is seen in 2026-01 -> 2026-07)."""

    release: str  # the history event's release
    before: str
    after: str
    url: str


def diff_url(system: str, before: str, after: str) -> str:
    return f"/releases/diff?{urlencode({'from': before, 'to': after, 'system': system})}"


def history_links(catalog: Catalog, system: str, events: list[HistoryEvent]) -> list[DiffLink]:
    """For each release named in `events`, the diff it shows in (none before the oldest
    ingested release: no file shows that change)."""
    releases = catalog.releases(system)
    links: dict[str, DiffLink] = {}
    for event in events:
        if event.release in links:
            continue
        later = [
            index
            for index, r in enumerate(releases)
            if r.release == event.release or r.effective_date >= event.effective_date
        ]
        if later and later[0] > 0:
            before, after = releases[later[0] - 1].release, releases[later[0]].release
            links[event.release] = DiffLink(
                event.release, before, after, diff_url(system, before, after)
            )
    return list(links.values())


class UnknownRelease(NotFound):
    """A release name no system of the catalog holds (or not the two asked for)."""


def classify(old_state: str, new_state: str, old_title: str, new_title: str) -> str | None:
    """Which list of a diff a code's first and last state put it in, if any."""
    if old_state == ABSENT and new_state != ABSENT:
        return "added"
    if old_state == ACTIVE and new_state != ACTIVE:
        return "ended"
    if old_state != ABSENT and new_state != ABSENT and old_title != new_title:
        return "redescribed"
    return None


def diff_releases(
    catalog: Catalog, before: str, after: str, system: System | str | None = None
) -> list[ReleaseDiff]:
    """The diff from release `before` to release `after` for `system`, or for every system
    holding both (HCPCS and HCPCS-MOD share their release names). `after` may be the older
    one: the diff is then read backwards (what was added going back was ended going forward).

    Raises UnknownRelease naming the releases there are.
    """
    chains = {
        name: [r.release for r in catalog.releases(name)]
        for name in ([str(system)] if system else _systems(catalog))
    }
    chosen = {name: chain for name, chain in chains.items() if {before, after} <= set(chain)}
    if not chosen:
        known = "; ".join(f"{name}: {', '.join(chain)}" for name, chain in chains.items())
        who = f"{system} does not have" if system else "no system has"
        raise UnknownRelease(
            f"{who} both releases {before!r} and {after!r} to compare; releases held: {known}"
        )
    return [_diff(catalog, name, chain, before, after) for name, chain in chosen.items()]


def consecutive_diffs(catalog: Catalog, system: System | str) -> list[ReleaseDiff]:
    """Each release against the one before it, newest first: what the releases page lists."""
    chain = [r.release for r in catalog.releases(system)]
    pairs = list(zip(chain, chain[1:], strict=False))
    return [_diff(catalog, str(system), chain, a, b) for a, b in reversed(pairs)]


def _systems(catalog: Catalog) -> list[str]:
    return sorted({release.system for release in catalog.releases()})


_CHANGE_SQL = (
    "SELECT rc.to_release, rc.old_state, rc.new_state, rc.old_title, rc.new_title, c.code, "
    "c.status, c.added_date, c.terminated_date "
    "FROM release_changes rc JOIN codes c ON c.id = rc.code_id "
    "WHERE rc.system = ? AND rc.to_release IN ({marks}) ORDER BY c.sort_key"
)


def _diff(catalog: Catalog, system: str, chain: list[str], before: str, after: str) -> ReleaseDiff:
    start, end = chain.index(before), chain.index(after)
    steps = chain[min(start, end) + 1 : max(start, end) + 1]
    step_of = {release: index for index, release in enumerate(steps)}
    backwards = end < start
    by_code: dict[str, list[tuple[Any, ...]]] = {}  # official order: the query's
    for row in catalog.conn.execute(
        _CHANGE_SQL.format(marks=",".join("?" * len(steps))), (system, *steps)
    ):
        by_code.setdefault(row[5], []).append(row)
    diff = ReleaseDiff(system, before, after, diff_url(system, before, after))
    for code, rows in by_code.items():
        rows.sort(key=lambda row: step_of[row[0]], reverse=backwards)
        first, last = rows[0], rows[-1]
        _, *_, status, added, ended = last
        if backwards:  # read each step the other way round: new -> old
            old_state, old_title, new_state, new_title = first[2], first[4], last[1], last[3]
        else:
            old_state, old_title, new_state, new_title = first[1], first[3], last[2], last[4]
        kind = classify(old_state, new_state, old_title, new_title)
        if kind:
            change = Change(system, code, old_title, new_title, status, added, ended)
            getattr(diff, kind).append(change)
    return diff
