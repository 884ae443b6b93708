"""The written forms of an NDC, shared by tests/test_ndc.py and tests/search/ (pytest puts
tests/ on sys.path for the root conftest)."""

from __future__ import annotations

from medcodes.ndc import billing_form


def written_forms(ndc: str) -> list[str]:
    """The ways an 11-digit NDC is written: 5-4-2 with and without hyphens, and each 10-digit
    split (4-4-2, 5-3-2, 5-4-1) whose dropped leading zero the 11 digits show."""
    labeler, product, package = ndc[:5], ndc[5:9], ndc[9:]
    forms = [billing_form(ndc), ndc]
    if labeler.startswith("0"):
        forms.append(f"{labeler[1:]}-{product}-{package}")
    if product.startswith("0"):
        forms.append(f"{labeler}-{product[1:]}-{package}")
    if package.startswith("0"):
        forms.append(f"{labeler}-{product}-{package[1:]}")
    return forms
