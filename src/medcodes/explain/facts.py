"""The facts card: what the catalog states about one code, each fact with the file it came from.

Nothing here is inferred beyond reading the descriptor (a drug code's dose unit and route are
spelled in it). Writers may only restate these facts; the verifier checks against them.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from medcodes.catalog.read import NOTE_KINDS, Catalog, Code, SourceFile
from medcodes.systems import System

# Term sources in the catalog -> the kind of source file they were read from.
TERM_SOURCE_KINDS = {
    "asp-brand": "asp-crosswalk",
    "drug-table": "drug-table",
    "drug-table-brand": "drug-table-see",
    "index": "icd10cm-index",
    "pcs-index": "icd10pcs-index",
}
TERM_FACT_KEYS = {
    "asp-brand": ("brand_name", "Product (brand) name"),
    "drug-table": ("generic_name", "Generic name"),
    "drug-table-brand": ("brand_name", "Brand name"),
    "index": ("index_term", "Index entry"),
    "pcs-index": ("index_term", "Index entry"),
}
INDEX_TERMS_SHOWN = 6
CHILDREN_SHOWN = 25
HCPCS_FIELDS_SHOWN = frozenset(
    {"PRICE1", "PRICE2", "COV", "BETOS", "TOS1", "TOS2", "TOS3", "TOS4", "ASC_GRP", "STATUTE"}
)

# How a HCPCS descriptor names a drug's form ("Injection, blinatumomab, 1 microgram").
DRUG_FORMS = re.compile(
    r"^(injection|infusion|inhalation solution|inhalation|implant|intravitreal implant|"
    r"topical|oral|chemotherapy drug|immune globulin)\b",
    re.IGNORECASE,
)
ROUTE_WORDS = (
    "intravenous",
    "subcutaneous",
    "intramuscular",
    "intrathecal",
    "intravitreal",
    "intradermal",
    "intravesical",
    "intra-articular",
    "epidural",
    "oral",
    "inhalation",
    "nasal",
    "topical",
    "ophthalmic",
    "rectal",
    "vaginal",
    "transdermal",
    "implant",
    "injection",
    "infusion",
)
_ROUTE = re.compile(r"\b(" + "|".join(re.escape(w) for w in ROUTE_WORDS) + r")\b", re.IGNORECASE)
UNIT_WORDS = (
    r"micrograms?|mcg|milligrams?|mg|grams?|gm|g|milliliters?|ml|cc|"
    r"million units|units?|iu|meq|mci|millicuries?|microcuries?|uci|sq cm|cm"
)
DOSE_UNIT = re.compile(r"(?:\bper\s+)?\b(\d[\d,]*(?:\.\d+)?)\s*(" + UNIT_WORDS + r")\b", re.I)


@dataclass(frozen=True, slots=True)
class SourceRef:
    """An official file and release a fact was read from."""

    name: str
    file: str
    release: str

    def label(self) -> str:
        return f"{self.file} (release {self.release})"


@dataclass(frozen=True, slots=True)
class Fact:
    key: str  # descriptor, generic_name, brand_name, dose_unit, route, axis, excludes1, ...
    label: str  # words a person reads: "Root operation", "Brand name"
    value: str
    detail: str  # an official definition or meaning; "" when none
    source: SourceRef


@dataclass(frozen=True, slots=True)
class FactsCard:
    """Everything a writer may say about one code."""

    code: Code
    profile: str  # "procedure" (HCPCS, PCS), "diagnosis" (ICD-10-CM) or "modifier"
    is_drug: bool
    facts: tuple[Fact, ...]
    caveats: tuple[str, ...]

    def of(self, *keys: str) -> list[Fact]:
        return [fact for fact in self.facts if fact.key in keys]

    def first(self, key: str) -> Fact | None:
        found = self.of(key)
        return found[0] if found else None

    def lines(self) -> list[str]:
        """One line per fact, as the LLM prompt and the verifier's vocabulary read them."""
        return [
            f"{fact.label}: {fact.value}" + (f" ({fact.detail})" if fact.detail else "")
            for fact in self.facts
        ]

    def text(self) -> str:
        return "\n".join([self.code.code, *self.lines()])


def descriptor_hash(code: Code) -> str:
    """Identity of what a generated explainer was written for: a new descriptor invalidates it."""
    text = f"{code.system}|{code.code}|{code.long_title}|{code.short_title}"
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def profile_of(code: Code) -> str:
    return {System.ICD10CM.value: "diagnosis", System.HCPCS_MOD.value: "modifier"}.get(
        code.system, "procedure"
    )


def drug_name_from_descriptor(title: str) -> str | None:
    """The drug a HCPCS drug descriptor names: `Injection, blinatumomab, 1 microgram` ->
    `blinatumomab`; None when the descriptor does not follow that form."""
    if not DRUG_FORMS.match(title):
        return None
    parts = [part.strip() for part in title.split(",")]
    if len(parts) < 2 or DOSE_UNIT.fullmatch(parts[1].removeprefix("per ").strip()):
        return None
    name = re.sub(r"\(.*?\)", "", parts[1]).strip()
    return name or None


def dose_unit_from_descriptor(title: str) -> str | None:
    """The billing unit a drug descriptor ends with (`1 microgram`, `10 mg`, `per 5 ml`)."""
    found = list(DOSE_UNIT.finditer(title))
    return found[-1].group(0).strip() if found else None


def routes_from_descriptor(title: str) -> list[str]:
    return sorted({match.lower() for match in _ROUTE.findall(title)})


class FactsReader:
    """Builds facts cards from one catalog, remembering what codes share (sources, parents)."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self._sources = {source.name: source for source in catalog.sources()}
        self._latest: dict[str, SourceFile] = {}
        for source in self._sources.values():
            best = self._latest.get(source.kind)
            if best is None or source.effective_date > best.effective_date:
                self._latest[source.kind] = source
        self._chains: dict[int, list[Code]] = {}
        self._sevenths: dict[int, list[tuple[str, str]]] = {}

    def card(self, code: Code) -> FactsCard:
        facts = [*self._header_facts(code)]
        chain = self._ancestors(code)
        facts += self._hierarchy_facts(chain)
        if code.system in (System.HCPCS.value, System.HCPCS_MOD.value):
            facts += self._hcpcs_facts(code)
        elif code.system == System.ICD10PCS.value:
            facts += self._axis_facts(code)
        else:
            facts += self._icd_facts(code, chain)
        facts += self._term_facts(code)
        facts += self._related_facts(code)
        is_drug = bool(
            code.system == System.HCPCS.value
            and (
                drug_name_from_descriptor(code.long_title)
                or any(f.key == "generic_name" for f in facts)
            )
        )
        return FactsCard(
            code=code,
            profile=profile_of(code),
            is_drug=is_drug,
            facts=tuple(facts),
            caveats=tuple(self.catalog.caveats(code)),
        )

    # --- sources ----------------------------------------------------------------------------
    def ref(self, name: str) -> SourceRef:
        source = self._sources.get(name)
        if source is None:
            return SourceRef(name, name, "")
        return SourceRef(source.name, source.file, source.release)

    def latest(self, kind: str) -> SourceRef:
        source = self._latest.get(kind)
        return self.ref(source.name) if source else SourceRef(kind, kind, "")

    # --- pieces -----------------------------------------------------------------------------
    def _ancestors(self, code: Code) -> list[Code]:
        if code.parent_id is None:
            return []
        chain = self._chains.get(code.parent_id)
        if chain is None:
            parent = self.catalog.by_id(code.parent_id)
            chain = [*self._ancestors(parent), parent]
            self._chains[code.parent_id] = chain
        return chain

    def _header_facts(self, code: Code) -> list[Fact]:
        source = self.ref(code.title_source)
        facts = [Fact("descriptor", "Official descriptor", code.long_title, "", source)]
        if code.short_title and code.short_title != code.long_title:
            facts.append(Fact("short_descriptor", "Short descriptor", code.short_title, "", source))
        if code.status == "terminated" or code.terminated_date:
            when = code.terminated_date or code.last_release or ""
            facts.append(Fact("status", "Status", f"terminated {when}".strip(), "", source))
        facts.append(
            Fact(
                "billable",
                "Billable",
                "yes" if code.billable else "no (a header: report one of the codes below it)",
                "",
                source,
            )
        )
        if code.system == System.HCPCS.value and drug_name_from_descriptor(code.long_title):
            facts += self._drug_descriptor_facts(code, source)
        return facts

    def _drug_descriptor_facts(self, code: Code, source: SourceRef) -> list[Fact]:
        title = code.long_title
        facts = [
            Fact("descriptor_drug", "Drug named in the descriptor", name, "", source)
            for name in [drug_name_from_descriptor(title)]
            if name
        ]
        unit = dose_unit_from_descriptor(title)
        if unit:
            facts.append(Fact("dose_unit", "Billing unit (from the descriptor)", unit, "", source))
        facts += [
            Fact("route", "Route or form (from the descriptor)", route, "", source)
            for route in routes_from_descriptor(title)
        ]
        return facts

    def _hierarchy_facts(self, chain: list[Code]) -> list[Fact]:
        return [
            Fact(
                "hierarchy",
                f"Within {node.kind}",
                f"{node.code} {node.long_title}",
                "",
                self.ref(node.title_source),
            )
            for node in chain
        ]

    def _hcpcs_facts(self, code: Code) -> list[Fact]:
        source = self.ref(code.title_source)
        return [
            Fact(field.name.lower().rstrip("1234"), field.label, field.value, field.meaning, source)
            for field in self.catalog.fields(code)
            if field.name in HCPCS_FIELDS_SHOWN and field.meaning
        ]

    def _axis_facts(self, code: Code) -> list[Fact]:
        return [
            Fact(
                "axis",
                axis.title.replace("Operation", "Root operation"),
                axis.label,
                axis.definition,
                self.ref(axis.source),
            )
            for axis in self.catalog.axes(code)
        ]

    def _icd_facts(self, code: Code, chain: list[Code]) -> list[Fact]:
        notes = self.catalog.notes(code, chain)
        facts = [
            Fact(
                note.kind,
                note.kind,
                note.text,
                f"from {note.from_code}" if note.inherited else "",
                self.ref(note.source),
            )
            for note in notes
            if note.kind in NOTE_KINDS
        ]
        tabular = self.latest("icd10cm-tabular")
        for char, meaning in self._seventh(code, chain):
            facts.append(Fact("seventh_character", "7th character", char, meaning, tabular))
        return facts

    def _seventh(self, code: Code, chain: list[Code]) -> list[tuple[str, str]]:
        """The 7th-character values for this code: its own one when it has seven characters."""
        values: list[tuple[str, str]] = []
        for node in reversed([*chain, code]):
            if node.id not in self._sevenths:
                found = self.catalog.seventh_characters(node, ancestors=[])
                self._sevenths[node.id] = [(s.char, s.meaning) for s in found]
            values = self._sevenths[node.id]
            if values:
                break
        key = code.code.replace(".", "")
        if len(key) == 7:
            return [(char, meaning) for char, meaning in values if char == key[-1]]
        return values

    def _term_facts(self, code: Code) -> list[Fact]:
        facts: list[Fact] = []
        index_terms = 0
        for term in self.catalog.terms(code):
            if term.source not in TERM_FACT_KEYS:
                continue
            key, label = TERM_FACT_KEYS[term.source]
            if key == "index_term":
                index_terms += 1
                if index_terms > INDEX_TERMS_SHOWN:
                    continue
            source = self.latest(TERM_SOURCE_KINDS[term.source])
            facts.append(Fact(key, label, term.term, "", source))
        return facts

    def _related_facts(self, code: Code) -> list[Fact]:
        source = self.ref(code.title_source)
        facts = [
            Fact(
                "related",
                "Cross-reference" if link.direction == "to" else "Referred to from",
                f"{link.code} {link.title}",
                link.status,
                source,
            )
            for link in self.catalog.links(code)
        ]
        if not code.billable or code.kind != "code":
            facts += [
                Fact("child", "Code below it", f"{child.code} {child.long_title}", "", source)
                for child in self.catalog.children(code, limit=CHILDREN_SHOWN)
            ]
        return facts
