"""Which codes a batch covers: exact codes, prefixes (`E11.`), globs (`J90*`), or all of them."""

from __future__ import annotations

import fnmatch
from collections.abc import Iterator

from medcodes.catalog.read import Catalog, Code
from medcodes.systems import System, code_key

EVERYTHING = 1_000_000


def all_codes(catalog: Catalog) -> Iterator[Code]:
    """Every code of every system, headers included, in official order."""
    for system in System:
        yield from _headers(catalog, system)
        codes, _ = catalog.subtree("", systems=(system.value,), limit=EVERYTHING)
        yield from codes


def _headers(catalog: Catalog, system: System) -> Iterator[Code]:
    """Chapters, sections and range groups: the nodes `subtree` leaves out."""
    pending = [code for code in catalog.roots(system) if code.kind != "code"]
    while pending:
        node = pending.pop(0)
        if node.kind not in ("chapter", "section", "group"):
            continue
        yield node
        pending += [child for child in catalog.children(node) if child.kind != "code"]


def select_codes(catalog: Catalog, patterns: list[str]) -> list[Code]:
    """Codes matching any pattern, without repeats; an exact code that does not exist raises
    UnknownCode (with suggestions). No patterns means the whole catalog."""
    if not patterns:
        return list(all_codes(catalog))
    chosen: dict[int, Code] = {}
    for pattern in patterns:
        for code in _matching(catalog, pattern.strip()):
            chosen.setdefault(code.id, code)
    return list(chosen.values())


def _matching(catalog: Catalog, pattern: str) -> list[Code]:
    if any(mark in pattern for mark in "*?["):
        prefix = code_key(pattern.split("*")[0].split("?")[0].split("[")[0])
        codes, _ = catalog.subtree(prefix, limit=EVERYTHING)
        wanted = code_key(pattern.replace("*", "STAR").replace("?", "ONE"))
        wanted = wanted.replace("STAR", "*").replace("ONE", "?")
        return [code for code in codes if fnmatch.fnmatchcase(code_key(code.code), wanted)]
    if pattern.endswith((".", "-")):
        codes, _ = catalog.subtree(pattern.rstrip("-"), limit=EVERYTHING)
        return codes
    return [catalog.get(pattern)]
