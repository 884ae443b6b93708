"""The rules writer: restates facts-card facts as section text, and nothing else.

Each section function returns a Draft carrying the facts it used (their files become the
section's provenance), or None when the facts do not support the section.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from medcodes.explain.facts import Fact, FactsCard
from medcodes.explain.model import RULES, Draft, SectionSpec
from medcodes.systems import SYSTEM_NAMES, System

USAGE_LABELS = {
    "inclusionTerm": "Also covers",
    "includes": "Includes",
    "excludes1": "Not coded here (Excludes1)",
    "excludes2": "Not included here, may be coded as well (Excludes2)",
    "codeFirst": "Code first",
    "useAdditionalCode": "Use additional code",
    "codeAlso": "Code also",
    "notes": "Note",
    "sevenChrNote": "7th character note",
}
EMPTY_AXIS_VALUES = frozenset({"No Device", "No Qualifier"})


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith((".", "?", "!")) else text + "."


def _names(card: FactsCard) -> tuple[list[Fact], list[Fact]]:
    generics = card.of("generic_name") or card.of("descriptor_drug")
    return generics, card.of("brand_name")


def _unique(values: list[str]) -> list[str]:
    return list(dict.fromkeys(values))


# --- summary -------------------------------------------------------------------------------
def summary(card: FactsCard) -> Draft:
    code = card.code
    descriptor = card.of("descriptor")
    used = list(descriptor)
    what = "diagnosis code" if card.profile == "diagnosis" else "code"
    if code.kind not in ("code", "modifier"):
        what = code.kind
    lines = [f"{code.code} is an {SYSTEM_NAMES[System(code.system)]} {what}: {code.long_title}."]
    lines[0] = lines[0].replace(" an HCPCS", " a HCPCS")
    parents = card.of("hierarchy")
    if parents:
        used.append(parents[-1])
        lines.append(f"It sits under {parents[-1].value}.")
    lines += _drug_summary(card, used)
    lines += _status_summary(card, used)
    return Draft("summary", " ".join(lines), facts=tuple(used))


def _drug_summary(card: FactsCard, used: list[Fact]) -> list[str]:
    if not card.is_drug:
        return []
    generics, brands = _names(card)
    unit = card.first("dose_unit")
    if not generics:
        return []
    used += [*generics, *brands]
    text = f"It bills the drug {', '.join(_unique([f.value for f in generics]))}"
    if brands:
        text += f" (sold as {', '.join(_unique([f.value for f in brands]))})"
    if unit:
        used.append(unit)
        text += f", one billing unit being {unit.value.removeprefix('per ')}"
    return [text + "."]


def _status_summary(card: FactsCard, used: list[Fact]) -> list[str]:
    lines = []
    status = card.first("status")
    if status:
        used.append(status)
        lines.append(f"It is no longer valid ({status.value}).")
    billable = card.first("billable")
    if billable and not card.code.billable and card.code.system != System.HCPCS.value:
        used.append(billable)
        lines.append("It is a header, not billable: report one of the codes below it.")
    seventh = card.of("seventh_character")
    if len(seventh) == 1:
        used.append(seventh[0])
        lines.append(f"Its 7th character {seventh[0].value} means {seventh[0].detail}.")
    return lines


# --- procedures, services, drugs, supplies ---------------------------------------------------
def procedure(card: FactsCard) -> Draft | None:
    if card.code.system == System.ICD10PCS.value:
        return _pcs_procedure(card)
    routes = card.of("route")
    if not routes:
        return None
    forms = ", ".join(fact.value for fact in routes)
    return Draft(
        "procedure",
        items=(f"The official descriptor names its form or route: {forms}.",),
        facts=tuple(routes),
    )


def _pcs_procedure(card: FactsCard) -> Draft | None:
    axes = {fact.label: fact for fact in card.of("axis")}
    items: list[str] = []
    used: list[Fact] = []
    for title in ("Root operation", "Body Part", "Approach", "Device", "Qualifier"):
        fact = axes.get(title)
        if fact is None or fact.value in EMPTY_AXIS_VALUES:
            continue
        used.append(fact)
        meaning = f": {fact.detail[0].lower()}{fact.detail[1:]}" if fact.detail else ""
        items.append(_sentence(f"{title.capitalize()} {fact.value}{meaning}"))
    if "Device" in axes and axes["Device"].value == "No Device":
        used.append(axes["Device"])
        items.append("The code reports no device remaining after the procedure (No Device).")
    if not items:
        return None
    return Draft("procedure", items=tuple(items), facts=tuple(used))


def setting(card: FactsCard) -> Draft | None:
    facts = card.of("betos", "tos", "asc_grp")
    if not facts:
        return None
    items = [f"{fact.label} {fact.value}: {fact.detail}" for fact in facts]
    return Draft(
        "setting",
        text="Medicare's classification of this code: " + "; ".join(items) + ".",
        facts=tuple(facts),
    )


# --- diagnoses -------------------------------------------------------------------------------
def usage(card: FactsCard) -> Draft | None:
    used = card.of(*USAGE_LABELS)
    items = [
        f"{USAGE_LABELS[fact.key]}: {fact.value}" + (f" [{fact.detail}]" if fact.detail else "")
        for fact in used
    ]
    billable = card.first("billable")
    if billable and not card.code.billable:
        items.insert(0, "Not billable: it is a header; report one of the codes below it.")
        used.insert(0, billable)
    if not items:
        return None
    return Draft("usage", items=tuple(items), facts=tuple(used))


def related(card: FactsCard) -> Draft | None:
    used = card.of("hierarchy")[-1:] + card.of("child", "related")
    items = []
    for fact in used:
        label = "Parent" if fact.key == "hierarchy" else fact.label
        status = f" ({fact.detail})" if fact.key == "related" and fact.detail else ""
        items.append(f"{label}: {fact.value}{status}")
    if not items:
        return None
    return Draft("related", items=tuple(items), facts=tuple(used))


# --- modifiers -------------------------------------------------------------------------------
def signals(card: FactsCard) -> Draft:
    descriptor = card.of("descriptor")
    return Draft(
        "signals",
        f"Modifier {card.code.code} signals: {_sentence(card.code.long_title)}",
        facts=tuple(descriptor),
    )


SECTION_RULES: dict[str, Callable[[FactsCard], Draft | None]] = {
    "summary": summary,
    "procedure": procedure,
    "setting": setting,
    "usage": usage,
    "related": related,
    "signals": signals,
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
