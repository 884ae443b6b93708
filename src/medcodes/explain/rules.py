"""The rules writer: says in words what the facts card holds that the page header does not.

The header already shows the code and its title, so no sentence here restates them or the
parent's title (restatement.py is the check). Each section function returns a Draft carrying the
facts it used (their files become the section's provenance), or None when nothing can be added:
the section then stays "not yet written".
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from medcodes.explain import notes
from medcodes.explain.coverage import coverage_sentences
from medcodes.explain.facts import Fact, FactsCard
from medcodes.explain.model import RULES, Draft, SectionSpec
from medcodes.explain.restatement import own_words, restates
from medcodes.explain.setting import GROUP_SETTINGS, setting_from_descriptor
from medcodes.systems import System

EMPTY_AXIS_VALUES = frozenset({"No Device", "No Qualifier", "None", "No Type"})
INDEX_TERMS_SHOWN = 6
PCS_SETTING_TERM = "ICD-10-PCS"
# The ICD-10-CM Index names a code; the ICD-10-PCS Index names the start of a table row, whose
# remaining characters the coder chooses: what each entry leads to, in words.
INDEX_LEADS = {
    System.ICD10CM.value: "The Alphabetic Index leads here from",
    System.ICD10PCS.value: "The ICD-10-PCS Index leads to the table row holding this code from",
}


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith((".", "?", "!", '"')) else text + "."


def _unique(values: list[str]) -> list[str]:
    return list(dict.fromkeys(values))


def _known(card: FactsCard) -> set[str]:
    return own_words(card.code, card.parent)


def _glossary(fact: Fact) -> str:
    """A glossary term as a sentence that says whose words it is."""
    whose = "as the tabular defines it" if fact.detail != "our wording" else "in our words"
    return f"{fact.label}, {whose}: {_sentence(fact.value)}"


# --- summary -------------------------------------------------------------------------------
def summary(card: FactsCard) -> Draft | None:
    used: list[Fact] = []
    lines = _status(card, used)
    if card.code.system == System.HCPCS.value:
        lines += _brands(card, used)
        for text, facts in coverage_sentences(card):
            lines.append(text)
            used += facts
        for fact in card.of("glossary"):
            lines.append(_glossary(fact))
            used.append(fact)
    lines += _index_entries(card, used)
    return Draft("summary", " ".join(lines), facts=tuple(used)) if lines else None


def _status(card: FactsCard, used: list[Fact]) -> list[str]:
    """What a terminated code was cross-referred to (the header already says it ended)."""
    status = card.first("status")
    successors = [f for f in card.of("related") if f.label == "Cross-reference"]
    if status is None or not successors:
        return []
    used += [status, *successors]
    return [
        _sentence(f"No longer valid; the official file cross-refers it to {successors[0].value}")
    ]


def _brands(card: FactsCard, used: list[Fact]) -> list[str]:
    """Brand or product names that are not already the drug's own name or in the title."""
    if not card.is_drug:
        return []
    known = _known(card)
    generics = {f.value.casefold() for f in card.of("generic_name", "descriptor_drug")}
    brands = [
        fact
        for fact in card.of("brand_name")
        if fact.value.casefold() not in generics and not restates(fact.value, known)
    ]
    if not brands:
        return []
    used += brands
    names = ", ".join(_unique([fact.value for fact in brands]))
    return [f"Sold under the brand or product names {names}."]


def _index_entries(card: FactsCard, used: list[Fact]) -> list[str]:
    """Index entries that lead to the code with words its title does not have."""
    entries = card.of("index_term")
    if not entries:
        return []
    known = _known(card)
    entries = [f for f in entries if not restates(f.value, known)]
    entries = entries[:INDEX_TERMS_SHOWN]
    if not entries:
        return []
    used += entries
    leads = INDEX_LEADS.get(card.code.system, "The index leads here from")
    return [f"{leads}: " + "; ".join(f.value for f in entries) + "."]


# --- procedures, services, drugs, supplies ---------------------------------------------------
def procedure(card: FactsCard) -> Draft | None:
    if card.code.system != System.ICD10PCS.value:
        return None
    items: list[str] = []
    used: list[Fact] = []
    explained = {(f.label, f.detail): f for f in card.of("axis_explanation")}
    keyed = {(f.label, f.detail): f for f in card.of("axis_includes")}
    for axis in card.of("axis"):
        if axis.value in EMPTY_AXIS_VALUES:
            continue
        parts = [f": {axis.detail[0].lower()}{axis.detail[1:]}"] if axis.detail else []
        explanation = explained.get((axis.label, axis.value))
        if explanation is not None:
            parts.append(f". {explanation.value.rstrip('.')}")
            used.append(explanation)
        key = keyed.get((axis.label, axis.value))
        if key is not None:
            parts.append(_key_text(axis, key))
            used.append(key)
        if parts:
            used.append(axis)
            items.append(_sentence(f"{axis.label.capitalize()} {axis.value}" + "".join(parts)))
    device = next((f for f in card.of("axis") if f.label == "Device"), None)
    if device is not None and device.value == "No Device":
        used.append(device)
        items.append("No device remains after the procedure (device value No Device).")
    for fact in card.of("glossary"):
        if fact.label != PCS_SETTING_TERM:
            items.append(_glossary(fact))
            used.append(fact)
    return Draft("procedure", items=tuple(items), facts=tuple(used)) if items else None


def _key_text(axis: Fact, key: Fact) -> str:
    """The definitions file's Includes/Examples for an axis value, as the page says them."""
    if axis.label == "Root operation":
        return f". Examples: {key.value}"
    name = {"Body Part": "Body Part Key", "Device": "Device Key"}.get(
        axis.label, "definitions file"
    )
    lead = ". The" if axis.detail else ": the"
    return f"{lead} {name} lists under it: {key.value}"


def setting(card: FactsCard) -> Draft | None:
    """Where it happens, from what the code says; never from payment fields (setting.py)."""
    if card.code.system == System.ICD10PCS.value:
        pcs = [f for f in card.of("glossary") if f.label == PCS_SETTING_TERM]
        return Draft("setting", _sentence(pcs[0].value), facts=tuple(pcs)) if pcs else None
    if card.code.system != System.HCPCS.value:
        return None
    descriptor = card.of("descriptor")
    found = setting_from_descriptor(card.code.long_title)
    if found is not None:
        where, words = found
        return Draft("setting", f'{where}: the descriptor says "{words}".', facts=tuple(descriptor))
    groups = [f for f in card.of("hierarchy") if f.value.split()[0] in GROUP_SETTINGS]
    if groups:
        text = _sentence(GROUP_SETTINGS[groups[-1].value.split()[0]])
        return Draft("setting", text, facts=(groups[-1],))
    return None


# --- diagnoses -------------------------------------------------------------------------------
def usage(card: FactsCard) -> Draft | None:
    used: list[Fact] = []
    items: list[str] = []
    if not card.code.billable:
        billable = card.first("billable")
        items.append("Not valid on a claim: it is a header; report one of the codes below it.")
        used += [billable] if billable else []
    for instruction, text in notes.merged(card.instructions):
        items.append(_sentence(notes.render(instruction, text)))
    used += [f for f in card.facts if f.key in notes.KIND_LABELS]
    items += _seventh_characters(card, used)
    for fact in card.of("glossary"):
        items.append(_glossary_for(card, fact))
        used.append(fact)
    return Draft("usage", items=tuple(items), facts=tuple(used)) if items else None


def _seventh_characters(card: FactsCard, used: list[Fact]) -> list[str]:
    """The 7th characters a header's codes take; a full code's own is in its title."""
    values = card.of("seventh_character")
    if len(values) < 2:
        return []
    used += values
    listed = "; ".join(f"{fact.value}, {fact.detail}" for fact in values)
    return [f"7th characters for the codes below it: {listed}."]


def _glossary_for(card: FactsCard, fact: Fact) -> str:
    """A glossary bullet; the one that explains the code's own 7th character names it."""
    seventh = card.of("seventh_character")
    code = card.code.code
    if fact.label == "Placeholder X":
        return f"The X in {code} is a placeholder, as the tabular defines it: {fact.value}."
    if len(seventh) == 1 and fact.label.casefold() in seventh[0].detail.casefold():
        return f"7th character {seventh[0].value}: " + _glossary(fact)
    return _glossary(fact)


def related(card: FactsCard) -> Draft | None:
    used = card.of("child", "related")
    items = []
    for fact in used:
        status = f" ({fact.detail})" if fact.key == "related" and fact.detail else ""
        items.append(f"{fact.label}: {fact.value}{status}")
    return Draft("related", items=tuple(items), facts=tuple(used)) if items else None


# --- modifiers -------------------------------------------------------------------------------
# Nothing beyond a modifier's descriptor is known, and the header shows that: its sections stay
# "not yet written" (the restated descriptor was the audit's most common useless sentence).


SECTION_RULES: dict[str, Callable[[FactsCard], Draft | None]] = {
    "summary": summary,
    "procedure": procedure,
    "setting": setting,
    "usage": usage,
    "related": related,
}


class RulesWriter:
    """Writes every section the facts card supports, for any code, in well under a millisecond."""

    name = RULES

    def write(self, card: FactsCard, wanted: Sequence[SectionSpec]) -> list[Draft]:
        drafts = []
        for spec in wanted:
            rule = SECTION_RULES.get(spec.key)
            draft = rule(card) if rule else None
            if draft is not None and not draft.is_empty():
                drafts.append(draft)
        return drafts
