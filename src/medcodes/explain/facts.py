"""The facts card: what the catalog states about one code, each fact with the file it came from.

Nothing here is inferred beyond reading the descriptor (a drug code's dose unit and route are
spelled in it). Writers may only restate these facts; the verifier checks against them.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

from medcodes.catalog.read import Catalog, Code, PcsTerm, SourceFile
from medcodes.explain.glossary import definitions, marked, recurring_terms_in, terms_in
from medcodes.explain.model import OWN_WORDING, Fact, SourceRef
from medcodes.explain.notes import (
    KIND_LABELS,
    Instruction,
    has_seventh_character,
    node_instructions,
)
from medcodes.systems import System

# Term sources in the catalog -> the kind of source file they were read from.
TERM_SOURCE_KINDS = {
    "asp-brand": "asp-crosswalk",
    "drug-table": "drug-table",
    "drug-table-brand": "drug-table-see",
    "index": "icd10cm-index",
    "index-main": "icd10cm-index",
    "pcs-index": "icd10pcs-index",
}
TERM_FACT_KEYS = {
    "asp-brand": ("brand_name", "Product (brand) name"),
    "drug-table": ("generic_name", "Generic name"),
    "drug-table-brand": ("brand_name", "Brand name"),
    "index": ("index_term", "Index entry"),
    "index-main": ("index_term", "Index entry"),
    "pcs-index": ("index_term", "Index entry"),
}
INDEX_TERMS_READ = 12  # the writer shows those that add words to the title
CHILDREN_SHOWN = 25
# Free-form fields (no decoding table) that are still facts: statute and manual references.
HCPCS_REFERENCE_FIELDS = frozenset({"STATUTE", "CIM1", "CIM2", "CIM3", "MCM1", "MCM2", "MCM3"})
HCPCS_FIELDS_SHOWN = HCPCS_REFERENCE_FIELDS | {
    "PRICE1",
    "PRICE2",
    "COV",
    "BETOS",
    "TOS1",
    "TOS2",
    "TOS3",
    "TOS4",
    "ASC_GRP",
}

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


# Where the glossary's own wording comes from: not an official file, and labelled so.
OWN_WORDING_REF = SourceRef(
    OWN_WORDING, "our own wording (medcodes glossary), not official text", ""
)


@dataclass(frozen=True, slots=True)
class FactsCard:
    """Everything a writer may say about one code."""

    code: Code
    profile: str  # "procedure" (HCPCS, PCS), "diagnosis" (ICD-10-CM) or "modifier"
    is_drug: bool
    facts: tuple[Fact, ...]
    caveats: tuple[str, ...]
    parent: Code | None = None
    instructions: tuple[Instruction, ...] = ()  # ICD-10-CM notes, one per instruction
    by_key: dict[str, list[Fact]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        by_key: dict[str, list[Fact]] = {}
        for fact in self.facts:
            by_key.setdefault(fact.key, []).append(fact)
        object.__setattr__(self, "by_key", by_key)

    def of(self, *keys: str) -> list[Fact]:
        """The facts of these keys, in card order (a writer asks dozens of times per code)."""
        if len(keys) == 1:
            return list(self.by_key.get(keys[0], ()))
        return [fact for fact in self.facts if fact.key in keys]

    def first(self, key: str) -> Fact | None:
        found = self.of(key)
        return found[0] if found else None

    def lines(self) -> list[str]:
        """One line per fact, as the LLM prompt and the verifier's vocabulary read them."""
        return [
            fact.label
            + ("" if fact.value.startswith(",") else ": ")
            + fact.value
            + (f" ({fact.detail})" if fact.detail else "")
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
        self._pcs_terms: dict[tuple[str, int, str], PcsTerm | None] = {}
        self._conventions = catalog.conventions()
        self._refs: dict[str, SourceRef] = {}
        self._hierarchies: dict[int, list[Fact]] = {}
        # (ancestor id, whether the code has its 7th character) -> what the ancestor says to it
        self._passed_down: dict[tuple[int, bool], list[Instruction]] = {}
        self._inherited_facts: dict[Instruction, Fact] = {}

    def card(self, code: Code) -> FactsCard:
        facts = [*self._header_facts(code)]
        chain = self._ancestors(code)
        facts += self._hierarchy_facts(chain)
        notes: list[Instruction] = []
        if code.system in (System.HCPCS.value, System.HCPCS_MOD.value):
            facts += self._hcpcs_facts(code, chain)
        elif code.system == System.ICD10PCS.value:
            facts += self._axis_facts(code)
        else:
            notes = self._instructions(code, chain)
            facts += self._icd_facts(code, chain, notes)
        facts += self._term_facts(code)
        facts += self._related_facts(code)
        facts += self._glossary_facts(code, facts, notes)
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
            parent=chain[-1] if chain else None,
            instructions=tuple(notes),
        )

    # --- sources ----------------------------------------------------------------------------
    def ref(self, name: str) -> SourceRef:
        found = self._refs.get(name)
        if found is None:
            source = self._sources.get(name)
            found = (
                SourceRef(source.name, source.file, source.release)
                if source
                else SourceRef(name, name, "")
            )
            self._refs[name] = found
        return found

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
        if not chain:
            return []
        found = self._hierarchies.get(chain[-1].id)
        if found is None:
            found = self._hierarchies[chain[-1].id] = self._chain_facts(chain)
        return found

    def _chain_facts(self, chain: list[Code]) -> list[Fact]:
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

    def _hcpcs_facts(self, code: Code, chain: list[Code]) -> list[Fact]:
        source = self.ref(code.title_source)
        facts = [
            Fact(field.name.lower().rstrip("1234"), field.label, field.value, field.meaning, source)
            for field in self.catalog.fields(code)
            if field.name in HCPCS_FIELDS_SHOWN
            and (field.meaning or field.name in HCPCS_REFERENCE_FIELDS)
        ]
        notes_file = self.latest("hcpcs-notes")  # a note's source names its number
        facts += [
            Fact(
                "processing_note",
                "CMS processing note",
                note.text,
                note.source.rsplit(" ", 1)[-1],
                notes_file,
            )
            for note in self.catalog.notes(code, chain)
            if note.kind == "processingNote" and not note.inherited
        ]
        return facts

    def _axis_facts(self, code: Code) -> list[Fact]:
        """Each axis with its definition, then what the definitions file adds: the explanation
        and examples of a root operation, the Body Part Key and Device Key entries."""
        facts = []
        for axis in self.catalog.axes(code):
            title = axis.title.replace("Operation", "Root operation")
            facts.append(Fact("axis", title, axis.label, axis.definition, self.ref(axis.source)))
            term = self._pcs_term(code.code[0], axis.position, axis.label)
            if term is None:
                continue
            source = self.ref(term.source)
            if term.explanation:
                facts.append(Fact("axis_explanation", title, term.explanation, axis.label, source))
            if term.includes:
                includes = "; ".join(term.includes)
                facts.append(Fact("axis_includes", title, includes, axis.label, source))
        return facts

    def _instructions(self, code: Code, chain: list[Code]) -> list[Instruction]:
        """The code's own instructions, then each ancestor's (cached: siblings share them)."""
        found = node_instructions(code, code, self.catalog.notes(code, ancestors=[]))
        full = has_seventh_character(code)
        for node in reversed(chain):
            passed = self._passed_down.get((node.id, full))
            if passed is None:
                notes = self.catalog.notes(node, ancestors=[])
                passed = self._passed_down[(node.id, full)] = node_instructions(code, node, notes)
            found += passed
        return found

    def _note_fact(self, note: Instruction) -> Fact:
        """An instruction as a fact; those passed down from an ancestor are made once."""
        found = self._inherited_facts.get(note) if note.origin else None
        if found is None:
            found = Fact(
                note.kind,
                KIND_LABELS[note.kind],
                note.text,
                f"from {note.origin}" if note.origin else "",
                self.ref(note.source),
            )
            if note.origin:
                self._inherited_facts[note] = found
        return found

    def _pcs_term(self, section: str, position: int, label: str) -> PcsTerm | None:
        key = (section, position, label)
        if key not in self._pcs_terms:
            self._pcs_terms[key] = self.catalog.pcs_term(section, position, label)
        return self._pcs_terms[key]

    def _icd_facts(self, code: Code, chain: list[Code], notes: list[Instruction]) -> list[Fact]:
        facts = [self._note_fact(note) for note in notes]
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
                if index_terms > INDEX_TERMS_READ:
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

    def _glossary_facts(
        self, code: Code, facts: list[Fact], notes: list[Instruction]
    ) -> list[Fact]:
        """The glossary terms this code's page uses (glossary.tsv), each once."""
        system = code.system
        markers = {f"<{note.kind}>" for note in notes}
        key = code.code.replace(".", "")
        if system == System.ICD10CM.value and len(key) == 7 and "X" in key[3:6]:
            markers.add("<placeholder>")
        if system == System.ICD10PCS.value and code.kind == "code":
            markers.add("<pcs-code>")
        terms = marked(system, markers) | terms_in(system, "title", code.long_title)
        terms |= terms_in(system, "page", code.long_title)
        seventh = [f.detail for f in facts if f.key == "seventh_character"]
        if len(seventh) == 1:
            terms |= recurring_terms_in(system, "seventh", seventh[0])
        shown = [note.text for note in notes]
        shown += [f.value for f in facts if f.key in ("axis", "axis_includes")]  # PCS terms
        for text in shown:
            terms |= recurring_terms_in(system, "page", text)
        return [
            Fact(
                "glossary",
                found.term,
                found.text,
                "our wording" if found.source == OWN_WORDING else "the tabular's definition",
                OWN_WORDING_REF if found.source == OWN_WORDING else self.ref(found.source),
            )
            for found in definitions(system, terms, self._conventions)
        ]
