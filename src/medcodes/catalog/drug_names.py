"""Drug names of HCPCS codes, for matching a drug across codes and in policy titles.

A HCPCS drug descriptor names its generic ("Injection, bevacizumab-awwb, biosimilar, (mvasi),
10 mg"); the drug loaders add generic and brand names as terms. A biosimilar's four-letter
suffix is dropped too (`bevacizumab-awwb` -> `bevacizumab`) so it meets its reference product.
Words that name a vehicle or salt rather than a drug never count as a drug name.
"""

from __future__ import annotations

import re
import sqlite3
from collections import defaultdict

_DESCRIPTOR = re.compile(
    r"^(?:injection|infusion|inhalation solution),\s*([a-z][a-z0-9 \-]+?),", re.IGNORECASE
)
_BIOSIMILAR_SUFFIX = re.compile(r"^([a-z]{5,})-[a-z]{4}$")
_GENERIC_SOURCES = ("drug-table",)
_BRAND_SOURCES = ("asp-brand", "drug-table-brand")
NOT_DRUG_NAMES = frozenset(
    {
        "dextrose", "saline", "sodium", "chloride", "water", "sterile", "normal", "human",
        "hydrochloride", "solution", "not otherwise specified", "unclassified", "drug", "drugs",
        "biologic", "biologicals", "vaccine", "injection", "infusion", "placebo", "other",
    }
)  # fmt: skip


def normalise_name(name: str) -> str:
    """A drug name in the form names are compared: lower case, single spaces."""
    return " ".join(name.casefold().replace("(", " ").replace(")", " ").split())


def generic_names(descriptor: str) -> set[str]:
    """The generic a HCPCS descriptor names, with its biosimilar suffix dropped.

    >>> sorted(generic_names("Injection, bevacizumab-awwb, biosimilar, (mvasi), 10 mg"))
    ['bevacizumab', 'bevacizumab-awwb']
    """
    found = _DESCRIPTOR.match(descriptor)
    if not found:
        return set()
    name = normalise_name(found.group(1))
    names = {name}
    base = _BIOSIMILAR_SUFFIX.match(name)
    if base:
        names.add(base.group(1))
    return {n for n in names if _is_drug_name(n)}


def hcpcs_drug_names(conn: sqlite3.Connection) -> dict[int, dict[str, str]]:
    """Code id -> {drug name: "generic" | "brand"} for every HCPCS code naming a drug."""
    names: dict[int, dict[str, str]] = defaultdict(dict)
    for code_id, title in conn.execute(
        "SELECT id, long_title FROM codes WHERE system = 'HCPCS' AND kind = 'code'"
    ):
        for name in sorted(generic_names(title)):  # a set's order varies with the hash seed
            names[code_id][name] = "generic"
    marks = ",".join("?" * (len(_GENERIC_SOURCES) + len(_BRAND_SOURCES)))
    for code_id, term, source in conn.execute(
        f"SELECT t.code_id, t.term, t.source FROM terms t JOIN codes c ON c.id = t.code_id "
        f"WHERE c.system = 'HCPCS' AND t.source IN ({marks})",
        (*_GENERIC_SOURCES, *_BRAND_SOURCES),
    ):
        name = normalise_name(term)
        if _is_drug_name(name):
            names[code_id].setdefault(name, "generic" if source in _GENERIC_SOURCES else "brand")
    return dict(names)


def _is_drug_name(name: str) -> bool:
    return len(name) >= 5 and name not in NOT_DRUG_NAMES and not name[0].isdigit()
