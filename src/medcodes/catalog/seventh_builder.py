"""The 7th-character builder: which full codes an ICD-10-CM code makes with each 7th character.

Where the tabular defines 7th characters (on S72, T39, O31, M80, ...), a code takes one of
them in the 7th position; a shorter code is first filled with the placeholder X to six
characters (Official Guidelines, section I.A.5 and I.A.6): S72.001 + A = S72.001A,
T39.1X2 + A = T39.1X2A, S00.00 + A = S00.00XA. A code that is itself subdivided (S72, S72.00)
takes its 7th character only once a more specific code is chosen.
"""

from __future__ import annotations

from dataclasses import dataclass

from medcodes.catalog.read import Catalog, Code, SeventhCharacter
from medcodes.systems import System, code_key, icd10cm_official

PLACEHOLDER = "X"


@dataclass(frozen=True, slots=True)
class SeventhChoice:
    char: str
    meaning: str
    code: str  # the full code it makes ("S72.001A")
    in_catalog: bool  # the code exists in a release of the catalog
    status: str  # active, terminated; "" when not in the catalog
    current: bool  # the code the page is about


@dataclass(frozen=True, slots=True)
class SeventhBuilder:
    base: str  # the six characters the 7th is added to, placeholders included ("S72.001")
    from_code: str  # the category or subcategory that defines the 7th characters
    choices: tuple[SeventhChoice, ...]
    subdivided: bool  # no full code is made here: choose a more specific code first


def seventh_builder(
    catalog: Catalog, code: Code, sevenths: list[SeventhCharacter]
) -> SeventhBuilder | None:
    """The 7th characters `code` can take and the codes they make; None where none apply."""
    if code.system != System.ICD10CM or not sevenths:
        return None
    key = code_key(code.code)
    base = key[:6].ljust(6, PLACEHOLDER)
    built = {char.char: base + char.char for char in sevenths}
    keys = sorted(built.values())
    rows = catalog.conn.execute(
        f"SELECT code_key, status FROM codes WHERE system = ? "
        f"AND code_key IN ({','.join('?' * len(keys))})",
        (System.ICD10CM.value, *keys),
    )
    status = dict(rows.fetchall())
    choices = tuple(
        SeventhChoice(
            char.char,
            char.meaning,
            icd10cm_official(built[char.char]),
            built[char.char] in status,
            status.get(built[char.char], ""),
            built[char.char] == key,
        )
        for char in sevenths
    )
    return SeventhBuilder(
        icd10cm_official(base),
        sevenths[0].from_code,
        choices,
        subdivided=not status,
    )
