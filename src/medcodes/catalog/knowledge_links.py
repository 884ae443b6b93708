"""From documents to links: each document's names through the rules that fit its kind, then
anchors spread to the codes below them, ranked per code.

Which rules a document goes through:
- condition (ICD-10-CM): MedlinePlus topics, PDQ summaries, MedQuAD focuses;
- procedure / test / device (ICD-10-PCS index; HCPCS descriptors): MedlinePlus medical tests,
  and topics that are procedures or devices (a MedlinePlus group of procedures, a name the
  ICD-10-PCS index knows, or a title naming a device); a disease topic never links to a HCPCS
  line by its name ("Breast Cancer" is not the quality-reporting code that mentions it), and
  only a device topic links to a HCPCS supply ("Blood glucose test" is not A4253's strips);
- drug (HCPCS): NCI drug pages about one drug;
- indication (ICD-10-CM): the conditions an NCI drug page says the drug is approved to treat.
A document's also-called names are tried only when its own names find nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import TypeVar

from medcodes.catalog.knowledge_conditions import RULE_STRENGTH, Anchor, ConditionIndex
from medcodes.catalog.knowledge_drugs import DrugIndex, DrugPage
from medcodes.catalog.knowledge_names import Name, document_names, words
from medcodes.catalog.knowledge_procedures import (
    HCPCS_DESCRIPTOR,
    PCS_INDEX,
    ProcedureAnchor,
    ProcedureIndex,
    hcpcs_kind,
)
from medcodes.sources.knowledge.model import Document
from medcodes.sources.knowledge.publishers import (
    MEDLINEPLUS,
    MEDLINEPLUS_TESTS,
    MEDQUAD,
    NCI_DRUG,
    NCI_PDQ,
)

T = TypeVar("T")
CONDITION, PROCEDURE, TEST, DEVICE, DRUG, INDICATION = (
    "condition",
    "procedure",
    "test",
    "device",
    "drug",
    "indication",
)
PROCEDURE_GROUPS = frozenset(
    {"Surgery and Rehabilitation", "Diagnostic Tests", "Transplantation and Donation",
     "Complementary and Alternative Therapies"}
)  # fmt: skip
NEOPLASMS = ("C", "D0", "D1", "D2", "D3", "D4")
DEVICE_WORDS = frozenset({"aid", "implant", "device", "prosthesis", "wheelchair"})
# A topic about a vaccine is not about the disease it prevents, nor about anything else its
# also-called name "Shots" says (ICD-10-CM's "Shot NOS" is a gunshot).
VACCINE_WORDS = frozenset({"vaccine", "vaccination", "immunization"})
# Names a topic uses in another sense than ICD-10-CM does: MedlinePlus Nutritional Support
# calls feeding by tube or vein "hyperalimentation"; to ICD-10-CM it is eating or taking too
# much (R63.2 Polyphagia includes "Hyperalimentation NOS"; E67 "Other hyperalimentation" holds
# hypervitaminosis A and D).
OTHER_SENSE_NAMES = frozenset({frozenset(words("hyperalimentation"))})
# Which publisher speaks first on a code when several link to it (newest and most specific).
SOURCE_ORDER = {MEDLINEPLUS: 0, NCI_PDQ: 1, MEDLINEPLUS_TESTS: 2, NCI_DRUG: 3, MEDQUAD: 4}
# Words that narrow an approved use without changing the disease the code names:
# "B-cell acute lymphoblastic leukemia" is coded as acute lymphoblastic leukemia.
INDICATION_QUALIFIERS = frozenset(
    words(
        "b cell t cell cd19 cd20 cd22 cd33 positive negative her2 hormone receptor advanced "
        "metastatic recurrent relapsed refractory early stage locally unresectable adult "
        "childhood newly diagnosed high low intermediate risk philadelphia chromosome "
        "previously treated untreated aggressive certain some types"
    )
)


@dataclass(frozen=True, slots=True)
class Link:
    """One document -> code link, before it is written."""

    document: int  # position in the documents list
    code_id: int
    anchor_id: int  # the code the evidence names; code_id unless the link is inherited
    kind: str
    rule: str
    name: str
    evidence: str
    use: int | None = None  # the approved use (indication links)

    @property
    def inherited(self) -> bool:
        return self.code_id != self.anchor_id


class Linker:
    """Links documents to codes with the three indexes built from one catalog."""

    def __init__(
        self,
        conditions: ConditionIndex,
        procedures: ProcedureIndex,
        drugs: DrugIndex,
        code_of: dict[int, str],
    ) -> None:
        self.conditions = conditions
        self.procedures = procedures
        self.drugs = drugs
        self.code_of = code_of

    def links(self, documents: list[Document]) -> Iterator[Link]:
        for position, document in enumerate(documents):
            if document.source in (MEDLINEPLUS, NCI_PDQ, MEDQUAD) and _is_about_a_condition(
                document
            ):
                yield from self._condition_links(position, document)
            if document.source in (MEDLINEPLUS, MEDLINEPLUS_TESTS):
                yield from self._procedure_links(position, document)
            if document.source == NCI_DRUG and document.is_single_drug:
                yield from self._drug_links(position, document)
                yield from self._indication_links(position, document)

    # --- conditions ---------------------------------------------------------------------
    def _condition_links(self, position: int, document: Document) -> Iterator[Link]:
        names = [n for n in document_names(document) if n.words not in OTHER_SENSE_NAMES]
        anchors = _first_tier(names, self.conditions.anchors)
        yield from self._spread(position, CONDITION, anchors)

    def _spread(
        self, position: int, kind: str, anchors: Iterable[Anchor], use: int | None = None
    ) -> Iterator[Link]:
        for anchor in anchors:
            link = Link(
                position,
                anchor.code_id,
                anchor.code_id,
                kind,
                anchor.rule,
                anchor.name.text,
                anchor.evidence,
                use,
            )
            yield link
            anchor_code = self.code_of[anchor.code_id]
            below = self.conditions.below_naming(anchor.code_id, anchor.name, anchor.rule)
            for code_id in below:
                evidence = f"{anchor.evidence}; {self.code_of[code_id]} is under {anchor_code}"
                yield Link(
                    position,
                    code_id,
                    anchor.code_id,
                    kind,
                    anchor.rule,
                    anchor.name.text,
                    evidence,
                    use,
                )

    # --- procedures, tests, devices -----------------------------------------------------
    def _procedure_links(self, position: int, document: Document) -> Iterator[Link]:
        names = document_names(document)
        worded = names
        if document.source == MEDLINEPLUS_TESTS:  # a one-word other name of a lab test is
            # often a substance ("Sodium"); an ICD-10-PCS axis label never is one
            worded = [n for n in names if n.is_primary or len(n.words) > 1]
        anchors = _first_tier(worded, self.procedures.anchors)
        if _is_procedure(document, anchors):
            anchors += _first_tier(names, self.procedures.axis_anchors)
        else:
            anchors = [a for a in anchors if a.rule == PCS_INDEX]
        for anchor in anchors:
            kind = TEST if document.source == MEDLINEPLUS_TESTS else PROCEDURE
            if (
                anchor.rule == HCPCS_DESCRIPTOR
                and hcpcs_kind(self.code_of[anchor.code_id]) == DEVICE
            ):
                if not _is_device(document):
                    continue  # a test's text is not a supply's: "Blood glucose test or
                    # reagent strips" (A4253) bills strips, not the blood draw
                kind = DEVICE
            yield Link(
                position,
                anchor.code_id,
                anchor.code_id,
                kind,
                anchor.rule,
                anchor.name.text,
                anchor.evidence,
            )

    # --- drugs and what they are approved to treat --------------------------------------
    def _drug_links(self, position: int, document: Document) -> Iterator[Link]:
        for anchor in self.drugs.anchors(DrugPage(document.title, document.brands)):
            yield Link(
                position,
                anchor.code_id,
                anchor.code_id,
                DRUG,
                DRUG,
                document.title,
                anchor.evidence,
            )

    def _indication_links(self, position: int, document: Document) -> Iterator[Link]:
        for index, use in enumerate(document.approved_uses):
            for condition in use.conditions:
                anchors = list(self._indication_anchors(condition))
                yield from self._spread(position, INDICATION, anchors, use=index)

    def _indication_anchors(self, condition: str) -> Iterator[Anchor]:
        """The codes of an approved use's condition; if the condition as written names none,
        the condition without its subtype and stage words ("B-cell", "metastatic"). A
        one-word condition counts only when it names a tumour ("Melanoma"): "Anemia" in bold
        is qualified by the sentence after it ("...megaloblastic anemia that occurs when...")."""
        name = Name(condition, frozenset(words(condition)), "approved-use")
        found = list(self.conditions.anchors(name))
        if not found:
            broader = name.words - INDICATION_QUALIFIERS
            if broader and broader != name.words:
                plain = " ".join(w for w in words(condition) if w in broader)
                found = [
                    Anchor(a.code_id, a.rule, name, f'{a.evidence} (read as "{plain}")')
                    for a in self.conditions.anchors(Name(plain, broader, "approved-use"))
                ]
        for anchor in found:
            if len(name.words) == 1 and not self.code_of[anchor.code_id].startswith(NEOPLASMS):
                continue
            evidence = f'NCI: approved to treat "{condition}"; {anchor.evidence}'
            yield Anchor(anchor.code_id, anchor.rule, name, evidence)


def _first_tier(names: list[Name], lookup: Callable[[Name], Iterable[T]]) -> list[T]:
    """Anchors of the document's own names; its also-called names only if those find none,
    and never one that says less than the document's own name ("Myeloid leukemia" listed
    among the synonyms of "Chronic myeloid leukemia" is broader: AML is myeloid too)."""
    own = [n for n in names if n.is_primary]
    primary = [a for n in own for a in lookup(n)]
    if primary:
        return primary
    others = [n for n in names if not n.is_primary and not any(_says_less(n, o) for o in own)]
    return [a for n in others for a in lookup(n)]


def _is_about_a_condition(document: Document) -> bool:
    """Not a device or a vaccine: ICD-10-CM names those only as objects of an event ("Hearing
    aids" of W44.G1, an audio device entering a natural orifice) or of a status."""
    return not (_names_a_device(document) or VACCINE_WORDS & set(words(document.title)))


def _says_less(name: Name, own: Name) -> bool:
    """Whether `name` is `own` with words left out, a word and its -ing form counted as one:
    "Genetic testing", an other name of the "Karyotype genetic test", is every genetic test
    (HCPCS S3800 "Genetic testing for amyotrophic lateral sclerosis")."""
    folded, own_folded = (frozenset(w.removesuffix("ing") for w in n.words) for n in (name, own))
    return folded < own_folded


def _is_procedure(document: Document, anchors: list[ProcedureAnchor]) -> bool:
    """A test, a procedure topic, a topic the ICD-10-PCS index knows, or a device topic."""
    return (
        document.source == MEDLINEPLUS_TESTS
        or bool(PROCEDURE_GROUPS & set(document.groups))
        or any(a.rule == PCS_INDEX for a in anchors)
        or _is_device(document)
    )


def _is_device(document: Document) -> bool:
    """A topic whose title names a device ("Hearing Aids", "Cochlear Implants"): the only
    documents that speak for HCPCS supplies and equipment. A test or procedure page describes
    what is done to a patient ("A health care professional will take a blood sample"), which
    is wrong on the supply used for it, even when the descriptor opens with the test's name
    ("Urine test or reagent strips or tablets")."""
    return document.source == MEDLINEPLUS and _names_a_device(document)


def _names_a_device(document: Document) -> bool:
    title_words = words(document.title)
    return bool(title_words and title_words[-1] in DEVICE_WORDS)


def rank_key(
    link: Link, document: Document, anchor: str, title_words: frozenset[str]
) -> tuple[int, ...]:
    """Order of links on one code, best first: the code named itself before an inherited link,
    a deeper anchor (S72.0 before S72, a category before a block of categories: "Krabbe
    disease" on E75.23 before "Metabolic Disorders" on E70-E88), then by source (MedlinePlus,
    newest and written for patients, first), then the name the code's title says more of and
    adds less to ("Diabetes Type 2" before "Diabetes" on E11.9; "Asthma" before "Childhood
    asthma" on J45.909 Unspecified asthma, which the index also gives for childhood asthma),
    then a stronger rule."""
    named = set(words(link.name))
    said = len(named & title_words)
    return (
        int(link.inherited),
        -anchor_depth(anchor),
        SOURCE_ORDER[document.source],
        -said,
        len(named) - said,
        -RULE_STRENGTH.get(link.rule, 2),
    )


def anchor_depth(code: str) -> int:
    """How far down its hierarchy a code is: a range (a block or chapter, "E70-E88") is above
    every category, however long its name."""
    return 0 if "-" in code else len(code.replace(".", ""))
