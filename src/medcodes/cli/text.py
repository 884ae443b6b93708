"""Plain-text rendering of the library's answers for the terminal (the CLI's only formatting
code)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TYPE_CHECKING

from rich.console import Console

if TYPE_CHECKING:
    from medcodes.api import BillingFacts, BillingSource, CodeView, Manifest, SearchResult


def plain(out: Console) -> Callable[..., None]:
    """`say(text)`: print one line as is (no rich markup: titles contain brackets)."""
    return functools.partial(out.print, markup=False)


def print_details(out: Console, view: CodeView) -> None:
    """Everything about one code, section by section, each naming its source."""
    flag = "billable" if view.billable else "not billable (header)"
    if view.kind == "modifier" or (view.system == "HCPCS" and view.status != "active"):
        flag = view.kind
    say = plain(out)
    say(f"{view.code}  {view.title}")
    say(f"  {view.system_name} {view.kind}, {flag}, {view.status_text}")
    if view.short_title and view.short_title != view.title:
        say(f"  Short: {view.short_title}")
    if view.added_date:
        say(f"  Added: {view.added_date}")
    releases = f"{view.first_release} .. {view.last_release}" if view.first_release else "-"
    say(f"  Releases: {releases}   (titles from {view.source.name if view.source else '-'})")
    for caveat in view.caveats:
        say(f"  Note: {caveat}")
    names = (("Brand", view.brand_names), ("Generic", view.generic_names), ("Lay", view.lay_names))
    for label, found in names:
        if found:
            say(f"  {label} names: {', '.join(found)}")
    if view.billing:
        print_billing(say, view.billing)
    if view.ancestors:
        say("Path:")
        for depth, node in enumerate(view.ancestors):
            say(f"  {'  ' * depth}{node.code}  {node.title}")
    if view.fields:
        say("Official data (record layout, decoded):")
        for item in view.fields:
            meaning = f" = {item.meaning}" if item.meaning else ""
            say(f"  {item.label} ({item.name}): {item.value}{meaning}")
    if view.axes:
        say("Axes:")
        for axis in view.axes:
            say(f"  {axis.position} {axis.title}: {axis.char} = {axis.label}")
            if axis.definition:
                say(f"      {axis.definition}")
    if view.notes:
        say("Notes:")
        for group in view.notes:
            origin = f" [from {group.from_code}]" if group.inherited else ""
            for text in group.texts:
                say(f"  {group.label}{origin}: {text}")
    if view.seventh_characters:
        say(f"7th characters (from {view.seventh_characters[0].from_code}):")
        for item in view.seventh_characters:
            say(f"  {item.char}  {item.meaning}")
    if view.terms:
        say("Other names:")
        for group in view.terms:
            for term in group.terms[:30]:
                say(f"  {term}  ({group.label})")
    if view.links:
        say("Cross-references:")
        for link in view.links:
            arrow = "->" if link.direction == "to" else "<-"
            say(f"  {arrow} {link.code}  {link.title} ({link.status})")
    if view.children:
        say(f"Children ({view.children_total}):")
        for child in view.children[:25]:
            say(f"  {child.code}  {child.title}")
    if view.policies:
        say("Related policies:")
        for link in view.policies:
            policy = link.policy
            say(f"  {policy.id}  {policy.title}  [{policy.owner}] - {link.why}")
    if view.similar:
        say("Similar codes:")
        for item in view.similar:
            say(f"  {item.code}  {item.title}  - {item.reason}")
    if view.history:
        say("History:")
        for event in view.history:
            title = event.new_title or event.old_title
            say(f"  {event.effective_date} {event.event} ({event.release}): {title}")
            say(f"      basis: {event.basis}")


def print_billing(say: Callable[..., None], billing: BillingFacts) -> None:
    """The billing facts block: each figure, what it means, and the file it comes from."""
    say("Billing facts:")
    if billing.payment:
        payment = billing.payment
        say(f"  {payment.summary}")
        note = f"Note in the file: {payment.notes}" if payment.notes else None
        for line in (payment.coinsurance, note, payment.basis, *payment.file_notes):
            if line:
                say(f"      {line}")
        say(f"      {_from_file(payment.source)}")
    if billing.unit_limit:
        mue = billing.unit_limit
        say(f"  MUE: {mue.summary}")
        say(f"      {mue.adjudication_meaning}")
        if mue.zero_meaning:
            say(f"      {mue.zero_meaning}")
        say(f"      {_from_file(mue.source)}")
    if billing.ndcs:
        say(f"  NDC packages ({len(billing.ndcs)}):")
        for package in billing.ndcs:
            say(f"    {package.summary}")
        if billing.ndc_source:
            say(f"      {_from_file(billing.ndc_source)}")
    if billing.risk:
        say(f"  CMS-HCC / RxHCC: {billing.risk.summary}")
        say(f"      {_from_file(billing.risk.source)}")


def _from_file(source: BillingSource) -> str:
    period = source.effective_from or ""
    if source.effective_through:
        period += f" to {source.effective_through}"
    return f"source: {source.file} ({source.title}), release {source.release}, effective {period}"


def print_info(out: Console, manifest: Manifest) -> None:
    """The catalog's build, releases with counts, and source files with sha256."""
    say = plain(out)
    meta = manifest.meta
    say(f"Catalog {manifest.path}")
    say(f"  built {meta.get('built_at')} by medcodes {meta.get('medcodes_version')}")
    say("Releases:")
    for release in manifest.releases:
        current = " (current)" if release.is_current else ""
        say(
            f"  {release.system:<9} {release.release:<8} effective "
            f"{release.effective_date}: {release.codes:,} codes, "
            f"{release.billable:,} billable{current}"
        )
    say("Sources:")
    for source in manifest.sources:
        say(f"  {source.name:<32} {source.rows:>7,} rows  {source.file}")
        say(f"  {'':<32} sha256 {source.sha256}")
    missing = [line for line in meta.get("missing_sources", "").splitlines() if line]
    if missing:
        say("Missing (optional; built without them):")
        for line in missing:
            say(f"  {line}")


def print_hits(out: Console, result: SearchResult) -> None:
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
