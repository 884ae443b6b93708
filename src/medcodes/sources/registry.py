"""Which official file is which release: the list the catalog is built from.

Each `SOURCES` entry names the publisher's file as downloaded (first candidate) and the staged
alternatives (`.gz` copies), relative to a sources folder laid out as CMS/CDC publish by
product. `locate` resolves them in a folder; `fetch` downloads missing ones.

Kinds in `CONTENT_KINDS` (the HCPCS quarterly files) are instead recognised by what a file
holds, wherever it lies and whatever it is called: a new quarter's file dropped anywhere in
the sources folder becomes a release on the next build, with no change here. Their `SOURCES`
entries only say what to download.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from pathlib import Path

from medcodes.errors import SourcesMissing
from medcodes.sources.files import ReleaseFound, exact_member, readable_units
from medcodes.sources.hcpcs import identify_release
from medcodes.sources.hcpcs_workbook import identify_workbook


class Kind(StrEnum):
    HCPCS = "hcpcs"
    HCPCS_WORKBOOK = "hcpcs-workbook"
    HCPCS_NOTES = "hcpcs-notes"
    CM_ORDER = "icd10cm-order"
    CM_TABULAR = "icd10cm-tabular"
    CM_ADDENDA = "icd10cm-addenda"
    CM_INDEX = "icd10cm-index"
    CM_DRUG_INDEX = "icd10cm-drug-index"
    CM_NEOPLASM_INDEX = "icd10cm-neoplasm-index"
    CM_EXTERNAL_INDEX = "icd10cm-external-index"
    PCS_ORDER = "icd10pcs-order"
    PCS_TABLES = "icd10pcs-tables"
    PCS_DEFINITIONS = "icd10pcs-definitions"
    PCS_INDEX = "icd10pcs-index"
    ASP_CROSSWALK = "asp-crosswalk"
    ASP_PRICING = "asp-pricing"
    MUE_PRACTITIONER = "mue-practitioner"
    HCC_MAPPING = "cms-hcc-mapping"
    DRUG_TABLE = "drug-table"
    DRUG_SEE = "drug-table-see"
    MCD_DOCUMENTS = "mcd-documents"
    MCD_ARTICLE_CODES = "mcd-article-codes"
    FEP_POLICIES = "fep-policies"
    BCBSMN_POLICIES = "bcbsmn-policies"


@dataclass(frozen=True, slots=True)
class SourceFile:
    """One official file of one release, and where it may be found."""

    kind: Kind
    release: str  # one spelling everywhere: HCPCS "2026-01", ICD-10 "FY2026"
    effective_date: date
    candidates: tuple[str, ...]  # relative paths, the publisher's own file first
    url: str  # where the publisher serves it
    member: str | None = None  # regex of the zip member to read
    required: bool = True
    sha256: str | None = None  # of the publisher's file, where known: checked after download

    @property
    def name(self) -> str:
        return f"{self.kind.value}-{self.release}"


CMS = "https://www.cms.gov/files/zip/"
CDC = "https://ftp.cdc.gov/pub/Health_Statistics/NCHS/Publications/ICD10CM/"


def _hcpcs_annual(year: int) -> SourceFile:
    return SourceFile(
        Kind.HCPCS,
        f"{year}-01",
        date(year, 1, 1),
        (f"hcpcs/history/{year}-Alpha-Numeric-HCPCS-File.zip",),
        f"{CMS}{year}-alpha-numeric-hcpcs-file.zip",
        member=r"\.txt$",
    )


SOURCES: tuple[SourceFile, ...] = (
    SourceFile(
        Kind.HCPCS,
        "2026-01",
        date(2026, 1, 1),
        (
            "hcpcs/2026-jan/january-2026-alpha-numeric-hcpcs-file.zip",
            "hcpcs/2026-jan/HCPC2026_JAN_ANWEB_01122026.txt.gz",
        ),
        f"{CMS}january-2026-alpha-numeric-hcpcs-file.zip",
        member=r"ANWEB.*\.txt$",
        sha256="8f4a26de1eca89205be02fbe48cc899c6c5930cf5d4f6b8c5a227f64450157b0",
    ),
    SourceFile(
        Kind.HCPCS_NOTES,
        "2026-01",
        date(2026, 1, 1),
        (
            "hcpcs/2026-jan/january-2026-alpha-numeric-hcpcs-file.zip",
            "hcpcs/2026-jan/proc_notes_JAN2026.txt",
        ),
        f"{CMS}january-2026-alpha-numeric-hcpcs-file.zip",
        member=r"proc_notes.*\.txt$",
    ),
    *(_hcpcs_annual(year) for year in (2017, 2018, 2019, 2020)),
    SourceFile(
        Kind.CM_ORDER,
        "FY2025",
        date(2024, 10, 1),
        (
            "icd10cm/originals/2025-code-descriptions-tabular-order.zip",
            "icd10cm/icd10cm_order_2025.txt.gz",
        ),
        f"{CMS}2025-code-descriptions-tabular-order.zip",
        member=r"icd10cm_order_2025\.txt$",
    ),
    SourceFile(
        Kind.CM_ORDER,
        "FY2026",
        date(2025, 10, 1),
        (
            "icd10cm/originals/2026-code-descriptions-tabular-order.zip",
            "icd10cm/icd10cm_order_2026.txt.gz",
        ),
        f"{CMS}2026-code-descriptions-tabular-order.zip",
        member=r"icd10cm_order_2026\.txt$",
        sha256="55a9124a27ca78a4a5c41e1101eda064ec2e08d105ff9e78d1fbd1a83298ef11",
    ),
    SourceFile(
        Kind.CM_ORDER,
        "FY2027",
        date(2026, 10, 1),
        (
            "icd10cm/originals/2027-code-descriptions-tabular-order.zip",
            "icd10cm/fy2027/icd10cm_order_2027.txt.gz",
        ),
        f"{CMS}2027-code-descriptions-tabular-order.zip",
        member=r"icd10cm_order_2027\.txt$",
        sha256="91c6c9d1117764ce72375a0f3a5493b1725dafbc1ab283b55799076c9e194965",
    ),
    SourceFile(
        Kind.CM_TABULAR,
        "FY2025",
        date(2024, 10, 1),
        ("icd10cm/icd10cm_tabular_2025_april.xml.gz",),
        f"{CDC}2025-Update/icd10cm-table-and-index-April-2025.zip",
    ),
    SourceFile(
        Kind.CM_TABULAR,
        "FY2026",
        date(2025, 10, 1),
        ("icd10cm/icd10cm_tabular_2026_april1.xml.gz",),
        f"{CDC}2026-Update/icd10cm-table-and-index-April-1-2026.zip",
    ),
    *(
        SourceFile(
            Kind.CM_ADDENDA,
            f"FY{year}",
            date(year - 1, 10, 1),
            (path,),
            f"{CMS}{year}-code-descriptions-tabular-order.zip",
        )
        for year, path in (
            (2025, "icd10cm/icd10cm_order_addenda_2025.txt"),
            (2026, "icd10cm/icd10cm_order_addenda_2026.txt"),
            (2027, "icd10cm/fy2027/icd10cm_order_addenda_2027.txt"),
        )
    ),
    SourceFile(
        Kind.CM_INDEX,
        "FY2025",
        date(2024, 10, 1),
        ("icd10cm/DERIVED_icd10cm_index_2025_flattened.csv.gz",),
        f"{CDC}2025/icd10cm-table-index-2025.zip",
    ),
    SourceFile(
        Kind.CM_DRUG_INDEX,
        "FY2025",
        date(2024, 10, 1),
        ("icd10cm/icd10cm_drug_2025.xml.gz",),
        f"{CDC}2025/icd10cm-table-index-2025.zip",
    ),
    SourceFile(
        Kind.CM_NEOPLASM_INDEX,
        "FY2025",
        date(2024, 10, 1),
        ("icd10cm/icd10cm_neoplasm_2025.xml",),
        f"{CDC}2025/icd10cm-table-index-2025.zip",
    ),
    SourceFile(
        Kind.CM_EXTERNAL_INDEX,
        "FY2025",
        date(2024, 10, 1),
        ("icd10cm/icd10cm_eindex_2025.xml",),
        f"{CDC}2025/icd10cm-table-index-2025.zip",
    ),
    *(
        SourceFile(
            Kind.PCS_ORDER,
            f"FY{year}",
            date(year - 1, 10, 1),
            (
                f"icd10pcs/originals/{year}-icd-10-pcs-order-file-long-and-abbreviated-titles.zip",
                f"icd10pcs/icd10pcs_order_{year}.txt.gz",
            ),
            f"{CMS}{year}-icd-10-pcs-order-file-long-and-abbreviated-titles.zip",
            member=rf"icd10pcs_order_{year}\.txt$",
        )
        for year in (2025, 2026)
    ),
    *(
        SourceFile(
            Kind.PCS_TABLES,
            f"FY{year}",
            date(year - 1, 10, 1),
            (f"icd10pcs/icd10pcs_tables_{year}.xml.gz",),
            f"{CMS}{year}-icd-10-pcs-codes-file.zip",
        )
        for year in (2025, 2026)
    ),
    *(
        SourceFile(
            Kind.PCS_DEFINITIONS,
            f"FY{year}",
            date(year - 1, 10, 1),
            (f"icd10pcs/icd10pcs_definitions_{year}.xml",),
            f"{CMS}{year}-icd-10-pcs-codes-file.zip",
        )
        for year in (2025, 2026)
    ),
    SourceFile(
        Kind.PCS_INDEX,
        "FY2025",
        date(2024, 10, 1),
        ("icd10pcs/icd10pcs_index_2025.xml.gz",),
        f"{CMS}2025-icd-10-pcs-codes-file.zip",
    ),
    # Billing facts (issue 14): optional; a build without them names them in `medcodes info`.
    SourceFile(
        Kind.ASP_CROSSWALK,
        "2025-10",
        date(2025, 10, 1),
        ("drugs/asp-2025-oct/October_2025_ASP_NDC-HCPCS_Crosswalk.csv.gz",),
        f"{CMS}october-2025-asp-ndc-hcpcs-crosswalk.zip",
        member=r"\.csv$",
        required=False,
    ),
    SourceFile(
        Kind.ASP_PRICING,
        "2025-10",
        date(2025, 10, 1),
        ("drugs/asp-2025-oct/October_2025_ASP_Pricing_File.csv",),
        f"{CMS}october-2025-asp-pricing-file.zip",
        member=r"\.csv$",
        required=False,
    ),
    SourceFile(
        Kind.MUE_PRACTITIONER,
        "2026-04",
        date(2026, 4, 1),
        ("coverage/ncci-mue-2026-04/MCR_MUE_PractitionerServices_Eff_04-01-2026.csv",),
        "https://www.cms.gov/medicare/coding-billing/national-correct-coding-initiative-ncci-edits/"
        "medicare-ncci-medically-unlikely-edits",
        member=r"Practitioner.*\.csv$",
        required=False,
    ),
    SourceFile(
        Kind.HCC_MAPPING,
        "PY2026",
        date(2026, 1, 1),
        ("risk-adjustment/cms-hcc-py2026/2026-icd10-cm-mappings-cms-hcc-rxhcc.xlsx",),
        "https://www.cms.gov/medicare/payment/medicare-advantage-rates-statistics/"
        "risk-adjustment/2026-model-software-icd-10-mappings",
        member=r"\.xlsx$",
        required=False,
    ),
    SourceFile(
        Kind.DRUG_TABLE,
        "2019-01",
        date(2019, 1, 1),
        ("drugs/table-of-drugs-2019/table_of_drugs_2019_entries.csv",),
        "https://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets/Downloads/2019-Table-of-Drugs.pdf",
    ),
    SourceFile(
        Kind.DRUG_SEE,
        "2019-01",
        date(2019, 1, 1),
        ("drugs/table-of-drugs-2019/table_of_drugs_2019_see_references.csv",),
        "https://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets/Downloads/2019-Table-of-Drugs.pdf",
    ),
    SourceFile(
        Kind.MCD_DOCUMENTS,
        "2025-08-17",
        date(2025, 8, 17),
        ("coverage/mcd/mcd_lcd_article_documents_2025-08-17.csv",),
        "https://www.cms.gov/medicare-coverage-database/downloads/downloads.aspx",
        required=False,
    ),
    SourceFile(
        Kind.MCD_ARTICLE_CODES,
        "2026-09-28",
        date(2026, 9, 28),
        ("coverage/mcd/hcpcs_level2_to_mcd_billing_articles_2026-09-28.csv",),
        "https://www.cms.gov/medicare-coverage-database/downloads/downloads.aspx",
        required=False,
    ),
    SourceFile(
        Kind.FEP_POLICIES,
        "2021-03",
        date(2021, 3, 1),
        ("coverage/payer-policies-2021/fep_blue_medical_policies_2021-03.csv",),
        "https://www.fepblue.org/legal/policies-guidelines",
        required=False,
    ),
    SourceFile(
        Kind.FEP_POLICIES,
        "2020-04",
        date(2020, 4, 16),
        ("coverage/payer-policies-2021/fep_blue_medical_policies_with_icd10_2021.csv",),
        "https://www.fepblue.org/legal/policies-guidelines",
        required=False,
    ),
    SourceFile(
        Kind.BCBSMN_POLICIES,
        "2021-03",
        date(2021, 3, 1),
        ("coverage/payer-policies-2021/bcbsmn_medical_policy_codes_2021-03.csv",),
        "https://www.bluecrossmn.com/providers/medical-management/medical-policies",
        required=False,
    ),
)


@dataclass(frozen=True, slots=True)
class Located:
    """A registry entry resolved to a file on disk."""

    source: SourceFile
    path: Path


# ===== Files recognised by content (issue 11) =============================================
# (file, exact-member regex or None) -> the release the file holds, or None if not this kind.
Identify = Callable[[Path, str | None], ReleaseFound | None]


@dataclass(frozen=True, slots=True)
class ContentKind:
    """A kind of official file known by what it holds: its record layout, header or sheet
    name, not its file name."""

    kind: Kind
    identify: Identify
    extensions: tuple[str, ...]  # files and zip members worth opening (also inside .gz)
    url: str  # where the publisher lists the releases
    same_release_as: Kind | None = None  # another format of that kind's releases, used
    # only for a release of which no file of that kind is found
    required: bool = True


HCPCS_RELEASES = (
    "https://www.cms.gov/medicare/coding-billing/healthcare-common-procedure-system/"
    "quarterly-update"
)
CONTENT_KINDS: tuple[ContentKind, ...] = (
    ContentKind(Kind.HCPCS, identify_release, (".txt",), HCPCS_RELEASES),
    ContentKind(
        Kind.HCPCS_WORKBOOK,
        identify_workbook,
        (".xlsx",),
        HCPCS_RELEASES,
        same_release_as=Kind.HCPCS,
        required=False,
    ),
)


def locate(
    sources_dir: Path,
    sources: tuple[SourceFile, ...] = SOURCES,
    content_kinds: tuple[ContentKind, ...] = CONTENT_KINDS,
) -> list[Located]:
    """Resolve every registry entry in `sources_dir` and recognise the files of
    `content_kinds` in it; optional ones may be absent.

    Raises SourcesMissing listing every required file that is not there.
    """
    if not sources_dir.is_dir():
        raise SourcesMissing(
            f"sources folder {sources_dir} does not exist; point --sources or MEDCODES_SOURCES "
            "at a folder holding the official CMS/CDC files"
        )
    by_content = {content.kind for content in content_kinds}
    found = recognise(sources_dir, content_kinds)
    missing = [
        f"an official {content.kind.value} file (any name; recognised by its content)"
        for content in content_kinds
        if content.required
        and not any(_family(f.source.kind, content_kinds) == content.kind for f in found)
    ]
    for source in sources:
        if source.kind in by_content:
            continue
        path = next(
            (sources_dir / c for c in source.candidates if (sources_dir / c).is_file()), None
        )
        if path is not None:
            found.append(Located(source, path))
        elif source.required:
            missing.append(
                f"{' or '.join(source.candidates)} ({source.kind.value} {source.release})"
            )
    if missing:
        raise SourcesMissing(f"missing official files in {sources_dir}: " + "; ".join(missing))
    return found


def recognise(sources_dir: Path, content_kinds: tuple[ContentKind, ...]) -> list[Located]:
    """One file per release of each content kind, found by what the files hold.

    Where several files hold the same release (the CMS zip, its `.txt.gz`, the workbook
    inside the zip), the first kind listed wins, then a member of a zip (the publisher's own
    download) over a plain or gzipped file, then the path in sort order: the choice does not
    depend on the order the disk lists files in.
    """
    extensions = tuple(sorted({ext for content in content_kinds for ext in content.extensions}))
    candidates: list[tuple[tuple[object, ...], Located]] = []
    for path, member in readable_units(sources_dir, extensions):
        name = (member or path.name).lower().removesuffix(".gz")
        for rank, content in enumerate(content_kinds):
            if not name.endswith(content.extensions):
                continue
            pattern = exact_member(member) if member else None
            release = content.identify(path, pattern)
            if release is None:
                continue
            located = Located(_content_source(content, release, sources_dir, path, pattern), path)
            order = (rank, member is None, str(path), member or "")
            candidates.append((order, located))
    chosen: dict[tuple[Kind, str], Located] = {}
    for _, located in sorted(candidates, key=lambda pair: pair[0]):
        key = (_family(located.source.kind, content_kinds), located.source.release)
        chosen.setdefault(key, located)
    return sorted(chosen.values(), key=lambda item: (item.source.kind, item.source.effective_date))


def _family(kind: Kind, content_kinds: tuple[ContentKind, ...]) -> Kind:
    """The kind whose releases a file of `kind` holds (a workbook holds HCPCS releases)."""
    for content in content_kinds:
        if content.kind == kind and content.same_release_as is not None:
            return content.same_release_as
    return kind


def _content_source(
    content: ContentKind, release: ReleaseFound, sources_dir: Path, path: Path, member: str | None
) -> SourceFile:
    try:
        relative = str(path.relative_to(sources_dir))
    except ValueError:
        relative = str(path)
    return SourceFile(
        content.kind, release.release, release.effective_date, (relative,), content.url, member
    )


def missing_optional(
    located: list[Located], sources: tuple[SourceFile, ...] = SOURCES
) -> list[SourceFile]:
    """The optional registry files `locate` did not find: a build goes on without them and
    says so (`medcodes info`)."""
    found = {item.source for item in located}
    return [source for source in sources if not source.required and source not in found]
