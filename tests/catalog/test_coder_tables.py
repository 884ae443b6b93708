"""Reading the coder's books from the real catalog: filters, letters, headings, codes."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from medcodes.catalog import coder_tables
from medcodes.catalog.coder_tables import (
    Book,
    _difference,
    _intersection,
    _page,
    _union,
    book,
    by_letter,
    filtered,
    subtree,
)
from medcodes.catalog.read import Catalog
from medcodes.errors import NotFound


@pytest.fixture(scope="module")
def cat(built_catalog: Path) -> Iterator[Catalog]:
    with Catalog(built_catalog) as catalog:
        yield catalog


def _book(cat: Catalog, name: str) -> Book:
    return book(cat, name)


def test_books_name_their_source_and_columns(cat: Catalog) -> None:
    drugs = _book(cat, "drugs")
    assert drugs.main_terms == 5_177 and drugs.entries == 7_428
    assert drugs.columns[1] == "Poisoning Intentional self-harm"
    assert drugs.source is not None and drugs.source.release == "FY2025"
    assert drugs.source.file == "icd10cm/icd10cm_drug_2025.xml.gz"
    index = _book(cat, "index")
    assert not index.is_table and index.source is not None
    assert index.source.file.endswith("DERIVED_icd10cm_index_2025_flattened.csv.gz")
    with pytest.raises(NotFound, match="no book 'recipes'.*drugs"):
        book(cat, "recipes")


def test_drug_filter_gives_the_acetaminophen_row(cat: Catalog) -> None:
    found = filtered(cat, _book(cat, "drugs"), "Acetaminophen", 50, 0)
    assert found.total == 1
    (row,) = found.terms
    assert [c.printed for c in row.codes] == [f"T39.1X{n}" for n in range(1, 7)]
    self_harm = row.codes[1]
    assert (self_harm.code, self_harm.in_catalog, self_harm.needs_more) == ("T39.1X2", True, True)


def test_neoplasm_filter_gives_breast_with_its_six_columns(cat: Catalog) -> None:
    found = filtered(cat, _book(cat, "neoplasms"), "breast", 50, 0)
    first = found.terms[0]
    assert first.title.startswith("breast") and first.level == 1
    assert [c.printed for c in first.codes] == [
        "C50.9-",
        "C79.81",
        "D05.-",
        "D24.-",
        "D48.6-",
        "D49.3",
    ]
    assert first.above == ((1, "Neoplasm, neoplastic"),)  # its main term, not on the page
    assert [c.code for c in first.codes[:3]] == ["C50.9", "C79.81", "D05"]
    assert first.codes[0].needs_more and not first.codes[1].needs_more


def test_index_filter_lists_the_main_term_first_with_its_subterms(cat: Catalog) -> None:
    found = filtered(cat, _book(cat, "index"), "appendicitis", 500, 0)
    titles = [t.title for t in found.terms]
    assert titles[0] == "Appendicitis (pneumococcal) (retrocecal)"
    assert found.terms[0].codes[0].code == "K37"
    assert titles[1:4] == ["with", "gangrene", "with localized peritonitis"]
    assert len(titles) == found.total > 59  # the main term's 59 headings, then others
    assert titles[59] == "Subsiding appendicitis"  # another main term that matches whole
    later = found.terms[60]
    assert later.level > 0 and later.above  # a match within another main term, with its path


def test_filter_words_narrow_within_the_path(cat: Catalog) -> None:
    index = _book(cat, "index")
    both = filtered(cat, index, "appendicitis gangrene", 50, 0)
    assert both.total < filtered(cat, index, "appendicitis", 1, 0).total
    assert any(t.title == "gangrene" for t in both.terms)
    assert filtered(cat, index, "zzzzq", 50, 0).total == 0
    vitamin_a = filtered(cat, index, "vitamin a", 500, 0)  # "a" as a whole word only
    assert "vitamin A deficiency" in vitamin_a.terms[0].title and vitamin_a.total < 100
    assert filtered(cat, _book(cat, "drugs"), "a", 50, 0).total < 50
    assert filtered(cat, index, " ,;(-- ", 50, 0).total == 0  # no words: nothing matches


def test_filters_fold_case_and_diacritics(cat: Catalog) -> None:
    index = _book(cat, "index")
    for typed in ("sezary", "Sézary", "SEZ"):
        assert filtered(cat, index, typed, 5, 0).terms[0].title == "Sézary disease"
    quoted = filtered(cat, index, 'appendicitis" OR "zz*', 500, 0)  # FTS syntax: just words
    assert quoted.total == 0


def test_paging_splits_the_same_selection(cat: Catalog) -> None:
    index = _book(cat, "index")
    whole = filtered(cat, index, "fracture femur", 1000, 0)
    pages = [filtered(cat, index, "fracture femur", 25, start).terms for start in (0, 25, 50)]
    assert [t.id for page in pages for t in page] == [t.id for t in whole.terms[:75]]


def test_letters_and_main_terms(cat: Catalog) -> None:
    index = _book(cat, "index")
    assert index.letters[:3] == ("A", "B", "C")
    a = by_letter(cat, index, "A", 10, 0)
    assert a.total == 712 and all(t.level == 0 for t in a.terms)
    assert a.terms[0].title == "Aarskog's syndrome"
    drugs = _book(cat, "drugs")
    assert drugs.letters[0] == "#"
    b = by_letter(cat, drugs, "B", 500, 0)
    assert any(t.level > 0 for t in b.terms)  # a table lists its subterms too
    assert by_letter(cat, index, "?", 10, 0).total == 0


def test_subtree_and_see_targets(cat: Catalog) -> None:
    index = _book(cat, "index")
    appendicitis = filtered(cat, index, "appendicitis", 1, 0).terms[0]
    whole = subtree(cat, index, appendicitis.id, 500, 0)
    assert whole.total == 59 and whole.terms[0].id == appendicitis.id
    assert whole.heading is not None and whole.heading.id == appendicitis.id
    abdominalgia = next(
        t for t in by_letter(cat, index, "A", 100, 0).terms if t.title == "Abdominalgia"
    )
    assert abdominalgia.see == "Pain, abdominal" and abdominal_see(cat, index, abdominalgia)
    with pytest.raises(NotFound, match="no heading 999999 in the ICD-10-CM Alphabetic Index"):
        subtree(cat, index, 999_999, 10, 0)


def abdominal_see(cat: Catalog, index: Book, term: coder_tables.BookTerm) -> bool:
    assert term.see_id is not None
    target = subtree(cat, index, term.see_id, 1, 0).terms[0]
    return target.title == "abdominal" and target.above[0][1] == "Pain (s)"


# --- range arithmetic against sets --------------------------------------------------------

spans = st.lists(st.tuples(st.integers(1, 60), st.integers(0, 8)), max_size=12).map(
    lambda items: _union((start, start + length) for start, length in items)
)


def _ids(ranges: list[tuple[int, int]]) -> list[int]:
    return [i for start, end in ranges for i in range(start, end + 1)]


@given(spans, spans)
def test_range_arithmetic(first: list[tuple[int, int]], second: list[tuple[int, int]]) -> None:
    assert _ids(_intersection(first, second)) == sorted(set(_ids(first)) & set(_ids(second)))
    assert _ids(_difference(first, second)) == sorted(set(_ids(first)) - set(_ids(second)))


@given(spans, st.integers(0, 80), st.integers(1, 20))
def test_page_of_ranges(ranges: list[tuple[int, int]], offset: int, limit: int) -> None:
    assert _page(ranges, limit, offset) == _ids(ranges)[offset : offset + limit]
