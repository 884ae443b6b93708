"""The catalog built from the real official files: counts, examples, history, atomicity."""

from __future__ import annotations

import gc
import gzip
import io
import os
import sqlite3
from pathlib import Path

import pytest
from openpyxl import Workbook

from medcodes.catalog.build import build_catalog
from medcodes.catalog.read import Catalog
from medcodes.errors import SourceFormatError, SourcesMissing
from medcodes.sources.hcpcs_workbook import COLUMNS


@pytest.fixture(scope="module")
def cat(built_catalog: Path) -> Catalog:
    with Catalog(built_catalog) as catalog:
        yield catalog


def release(cat: Catalog, system: str, name: str):
    return next(r for r in cat.releases(system) if r.release == name)


def test_published_counts(cat: Catalog) -> None:
    assert release(cat, "HCPCS", "2026-01").codes == 8_623
    assert release(cat, "HCPCS-MOD", "2026-01").codes == 383
    fy27 = release(cat, "ICD10CM", "FY2027")
    assert (fy27.codes, fy27.billable, fy27.is_current) == (98_403, 74_879, True)
    fy26 = release(cat, "ICD10CM", "FY2026")
    assert (fy26.codes, fy26.billable) == (98_186, 74_719)
    pcs = release(cat, "ICD10PCS", "FY2026")
    assert (pcs.billable, pcs.codes - pcs.billable) == (79_115, 914)


def test_catalog_is_one_file_again(built_catalog: Path) -> None:
    """The build writes in WAL mode while workers write the search index from the catalog; what
    it renames into place is a plain one-file database, with nothing left beside it."""
    conn = sqlite3.connect(f"file:{built_catalog}?mode=ro", uri=True)
    try:
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("delete",)
    finally:
        conn.close()
    assert not list(built_catalog.parent.glob(f"{built_catalog.name}.tmp*"))
    assert not list(built_catalog.parent.glob(f"{built_catalog.name}-*"))


def test_manifest_names_every_file_with_sha256(cat: Catalog) -> None:
    sources = {s.name: s for s in cat.sources()}
    hcpcs = sources["hcpcs-2026-01"]
    assert hcpcs.file.endswith("january-2026-alpha-numeric-hcpcs-file.zip")
    assert hcpcs.sha256 == "8f4a26de1eca89205be02fbe48cc899c6c5930cf5d4f6b8c5a227f64450157b0"
    assert hcpcs.rows == 8_623 + 383
    assert sources["icd10cm-order-FY2027"].rows == 98_403
    assert {"built_at", "build_id", "medcodes_version"} <= set(cat.meta())


def test_j9039_with_decoded_fields_and_history(cat: Catalog) -> None:
    details = cat.details(cat.get(" j9039 "))
    assert details.code.long_title == "Injection, blinatumomab, 1 microgram"
    assert details.code.added_date == "2016-01-01"
    fields = {f.name: f for f in details.fields}
    assert fields["BETOS"].value == "O1D" and "chemotherapy" in fields["BETOS"].meaning.lower()
    assert fields["PRICE1"].value == "51" and fields["PRICE1"].meaning
    assert fields["COV"].value == "C" and fields["COV"].meaning
    assert [e.event for e in details.history] == ["added"]
    assert [a.term for a in details.terms if a.source == "asp-brand"] == ["Blincyto"]
    assert [ancestor.code for ancestor in details.ancestors] == ["J0000-J9999", "J9000-J9999"]


def test_c9449_terminated_and_cross_referred(cat: Catalog) -> None:
    details = cat.details(cat.get("C9449"))
    assert details.code.status == "terminated"
    assert details.code.terminated_date == "2015-12-31"
    assert ("to", "J9039") in {(link.direction, link.code) for link in details.links}
    events = {e.event: e.effective_date for e in details.history}
    assert events["terminated"] == "2015-12-31"
    back = cat.details(cat.get("J9039")).links
    assert ("from", "C9449") in {(link.direction, link.code) for link in back}


def test_e119_path_and_inherited_notes(cat: Catalog) -> None:
    details = cat.details(cat.get("e119"))
    assert details.code.code == "E11.9"
    assert [a.code for a in details.ancestors] == ["E00-E89", "E08-E13", "E11"]
    inherited = {(n.kind, n.from_code) for n in details.notes if n.inherited}
    assert ("useAdditionalCode", "E11") in inherited
    assert ("excludes1", "E00-E89") in inherited
    own = [n for n in details.notes if not n.inherited]
    assert any("E11.A" in n.text for n in own)


def test_0dtj4zz_axes_with_definitions(cat: Catalog) -> None:
    axes = cat.details(cat.get("0dtj4zz")).axes
    assert [a.label for a in axes] == [
        "Medical and Surgical",
        "Gastrointestinal System",
        "Resection",
        "Appendix",
        "Percutaneous Endoscopic",
        "No Device",
        "No Qualifier",
    ]
    assert axes[2].definition == "Cutting out or off, without replacement, all of a body part"
    assert axes[4].definition


def test_history_agrees_with_the_official_addenda(cat: Catalog) -> None:
    """Release comparison must find exactly what CDC's FY2027 order addenda list."""
    changes = cat.release_changes("ICD10CM", "FY2027")
    # The addenda count a subdivided code (billable -> header) as a delete plus an add.
    subdivided = len(changes["subdivided"])
    assert subdivided == 15
    assert len(changes["added"]) + subdivided == 190 + 63
    assert len(changes["terminated"]) + subdivided == 30 + 6
    gone = changes["terminated"][0]
    assert gone.status == "terminated" and gone.terminated_date == "2026-09-30"
    fy26 = cat.release_changes("ICD10CM", "FY2026")
    assert len(fy26["added"]) + len(fy26["subdivided"]) == 487 + 143
    assert "E11.A" in {code.code for code in fy26["added"]}


def test_codes_new_in_fy2027_say_their_notes_are_missing(cat: Catalog) -> None:
    new = cat.release_changes("ICD10CM", "FY2027")["added"][0]
    assert "no FY2027 tabular" in " ".join(cat.details(new).caveats)
    assert cat.details(cat.get("E11.9")).caveats == []


def test_seventh_characters_inherited_from_category(cat: Catalog) -> None:
    details = cat.details(cat.get("S06.0X0A"))
    chars = {s.char: s.meaning for s in details.seventh_characters}
    assert chars["A"] == "initial encounter"
    assert details.seventh_characters[0].from_code == "S06"


def test_unknown_code_suggests_close_real_codes(cat: Catalog) -> None:
    from medcodes.errors import UnknownCode

    with pytest.raises(UnknownCode) as error:
        cat.get("J9093")
    assert error.value.suggestions and all(s.startswith("J90") for s in error.value.suggestions)


# --- failed builds leave the previous catalog untouched ------------------------------------


def mirror_sources(sources_dir: Path, target: Path) -> Path:
    """A sources folder of symlinks to the real files, so one can be replaced by a bad copy."""
    for path in sources_dir.rglob("*"):
        if path.is_file():
            link = target / path.relative_to(sources_dir)
            link.parent.mkdir(parents=True, exist_ok=True)
            os.symlink(path, link)
    return target


def replace_file(root: Path, relative: str, content: bytes) -> None:
    path = root / relative
    path.unlink()
    path.write_bytes(content)


def workbook_lacking(column: str) -> bytes:
    """A hand-written July workbook (sheet named as CMS names it) without one column."""
    book = Workbook()
    sheet = book.active
    sheet.title = "HCPC2026_JUL_contr"
    header = [name for name in COLUMNS if name != column]
    sheet.append(header)
    sheet.append(["A2043", "0010", "3", "Biobrane, per square centimeter"] + [""] * 43)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("relative", "content", "expected"),
    [
        (
            "icd10pcs/icd10pcs_tables_2026.xml.gz",
            gzip.compress(b"<ICD10PCS.tabular><pcsTable><axis pos='1'"),
            "icd10pcs_tables_2026.xml.gz",
        ),
        (
            "icd10cm/icd10cm_tabular_2026_april1.xml.gz",
            gzip.compress(b"<ICD10CM.tabular><chapter><name>1</name>"),
            "icd10cm_tabular_2026_april1.xml.gz",
        ),
        (
            "hcpcs/2026-jul/HCPC2026_JUL_ANWEB_06172026.xlsx",
            workbook_lacking("BETOS"),
            "HCPC2026_JUL_ANWEB_06172026.xlsx, sheet HCPC2026_JUL_contr, row 1: header lacks "
            "column(s) BETOS",
        ),
        (
            "hcpcs/2026-jul/HCPC2026_JUL_ANWEB_06172026.xlsx",
            b"PK\x03\x04 a truncated download",
            "HCPC2026_JUL_ANWEB_06172026.xlsx: not a readable .xlsx workbook",
        ),
    ],
)
def test_bad_source_stops_build_and_keeps_old_catalog(
    sources_dir: Path, tmp_path: Path, relative: str, content: bytes, expected: str
) -> None:
    root = mirror_sources(sources_dir, tmp_path / "sources")
    replace_file(root, relative, content)
    catalog = tmp_path / "medcodes.db"
    catalog.write_bytes(b"the previous catalog")
    schedule = gc.get_threshold()
    with pytest.raises(SourceFormatError) as error:
        build_catalog(root, catalog)
    assert expected in str(error.value)
    assert catalog.read_bytes() == b"the previous catalog"
    assert gc.get_threshold() == schedule  # the build's rarer collections end with it
    assert not list(tmp_path.glob("medcodes.db.tmp*"))


def test_missing_file_names_it(sources_dir: Path, tmp_path: Path) -> None:
    root = mirror_sources(sources_dir, tmp_path / "sources")
    (root / "icd10cm/fy2027/icd10cm_order_2027.txt.gz").unlink()
    catalog = tmp_path / "medcodes.db"
    with pytest.raises(SourcesMissing, match="icd10cm_order_2027"):
        build_catalog(root, catalog)
    assert not catalog.exists()
