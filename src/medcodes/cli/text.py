"""Plain-text rendering of catalog answers for the terminal (the CLI's only formatting code)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from rich.console import Console

from medcodes.catalog.read import CodeDetails
from medcodes.systems import SYSTEM_NAMES, System

NOTE_LABELS = {
    "inclusionTerm": "Inclusion term",
    "includes": "Includes",
    "excludes1": "Excludes1",
    "excludes2": "Excludes2",
    "codeFirst": "Code first",
    "useAdditionalCode": "Use additional code",
    "codeAlso": "Code also",
    "notes": "Note",
    "sevenChrNote": "7th character note",
    "processingNote": "Processing note",
}


def plain(out: Console) -> Callable[..., None]:
    """`say(text)`: print one line as is (no rich markup: titles contain brackets)."""
    return functools.partial(out.print, markup=False)


def print_details(
    out: Console, details: CodeDetails, policies: list[Any] = (), similar: list[Any] = ()
) -> None:
    """Everything about one code, section by section, each naming its source."""
    code = details.code
    status = code.status if not code.terminated_date else f"{code.status} {code.terminated_date}"
    flag = "billable" if code.billable else "not billable (header)"
    if code.kind == "modifier" or (code.system == "HCPCS" and code.status != "active"):
        flag = code.kind
    say = plain(out)
    say(f"{code.code}  {code.long_title}")
    say(f"  {SYSTEM_NAMES[System(code.system)]} {code.kind}, {flag}, {status}")
    if code.short_title and code.short_title != code.long_title:
        say(f"  Short: {code.short_title}")
    if code.added_date:
        say(f"  Added: {code.added_date}")
    releases = f"{code.first_release} .. {code.last_release}" if code.first_release else "-"
    say(f"  Releases: {releases}   (titles from {code.title_source})")
    for caveat in details.caveats:
        say(f"  Note: {caveat}")
    if details.ancestors:
        say("Path:")
        for depth, node in enumerate(details.ancestors):
            say(f"  {'  ' * depth}{node.code}  {node.long_title}")
    if details.fields:
        say("Official data (record layout, decoded):")
        for item in details.fields:
            meaning = f" = {item.meaning}" if item.meaning else ""
            say(f"  {item.label} ({item.name}): {item.value}{meaning}")
    if details.axes:
        say("Axes:")
        for axis in details.axes:
            say(f"  {axis.position} {axis.title}: {axis.char} = {axis.label}")
            if axis.definition:
                say(f"      {axis.definition}")
    if details.notes:
        say("Notes:")
        for note in details.notes:
            origin = f" [from {note.from_code}]" if note.inherited else ""
            say(f"  {NOTE_LABELS.get(note.kind, note.kind)}{origin}: {note.text}")
    if details.seventh_characters:
        say(f"7th characters (from {details.seventh_characters[0].from_code}):")
        for item in details.seventh_characters:
            say(f"  {item.char}  {item.meaning}")
    if details.terms:
        say("Other names:")
        for term in details.terms[:30]:
            say(f"  {term.term}  ({term.source})")
    if details.links:
        say("Cross-references:")
        for link in details.links:
            arrow = "->" if link.direction == "to" else "<-"
            say(f"  {arrow} {link.code}  {link.title} ({link.status})")
    if details.children:
        say(f"Children ({details.children_total}):")
        for child in details.children[:25]:
            say(f"  {child.code}  {child.long_title}")
    if policies:
        say("Related policies:")
        for link in policies:
            policy = link.policy
            say(f"  {policy.id}  {policy.title}  [{policy.owner}] - {link.why}")
    if similar:
        say("Similar codes:")
        for item in similar:
            say(f"  {item.code}  {item.title}  - {item.reason}")
    if details.history:
        say("History:")
        for event in details.history:
            title = event.new_title or event.old_title
            say(f"  {event.effective_date} {event.event} ({event.release}): {title}")
            say(f"      basis: {event.basis}")


def print_info(out: Console, report: dict[str, Any]) -> None:
    say = plain(out)
    meta = report["meta"]
    say(f"Catalog {report['catalog']}")
    say(f"  built {meta.get('built_at')} by medcodes {meta.get('medcodes_version')}")
    say("Releases:")
    for release in report["releases"]:
        current = " (current)" if release["is_current"] else ""
        say(
            f"  {release['system']:<9} {release['release']:<8} effective "
            f"{release['effective_date']}: {release['codes']:,} codes, "
            f"{release['billable']:,} billable{current}"
        )
    say("Sources:")
    for source in report["sources"]:
        say(f"  {source['name']:<32} {source['rows']:>7,} rows  {source['file']}")
        say(f"  {'':<32} sha256 {source['sha256']}")


def print_hits(out: Console, result: Any) -> None:
    """Search results, one line each, with why each matched."""
    say = plain(out)
    if result.message:
        say(result.message)
    if result.did_you_mean:
        say(f"Did you mean: {result.did_you_mean}")
    say(f"{result.total:,} results in {result.took_ms:.2f} ms")
    for hit in result.hits:
        status = "" if hit.status == "active" else f" [{hit.status}]"
        say(f"{hit.system:<9} {hit.code:<9} {hit.title}{status}")
        say(f"{'':<19} matched {hit.matched.rule}: {hit.matched.field} '{hit.matched.text}'")
