"""The code systems medcodes knows, and the two spellings of a code.

`code` is the official form (`E11.9`, `J9039`, `0DTJ4ZZ`); `code_key` is the lookup form a
person may type in any case, spacing or dotting (`e119` -> `E119`).
"""

from __future__ import annotations

import re
from enum import StrEnum


class System(StrEnum):
    HCPCS = "HCPCS"
    HCPCS_MOD = "HCPCS-MOD"
    ICD10CM = "ICD10CM"
    ICD10PCS = "ICD10PCS"


SYSTEM_NAMES: dict[System, str] = {
    System.HCPCS: "HCPCS Level II",
    System.HCPCS_MOD: "HCPCS Level II modifier",
    System.ICD10CM: "ICD-10-CM",
    System.ICD10PCS: "ICD-10-PCS",
}

# Canonical FHIR code system URIs (HCPCS codes and modifiers share one).
FHIR_SYSTEMS: dict[System, str] = {
    System.ICD10CM: "http://hl7.org/fhir/sid/icd-10-cm",
    System.ICD10PCS: "http://www.cms.gov/Medicare/Coding/ICD10",
    System.HCPCS: "http://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets",
    System.HCPCS_MOD: "http://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets",
}

_NOT_CODE_CHARS = re.compile(r"[^0-9A-Za-z]")


def system_name(system: str) -> str:
    """The name people read (`ICD10CM` -> `ICD-10-CM`); unknown values as given."""
    return SYSTEM_NAMES.get(system, system)  # type: ignore[call-overload]


def code_key(text: str) -> str:
    """Lookup form of a code: upper case, no dots, spaces or dashes.

    >>> code_key(" e11.9 ")
    'E119'
    """
    return _NOT_CODE_CHARS.sub("", text).upper()


def icd10cm_official(key: str) -> str:
    """ICD-10-CM official form: a dot after the third character when more follow.

    >>> icd10cm_official("E119"), icd10cm_official("E11")
    ('E11.9', 'E11')
    """
    key = code_key(key)
    return key if len(key) <= 3 else f"{key[:3]}.{key[3:]}"


def parse_system(text: str) -> System:
    """System from a user's spelling (`icd10cm`, `ICD-10-CM`, `hcpcs-mod`, `pcs`)."""
    from medcodes.errors import BadQuery

    aliases = {
        "HCPCS": System.HCPCS,
        "HCPCSMOD": System.HCPCS_MOD,
        "MOD": System.HCPCS_MOD,
        "MODIFIER": System.HCPCS_MOD,
        "ICD10CM": System.ICD10CM,
        "CM": System.ICD10CM,
        "ICD10PCS": System.ICD10PCS,
        "PCS": System.ICD10PCS,
    }
    found = aliases.get(code_key(text))
    if found is None:
        choices = ", ".join(s.value for s in System)
        raise BadQuery(f"unknown code system {text!r}; use one of {choices}")
    return found
