"""Where a HCPCS service happens, from what the code says: its descriptor ("home infusion
therapy", "patient not present", "provided in inpatient hospital") and its official group name
("Transportation services including ambulance").

Never from the Medicare payment fields: a type-of-service or BETOS code classifies a claim line
for payment, it does not say where anything is done (CODE_PAGE.md). Phrases are matched in the
descriptor's first clause only, because long care-management descriptors list every setting
they coordinate with; quality-measure wording ("patients who use hospice services") names no
setting and is not matched.
"""

from __future__ import annotations

import re
from functools import cache

FIRST_CLAUSE = 200  # characters of the descriptor, up to its first ";"
NEGATION = re.compile(r"\b(not|other than|outside|excluding|except)\b[^,;]{0,30}$", re.I)
PLACE_NOUNS = r"(?:facility|hospital|home|residence|department|center|setting|clinic|office)"


def _rule(pattern: str, where: str) -> tuple[str, str]:
    """A descriptor rule: a pattern (case-insensitive) and where it says the service happens,
    in plain words ("{place}" takes the matched place)."""
    return pattern, where


DESCRIPTOR_RULES = (
    _rule(r"\bhome infusion\b", "In the patient's home"),
    _rule(r"\bpatient not present\b", "Without the patient present"),
    _rule(r"\b(?:in-home|home) visit\b", "In the patient's home, as a visit"),
    _rule(r"\bin (?:the )?home health (?:or hospice )?settings?\b", "In a home health setting"),
    _rule(r"\bin the hospice setting\b", "In a hospice setting"),
    _rule(
        rf"\bprovided (?:in|at) (?P<place>(?:an? |the )?[a-z' /-]{{0,40}}{PLACE_NOUNS})\b",
        "In {place}",
    ),
    _rule(r"\bduring a hospital inpatient stay\b", "In a hospital, during an inpatient stay"),
    _rule(r"\bhospital inpatient or observation care\b", "In a hospital, inpatient or observation"),
    _rule(r"\bfor hospitalized (?:adults|adult patients|patients)\b", "In a hospital (inpatients)"),
    _rule(r"\bin a hospital outpatient department\b", "In a hospital outpatient department"),
    _rule(r"\bhospital outpatient clinic\b", "In a hospital outpatient clinic"),
    _rule(r"\bin the emergency department setting\b", "In an emergency department"),
    _rule(r"\bnursing facility resident\b", "In a nursing facility"),
    _rule(r"\btelehealth\b", "Remotely, by telehealth"),
    _rule(r"\breal[- ]time (?:two-way )?(?:interactive )?audio", "Remotely, by telecommunication"),
    _rule(r"\bambulance\b(?! supplier)", "In an ambulance or during ambulance transport"),
    _rule(r"\bschool-based\b", "In a school"),
)
# Official group names (catalog/hcpcs_groups.py) that say where, by the group's code range.
GROUP_SETTINGS = {
    "A0000-A0999": "During transport (CMS groups A0000-A0999 as "
    '"Transportation services including ambulance")',
}


def setting_from_descriptor(title: str) -> tuple[str, str] | None:
    """(where, the descriptor's words that say so), or None when the descriptor does not say."""
    clause = title.split(";", 1)[0][:FIRST_CLAUSE]
    for pattern, said in _compiled_rules():
        for match in pattern.finditer(clause):
            if NEGATION.search(clause[: match.start()]):
                continue
            place = match.groupdict().get("place")
            where = said.format(place=place) if place else said
            return where, match.group(0)
    return None


@cache
def _compiled_rules() -> tuple[tuple[re.Pattern[str], str], ...]:
    """DESCRIPTOR_RULES compiled on the first HCPCS code asked about, not on import: only
    HCPCS explanations read them, and every `medcodes explain` imports this module."""
    return tuple((re.compile(pattern, re.IGNORECASE), where) for pattern, where in DESCRIPTOR_RULES)
