"""The HCPCS Level II code ranges, as CMS groups them in the HCPCS Level II code set.

The record layout carries no hierarchy, so the tree a user browses is these ranges.
Source: CMS, "HCPCS Level II Coding Procedures" and the section headings of the HCPCS
Level II code book (public CMS terminology). Ranges are inclusive; a code belongs to the
narrowest range holding it.
"""

from __future__ import annotations

# (first, last, title); letter-wide ranges first, then the sub-ranges inside them.
HCPCS_GROUPS: tuple[tuple[str, str, str], ...] = (
    (
        "A0000",
        "A9999",
        "Transportation, medical and surgical supplies, miscellaneous and experimental",
    ),
    ("B0000", "B9999", "Enteral and parenteral therapy"),
    ("C0000", "C9999", "Outpatient prospective payment system (temporary hospital OPPS codes)"),
    ("E0000", "E9999", "Durable medical equipment"),
    ("G0000", "G9999", "Procedures and professional services (temporary)"),
    ("H0000", "H9999", "Behavioral health and substance abuse treatment services"),
    ("J0000", "J9999", "Drugs administered other than oral method, and chemotherapy drugs"),
    ("K0000", "K9999", "Durable medical equipment (temporary codes for DME MACs)"),
    ("L0000", "L9999", "Orthotic and prosthetic procedures and devices"),
    ("M0000", "M9999", "Medical services, and quality measures"),
    ("P0000", "P9999", "Pathology and laboratory services"),
    ("Q0000", "Q9999", "Miscellaneous services (temporary codes)"),
    ("R0000", "R9999", "Diagnostic radiology services"),
    ("S0000", "S9999", "Temporary national codes (non-Medicare)"),
    ("T0000", "T9999", "National codes established for state Medicaid agencies"),
    ("U0000", "U9999", "Coronavirus laboratory tests"),
    ("V0000", "V9999", "Vision, hearing and speech-language pathology services"),
    ("A0000", "A0999", "Transportation services including ambulance"),
    ("A4000", "A8999", "Medical and surgical supplies"),
    ("A9000", "A9999", "Administrative, miscellaneous and investigational"),
    ("J0000", "J8999", "Drugs administered other than oral method"),
    ("J9000", "J9999", "Chemotherapy drugs"),
    ("L0000", "L4999", "Orthotic procedures and devices"),
    ("L5000", "L9999", "Prosthetic procedures"),
    ("V0000", "V2999", "Vision services"),
    ("V5000", "V5999", "Hearing services"),
    ("V7000", "V7999", "Speech-language pathology services"),
)


def group_code(first: str, last: str) -> str:
    """A group's code is its range, as a person writes it: `J9000-J9999`."""
    return f"{first}-{last}"


def narrowest_group(code: str) -> str | None:
    """The code of the narrowest range holding `code` (5-character HCPCS), or None."""
    holding = [(first, last) for first, last, _ in HCPCS_GROUPS if first <= code <= last]
    if not holding:
        return None
    first, last = min(holding, key=lambda pair: int(pair[1][1:]) - int(pair[0][1:]))
    return group_code(first, last)


def group_parent(first: str, last: str) -> str | None:
    """The letter-wide group holding a sub-range, None for a letter-wide group."""
    wider = [
        (f, lst)
        for f, lst, _ in HCPCS_GROUPS
        if f <= first and last <= lst and (f, lst) != (first, last)
    ]
    return group_code(*wider[0]) if wider else None
