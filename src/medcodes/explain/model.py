"""What an explainer is made of: the sections each kind of code gets, and who wrote each one.

Every value here is a frozen dataclass, serialisable with `dataclasses.asdict` for the JSON API.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from medcodes.serial import Serialisable

WRITTEN = "written"
NOT_YET_WRITTEN = "not-yet-written"
RULES = "rules"
EXCERPT = "excerpt"  # verbatim text of a public-domain or CC BY document
OWN_WORDING = "medcodes"  # the source name of the glossary's own wording (glossary.tsv)


# The facts card's records (explain/facts.py reads them from the catalog) are defined here,
# with the explanation they become part of: the code view names the explanation's types, and
# reading them should not load the facts reader and the glossary.
@dataclass(frozen=True, slots=True)
class SourceRef:
    """An official file and release a fact was read from."""

    name: str
    file: str
    release: str

    def label(self) -> str:
        return f"{self.file} (release {self.release})" if self.release else self.file


@dataclass(frozen=True, slots=True)
class Fact:
    key: str  # descriptor, generic_name, brand_name, dose_unit, route, axis, excludes1, ...
    label: str  # words a person reads: "Root operation", "Brand name"
    value: str
    detail: str  # an official definition or meaning; "" when none
    source: SourceRef


@dataclass(frozen=True, slots=True)
class SectionSpec:
    key: str
    title: str
    guidance: str  # what belongs in the section (shown to the LLM writer)
    is_list: bool = False


PROCEDURE_SECTIONS = (
    SectionSpec("summary", "Summary", "What the code reports, in one or two sentences."),
    SectionSpec("purpose", "Purpose", "Why the procedure, service, drug or supply is used."),
    SectionSpec("indications", "Indications", "Conditions or situations it is used for.", True),
    SectionSpec("preparation", "Preparation", "What happens before it.", True),
    SectionSpec(
        "procedure", "Procedure description", "How it is done or given, step by step.", True
    ),
    SectionSpec("duration", "Duration", "How long it takes."),
    SectionSpec("setting", "Setting", "Where it is done or billed."),
    SectionSpec("personnel", "Personnel", "Who does or gives it."),
    SectionSpec("risks_common", "Risks and complications: common", "Common risks.", True),
    SectionSpec("risks_rare", "Risks and complications: rare", "Rare but serious risks.", True),
    SectionSpec("benefits", "Benefits", "What the patient gains.", True),
    SectionSpec("recovery", "Recovery", "What recovery looks like."),
    SectionSpec("alternatives", "Alternatives", "Other options.", True),
    SectionSpec("experience_during", "Patient experience: during", "What the patient feels."),
    SectionSpec("experience_after", "Patient experience: after", "What the patient feels after."),
)
DIAGNOSIS_SECTIONS = (
    SectionSpec("summary", "Summary", "What the diagnosis code covers, in one or two sentences."),
    SectionSpec("symptoms", "Symptoms", "Signs and symptoms of the condition.", True),
    SectionSpec("causes", "Causes and risk factors", "What causes it or raises the risk.", True),
    SectionSpec("diagnosis", "How it is diagnosed", "Tests and examinations.", True),
    SectionSpec("treatment", "Treatment", "Usual treatments.", True),
    SectionSpec("outlook", "Outlook", "What to expect over time (prognosis)."),
    SectionSpec("usage", "When this code is used and not used", "Coding rules.", True),
    SectionSpec("related", "Related codes", "Codes to use instead or as well.", True),
)
MODIFIER_SECTIONS = (
    SectionSpec("signals", "What it signals", "What the modifier tells the payer."),
    SectionSpec("when_appended", "When it is appended", "Which claims lines it is added to.", True),
    SectionSpec("examples", "Examples", "Example uses.", True),
)
SECTIONS_BY_PROFILE = {
    "procedure": PROCEDURE_SECTIONS,
    "diagnosis": DIAGNOSIS_SECTIONS,
    "modifier": MODIFIER_SECTIONS,
}


@dataclass(frozen=True, slots=True)
class ExcerptSource:
    """The document an excerpt is quoted from (writer `excerpt`)."""

    name: str  # the publisher, as its badge reads: MedlinePlus, NCI, MedQuAD
    title: str
    url: str  # the original page
    date: str  # review or as-of date
    file: str  # the staged file it was read from, under the knowledge folder


@dataclass(frozen=True, slots=True)
class LinkReason:
    """Why a document is on this code's page: the link's kind and its evidence."""

    kind: str  # condition, procedure, test, device, drug
    evidence: str
    general: bool = False  # linked through a header above the code: about the topic in general


@dataclass(frozen=True, slots=True)
class Provenance:
    writer: str  # "rules", "excerpt" or the model's name
    sources: list[SourceRef] | list[ExcerptSource]
    prompt_version: str | None = None
    date: str | None = None  # generation date (LLM) or the newest source release (rules)
    verified: bool = False
    link: LinkReason | None = None  # excerpts: why the document is on this page

    def label(self) -> str:
        """What the page prints under a section."""
        if self.writer == EXCERPT:
            cited = self.sources[0]
            assert isinstance(cited, ExcerptSource)
            if self.link and self.link.general:
                return f"About {cited.title} in general, from {cited.name} ({cited.date})"
            return f"From {cited.name}: {cited.title} ({cited.date})"
        if self.writer == RULES:
            official = [s.label() for s in self.sources if s.name != OWN_WORDING]
            own = [s.label() for s in self.sources if s.name == OWN_WORDING]
            parts = [f"official data: {'; '.join(dict.fromkeys(official))}"] if official else []
            return "; ".join(parts + own[:1])
        state = "verified" if self.verified else "NOT verified"
        return f"generated by {self.writer} on {self.date}, {state}"


@dataclass(frozen=True, slots=True)
class Draft:
    """One section as a writer produced it, before it is placed on a page."""

    key: str
    text: str = ""
    items: tuple[str, ...] = ()
    facts: tuple[Fact, ...] = ()  # the facts it restates (rules writer)
    provenance: Provenance | None = None  # set by writers that cite documents (excerpts)

    def is_empty(self) -> bool:
        return not self.text.strip() and not any(item.strip() for item in self.items)


@dataclass(frozen=True, slots=True)
class Section:
    key: str
    title: str
    status: str  # WRITTEN or NOT_YET_WRITTEN
    text: str = ""
    items: list[str] = field(default_factory=list)
    provenance: Provenance | None = None


@dataclass(frozen=True, slots=True)
class Explanation(Serialisable):
    code: str
    system: str
    title: str
    profile: str
    sections: list[Section]
    facts: list[Fact]
    caveats: list[str]

    def not_yet_written(self) -> list[str]:
        return [section.key for section in self.sections if section.status == NOT_YET_WRITTEN]
