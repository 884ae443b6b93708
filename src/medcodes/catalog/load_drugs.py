"""Drug names onto HCPCS codes: product (mostly brand) names from the CMS ASP NDC-HCPCS
crosswalk, and generic names plus brand "see" references from the CMS Table of Drugs.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from medcodes.catalog.rows import Loaded, TermRow
from medcodes.catalog.sources_read import manifest_row, of_kind, skipped_warnings
from medcodes.sources import drugs
from medcodes.sources.csv_table import SkippedRow
from medcodes.sources.registry import Kind, Located
from medcodes.systems import System

SYSTEM = System.HCPCS.value


def load_drugs(located: list[Located], sources_dir: Path) -> Loaded:
    """Name terms for HCPCS drug codes; a name for a code the catalog lacks is left out."""
    loaded = Loaded()
    for item in of_kind(located, Kind.ASP_CROSSWALK):
        skipped: list[SkippedRow] = []
        rows = list(drugs.parse_asp_crosswalk(item.path, skipped))
        loaded.manifest.append(manifest_row(item, sources_dir, len(rows)))
        loaded.warnings.extend(skipped_warnings(skipped, sources_dir))
        for code, names in drugs.brand_names_by_hcpcs(rows).items():
            loaded.terms.extend(TermRow(SYSTEM, code, name, "asp-brand") for name in names)
    entries: list[drugs.DrugTableEntry] = []
    for item in of_kind(located, Kind.DRUG_TABLE):
        entries = list(drugs.parse_drug_table_entries(item.path))
        loaded.manifest.append(manifest_row(item, sources_dir, len(entries)))
    for item in of_kind(located, Kind.DRUG_SEE):
        references = list(drugs.parse_drug_see_references(item.path))
        loaded.manifest.append(manifest_row(item, sources_dir, len(references)))
        loaded.terms.extend(_brand_terms(references, entries))
    loaded.terms.extend(
        TermRow(SYSTEM, code, entry.drug_name, "drug-table")
        for entry in entries
        for code in entry.codes
    )
    return loaded


def _brand_terms(
    references: list[drugs.DrugSeeReference], entries: list[drugs.DrugTableEntry]
) -> Iterator[TermRow]:
    """A brand's "see <generic>" reference, carried to the generic's codes; where the Table
    spells the generic differently ("Ondansetron HCl" vs "Ondansetron hydrochloride"), to the
    codes of the entries sharing its first word."""
    by_name: dict[str, set[str]] = {}
    by_first_word: dict[str, set[str]] = {}
    for entry in entries:
        by_name.setdefault(entry.drug_name.casefold(), set()).update(entry.codes)
        by_first_word.setdefault(_first_word(entry.drug_name), set()).update(entry.codes)
    for reference in references:
        codes = by_name.get(reference.generic.casefold()) or by_first_word.get(
            _first_word(reference.generic), set()
        )
        for code in sorted(codes):
            yield TermRow(SYSTEM, code, reference.brand, "drug-table-brand")


def _first_word(name: str) -> str:
    return name.casefold().replace(",", " ").split(" ", 1)[0]
