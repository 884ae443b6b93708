"""Medicare coverage of a HCPCS code in plain words, from the fields CMS gives it: the coverage
code (record layout section 16), the pricing indicator (section 9), the statute and manual
references, and CMS's processing notes. Each sentence names the field it restates.
"""

from __future__ import annotations

from medcodes.explain.facts import Fact, FactsCard

COVERAGE_WORDS = {
    "C": "Carrier judgment: your Medicare contractor decides whether Medicare covers it",
    "D": "Special coverage instructions apply",
    "I": "Not payable by Medicare",
    "M": "Medicare does not cover it",
    "S": "Medicare does not pay for it by law",
}
# Pricing indicators that say something about payment a reader can act on.
NOT_PRICED = {
    "00": "Medicare Part B does not pay for it separately",
    "99": "Medicare has not set a payment amount for it",
}
CARRIER_PRICED = frozenset({"13", "22", "46", "57"})
NOT_COVERED = frozenset({"I", "M", "S"})  # coverage codes that already say Medicare won't pay
REFERENCE_LABELS = {
    "statute": "statute reference",
    "cim": "Coverage Issues Manual section",
    "mcm": "Medicare Carriers Manual section",
}


def coverage_sentences(card: FactsCard) -> list[tuple[str, list[Fact]]]:
    """Sentences about Medicare coverage and payment, each with the facts it restates."""
    found: list[tuple[str, list[Fact]]] = []
    coverage = card.first("cov")
    references = card.of(*REFERENCE_LABELS)
    if coverage is not None and coverage.value in COVERAGE_WORDS:
        words = COVERAGE_WORDS[coverage.value]
        said = "" if words == coverage.detail else f': "{coverage.detail}"'
        cited = "; ".join(f"{REFERENCE_LABELS[r.key]} {r.value}" for r in references)
        text = (
            f"{words} (HCPCS coverage code {coverage.value}{said}"
            + (f"; {cited}" if cited else "")
            + ")."
        )
        found.append((text, [coverage, *references]))
    denied = coverage is not None and coverage.value in NOT_COVERED
    for price in card.of("price"):
        words = _pricing_words(price, denied)
        if words:
            found.append((f'{words} (pricing indicator {price.value}: "{price.detail}").', [price]))
    for note in card.of("processing_note"):
        found.append(
            (_sentence(f"CMS processing note {note.detail}, verbatim: {note.value}"), [note])
        )
    return found


def _sentence(text: str) -> str:
    return text if text.endswith(".") else text + "."


def _pricing_words(price: Fact, denied: bool) -> str:
    if price.value in NOT_PRICED and not denied:
        return NOT_PRICED[price.value]
    if price.value in CARRIER_PRICED:
        return "Your Medicare contractor sets its price"
    return ""
