"""What a code page offers to build from its code: the 7th-character builder of ICD-10-CM codes
that take one, and the ICD-10-PCS table a code is built in (its row marked)."""

from __future__ import annotations

from dataclasses import dataclass

from medcodes.catalog.read import Catalog, Code, SeventhCharacter
from medcodes.catalog.seventh_builder import SeventhBuilder, seventh_builder
from medcodes.systems import System


@dataclass(frozen=True, slots=True)
class PcsTablePlace:
    """Where an ICD-10-PCS code or table is built: its table and, for a code, its row."""

    table: str  # "0DT"
    row: int | None  # the row that holds the code; None on the table's own page
    url: str  # the table builder, the code chosen and its row marked


@dataclass(frozen=True, slots=True)
class CodeBuilder:
    seventh: SeventhBuilder | None = None
    pcs_table: PcsTablePlace | None = None


def code_builder(
    catalog: Catalog, code: Code, sevenths: list[SeventhCharacter]
) -> CodeBuilder | None:
    """The builder block of `code`'s page; None where there is nothing to build."""
    if code.system == System.ICD10CM:
        seventh = seventh_builder(catalog, code, sevenths)
        return CodeBuilder(seventh=seventh) if seventh else None
    if code.system != System.ICD10PCS or code.kind not in ("table", "code"):
        return None
    from medcodes.catalog.pcs_grid import row_of  # the grid's 7 types: for PCS pages only

    table = code.code[:3]
    row = row_of(catalog, code)
    if code.kind == "code" and row is None:
        return None  # a code of an older release whose table no longer allows it
    chosen = code.code if row else ""
    return CodeBuilder(pcs_table=PcsTablePlace(table, row, pcs_url(table, chosen, row)))


def pcs_url(table: str, code: str = "", row: int | None = None) -> str:
    """The table builder's address: /pcs/0DT, with a code chosen (?code=0DTJ) and a row
    marked (#row-3)."""
    url = f"/pcs/{table}" + (f"?code={code}" if code and code != table else "")
    return url + (f"#row-{row}" if row else "")
