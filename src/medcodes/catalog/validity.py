"""Whether codes are valid on a day: known, written in official form, billable, in force.

In force is read from dates, not from which release happens to be newest: a code is valid from
its official effective date (HCPCS ADD DT; else the effective date of the first release that
lists it) through its last day (HCPCS TERM DT; else the day before the release that first
drops it). A newly ingested release (say HCPCS 2026-07) changes answers only through the
dates it brings.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from medcodes.catalog.read import Catalog, Code, Release
from medcodes.serial import Serialisable

VALID = "valid"
NOT_CANONICAL = "not canonical"
NOT_BILLABLE = "not billable"
NOT_YET_VALID = "not yet valid"
ENDED = "ended"
UNKNOWN = "unknown"
CANNOT_TELL = "cannot tell"
HEADER_SUGGESTIONS = 5


@dataclass(frozen=True, slots=True)
class Validation(Serialisable):
    """The answer for one code as typed: a verdict, a sentence, and the facts behind it."""

    input: str
    verdict: str  # valid, not canonical, not billable, not yet valid, ended, unknown, cannot tell
    valid: bool  # usable as typed on that day: the verdict is "valid"
    message: str
    on: str  # the day checked (YYYY-MM-DD)
    system: str | None = None
    code: str | None = None  # the official (canonical) form
    title: str | None = None
    canonical: bool = False  # typed exactly in the official form
    billable: bool | None = None
    active: bool | None = None  # in force on that day; None when the catalog cannot tell
    valid_from: str | None = None
    valid_to: str | None = None  # the last valid day, when the code has ended
    release: str | None = None  # the release of the code's system in force on that day
    suggestions: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Window:
    start: date | None  # first valid day; None when the code is older than every release held
    end: date | None  # last valid day; None while in force
    held_from: date  # effective date of the oldest release of the system held


def validate_code(catalog: Catalog, text: str, on: date, system: str | None = None) -> Validation:
    """The verdict for one code as typed, on day `on` (see the module docstring)."""
    typed = text.strip()
    found = catalog.lookup(typed, system)
    if not found:
        suggestions = catalog.suggest(typed, system)
        hint = f"; did you mean {', '.join(suggestions)}?" if suggestions else ""
        return Validation(
            typed[:40], UNKNOWN, False, f"{typed[:40]!r} is not a code in any release{hint}",
            on.isoformat(), suggestions=suggestions,
        )  # fmt: skip
    code = next((c for c in found if c.code == typed), found[0])
    releases = catalog.releases(code.system)
    window = window_of(code, releases)
    verdict, message, active = _verdict(code, typed, window, on)
    return Validation(
        input=typed,
        verdict=verdict,
        valid=verdict == VALID,
        message=message,
        on=on.isoformat(),
        system=code.system,
        code=code.code,
        title=code.long_title,
        canonical=code.code == typed,
        billable=bool(code.billable),
        active=active,
        valid_from=window.start.isoformat() if window.start else None,
        valid_to=window.end.isoformat() if window.end else None,
        release=in_force(releases, on),
        suggestions=_headers_children(catalog, code) if verdict == NOT_BILLABLE else [],
    )


def _verdict(code: Code, typed: str, window: Window, on: date) -> tuple[str, str, bool | None]:
    """(verdict, message, active): ending or not-yet first, then billable, then the form."""
    if window.end is not None and on > window.end:
        return ENDED, f"{code.code} ended on {window.end.isoformat()}", False
    if window.start is None and on < window.held_from:
        return (
            CANNOT_TELL,
            (
                f"{code.code} is in the oldest {code.system} release this catalog holds; "
                f"whether it was valid on {on.isoformat()} is not known here"
            ),
            None,
        )
    if window.start is not None and on < window.start:
        return NOT_YET_VALID, f"{code.code} is valid from {window.start.isoformat()}", False
    if not code.billable:
        return NOT_BILLABLE, f"{code.code} is a header, not billable: use a code below it", True
    if code.code != typed:
        return (
            NOT_CANONICAL,
            f"{typed!r} is {code.code} ({code.long_title}): write it as {code.code}",
            True,
        )
    return VALID, f"{code.code} is valid on {on.isoformat()}: {code.long_title}", True


def window_of(code: Code, releases: list[Release]) -> Window:
    """The days `code` is in force, from its own dates where published, else its releases."""
    effective = {r.release: date.fromisoformat(r.effective_date) for r in releases}
    held_from = min(effective.values())
    first = effective.get(code.first_release or "")
    start = date.fromisoformat(code.added_date) if code.added_date else first
    if start == held_from and not code.added_date:
        start = None  # listed in the oldest release held: it may be older still
    ends = [date.fromisoformat(code.terminated_date)] if code.terminated_date else []
    last = effective.get(code.last_release or "")
    later = sorted(day for day in effective.values() if last and day > last)
    if later:  # the day before the first release that no longer lists it
        ends.append(later[0] - timedelta(days=1))
    return Window(start, min(ends) if ends else None, held_from)


def in_force(releases: list[Release], on: date) -> str | None:
    """The newest release effective on or before `on`."""
    started = [r for r in releases if date.fromisoformat(r.effective_date) <= on]
    return max(started, key=lambda r: r.effective_date).release if started else None


def _headers_children(catalog: Catalog, code: Code) -> list[str]:
    return [child.code for child in catalog.children(code, limit=HEADER_SUGGESTIONS)]
