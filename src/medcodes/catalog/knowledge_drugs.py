"""Drug links: which HCPCS codes bill the drug an NCI drug page is about.

A HCPCS drug descriptor names its drug ("Injection, blinatumomab, 1 microgram"). The drug's
*identity* is the words of that name, plus any part of the descriptor that makes it another
product: a second drug joined by "and" ("trastuzumab, 10 mg and hyaluronidase-oysk"), or a
formulation that NCI describes on a page of its own ("liposomal", "protein-bound"). A code
links to an NCI page when both identities are the same words, salts aside ("daunorubicin" =
"Daunorubicin Hydrochloride") and a biosimilar's four-letter suffix aside ("trastuzumab-dttb"
is trastuzumab). A conjugate is its own name ("ado-trastuzumab emtansine" is not
"trastuzumab"). Brand names are compared as a cross-check and quoted in the evidence; they
never make a link on their own (the Table of Drugs puts Doxil, a liposomal brand, on plain
doxorubicin).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

SALTS = frozenset(
    {"hydrochloride", "hcl", "dihydrochloride", "sulfate", "sodium", "disodium", "acetate",
     "citrate", "mesylate", "phosphate", "maleate", "dimaleate", "tartrate", "bromide",
     "chloride", "succinate", "fumarate", "malate", "tosylate", "besylate", "lactate",
     "pamoate", "calcium", "potassium", "hyclate", "monohydrate", "anhydrous"}
)  # fmt: skip
# Descriptor words that say how the drug is given or billed, never which drug it is.
BOILERPLATE = frozenset(
    {"injection", "infusion", "inhalation", "solution", "oral", "intravenous", "subcutaneous",
     "intramuscular", "intrathecal", "intravitreal", "topical", "implant", "use", "for", "per",
     "up", "to", "mg", "mcg", "microgram", "micrograms", "milligram", "milligrams", "gram",
     "grams", "gm", "g", "ml", "cc", "unit", "units", "iu", "dose", "each", "vial", "biosimilar",
     "excludes", "not", "otherwise", "specified", "nos", "therapeutically", "equivalent",
     "preservative", "free", "powder", "lyophilized", "non", "therapeutic", "diagnostic",
     "millicurie", "millicuries", "microcurie", "microcuries", "mci", "uci", "study", "kit",
     "tablet", "tablets", "capsule", "capsules", "the", "of", "a", "in", "or", "with",
     "extended", "release", "sq", "cm", "treatment", "course", "and"}
)  # fmt: skip
# Forms a page title may insist on ("Carmustine Implant", "Fluorouracil (Topical)").
FORMS = frozenset({"topical", "implant", "injection", "oral", "intravesical", "wafer", "cream"})
# Forms of a code that make it a local product (an eye insert, an inhaled solution): such a
# code links only to a page naming that form, as NCI's pages are about the systemic drug.
LOCAL_FORMS = frozenset(
    {"intraocular", "ophthalmic", "intravitreal", "lacrimal", "inhalation", "otic", "nasal",
     "intranasal", "vaginal", "topical", "implant", "intravesical", "pyelocalyceal"}
)  # fmt: skip
# Words that make a formulation another product with another NCI page.
IDENTITY_QUALIFIERS = ("liposom", "protein-bound", "pegylated", "conjugate", "nanoparticle")
_WORD = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_BIOSIMILAR = re.compile(r"^([a-z]{4,})-[a-z]{4}$")
_PARENS = re.compile(r"\([^()]*\)")
_CODE_REFERENCE = re.compile(r"\b[a-z]\d{4}\b")
_FORMS = re.compile(
    r"^(injection|infusion|inhalation solution|inhalation|implant|intravitreal implant)$", re.I
)


def drug_words(text: str) -> frozenset[str]:
    """The words that name a drug, without doses, routes, salts or biosimilar suffixes.

    >>> sorted(drug_words("trastuzumab-dttb"))
    ['trastuzumab']
    >>> sorted(drug_words("Daunorubicin Hydrochloride"))
    ['daunorubicin']
    """
    found: set[str] = set()
    for word in _WORD.findall(_CODE_REFERENCE.sub(" ", text.casefold())):
        suffix = _BIOSIMILAR.match(word)
        word = suffix.group(1) if suffix else word
        for piece in word.split("-") if not suffix else [word]:
            if piece and not piece.isdigit() and piece not in BOILERPLATE | SALTS:
                found.add(piece)
    return frozenset(found)


def descriptor_parts(descriptor: str) -> list[str]:
    """A descriptor's comma parts without parentheses and the form ("Injection")."""
    parts = [p.strip() for p in _PARENS.sub(" ", descriptor).split(",") if p.strip()]
    return parts[1:] if parts and _FORMS.match(parts[0]) else parts


def descriptor_identity(descriptor: str, drugs: frozenset[str] | None = None) -> frozenset[str]:
    """The drug a HCPCS descriptor bills, as words; empty when it names none. A later part
    joined by "and" adds a second drug when it names one (`drugs`: the words naming the drug
    of some "Injection, <drug>, ..." descriptor); "including leukapheresis and dose
    preparation" adds none.

    >>> sorted(descriptor_identity("Injection, trastuzumab, 10 mg and hyaluronidase-oysk"))
    ['hyaluronidase', 'trastuzumab']
    >>> sorted(descriptor_identity("Injection, doxorubicin hydrochloride, liposomal, 10 mg"))
    ['doxorubicin', 'liposomal']
    """
    parts = descriptor_parts(descriptor)
    if not parts:
        return frozenset()
    identity = set(drug_words(parts[0]))
    for part in parts[1:]:
        lowered = part.casefold()
        if any(q in lowered for q in IDENTITY_QUALIFIERS):
            identity |= drug_words(part)
        elif " and " in f" {lowered} ":
            named = drug_words(part)
            identity |= named if drugs is None else named & drugs
    return frozenset(identity)


@dataclass(frozen=True, slots=True)
class DrugCode:
    id: int
    code: str
    title: str
    products: frozenset[str]  # ASP crosswalk product names of its NDCs (brands or generics)


@dataclass(frozen=True, slots=True)
class DrugPage:
    """What the matching needs of an NCI drug page."""

    title: str
    brands: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class DrugAnchor:
    code_id: int
    evidence: str


@dataclass(frozen=True, slots=True)
class _Named:
    """A drug name taken apart: the drug, its salt, the form it insists on."""

    identity: frozenset[str]
    salts: frozenset[str]
    forms: frozenset[str]


def _named(text: str, forms_from: str) -> _Named:
    lowered = text.casefold()
    return _Named(
        identity=drug_words(_PARENS.sub(" ", text)),
        salts=frozenset(w for w in _WORD.findall(lowered) if w in SALTS),
        forms=frozenset(
            w for w in _WORD.findall(forms_from.casefold()) if w in FORMS | LOCAL_FORMS
        ),
    )


class DrugIndex:
    """HCPCS drug codes by the identity of the drug they bill, matched to NCI drug pages."""

    def __init__(self, codes: Iterable[DrugCode], pages: Iterable[DrugPage]) -> None:
        self._by_identity: dict[frozenset[str], list[tuple[DrugCode, _Named]]] = defaultdict(list)
        codes = list(codes)
        drugs = frozenset(  # the words naming the drug of "Injection, <drug>, ..." lines
            word for code in codes if _FORMS.match(code.title.split(",")[0].strip())
            for part in descriptor_parts(code.title)[:1] for word in drug_words(part)
        )  # fmt: skip
        for code in codes:
            identity = descriptor_identity(code.title, drugs)
            if identity:
                generic = _PARENS.sub(" ", code.title).split(",")
                named = _named(",".join(generic[:2]), code.title)
                self._by_identity[identity].append((code, named))
        self._pages_per_identity: dict[frozenset[str], int] = defaultdict(int)
        for page in pages:
            self._pages_per_identity[_named(page.title, page.title).identity] += 1

    def anchors(self, page: DrugPage) -> Iterator[DrugAnchor]:
        """Codes billing exactly the drug of `page`, with the evidence.

        Salts count only where NCI has pages for two salts of one drug (Etoposide and
        Etoposide Phosphate); a form the page names ("Carmustine Implant", "Fluorouracil
        (Topical)") must be the code's form; and a code whose NDCs are sold under brands the
        page does not list is another product (Lemtrada is alemtuzumab, but not Campath);
        a page listing no brand cannot say so.
        """
        named = _named(page.title, page.title)
        if not named.identity:
            return
        strict_salts = self._pages_per_identity[named.identity] > 1
        brands = {b.casefold() for b in page.brands}
        for code, code_named in self._by_identity.get(named.identity, ()):
            if strict_salts and code_named.salts != named.salts:
                continue
            if not named.forms <= code_named.forms or not code_named.forms & LOCAL_FORMS <= (
                named.forms
            ):
                continue
            products = {p for p in code.products if not drug_words(p) <= named.identity}
            if brands and products and not products & brands:
                continue
            evidence = f'HCPCS descriptor of {code.code} "{code.title}" names {page.title}'
            shared = sorted(brands & code.products)
            if shared:
                evidence += f"; sold as {', '.join(b.title() for b in shared)}, a brand NCI lists"
            yield DrugAnchor(code.id, evidence)
