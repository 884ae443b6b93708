"""The search index: a tantivy index derived from the catalog by `medcodes build`.

It lives beside the catalog (`medcodes.db` -> `medcodes.db.index/`) and records its recipe
(catalog build id, analyzer, rules) so a searcher refuses an index built from another file.
"""

from __future__ import annotations

import bisect
import functools
import json
import re
import shutil
import sqlite3
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from datetime import date
from itertools import combinations
from pathlib import Path
from typing import Any

import tantivy

from medcodes.catalog.billing import hcc_v28_code_ids
from medcodes.errors import CatalogMissing
from medcodes.search import ranking
from medcodes.search.lay_terms import code_terms
from medcodes.search.query import STOPWORDS, WORD, normalise
from medcodes.search.spelling import MIN_WORD, write_vocabulary
from medcodes.systems import code_key

ANALYZER = "med"
WORD_ANALYZER = "word"  # the same words unstemmed: the vocabulary typed prefixes complete from
ANALYZER_RECIPE = "simple>lowercase>ascii_fold>stemmer(english); v3 short words code-prefix hcc_v28"
TEXT_FIELDS = tuple(ranking.FIELD_BOOSTS)  # title, drug, lay, inclusion, index, short
FIELD_OF_SOURCE = {
    "inclusion": "inclusion",
    "index": "index",
    "index-main": "index",
    "drug-index": "index",
    "neoplasm-index": "index",
    "external-index": "index",
    "pcs-index": "index",
    "asp-brand": "drug",
    "drug-table": "drug",
    "drug-table-brand": "drug",
    "lay": "lay",
}
NOT_SEARCHED_KINDS = ("chapter", "section", "group", "body-system")  # by code, never by words
NOT_LISTED_KINDS = ("chapter", "section", "group")  # ranges, not codes: no code-prefix listing
EVERY_CODE = "*"  # the code-prefix term every listed code carries: a listing of a whole system
FOREVER = 10**6  # days: "no end date"
MAX_LAY_PREFIX_CODES = 40
# tantivy's indexing memory: a larger heap means fewer segments but the whole build must stay
# under 1 GB peak RSS (catalog data is still in memory when the index is written).
WRITER_HEAP_BYTES = 120_000_000


def index_path(catalog: Path) -> Path:
    return catalog.with_name(catalog.name + ".index")


def analyzer() -> tantivy.TextAnalyzer:
    """The one analyzer for indexing and for queries, so both sides agree on every word."""
    return (
        tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
        .filter(tantivy.Filter.lowercase())
        .filter(tantivy.Filter.ascii_fold())
        .filter(tantivy.Filter.stemmer("english"))
        .build()
    )


def word_analyzer() -> tantivy.TextAnalyzer:
    """Words as written (lower case, no accents, not stemmed): what a typed prefix is a prefix
    of. Stems are not: "hypertensi" starts no stem ("hypertens") but starts "hypertension"."""
    return (
        tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
        .filter(tantivy.Filter.lowercase())
        .filter(tantivy.Filter.ascii_fold())
        .build()
    )


def register_analyzers(index: tantivy.Index) -> None:
    index.register_tokenizer(ANALYZER, analyzer())
    index.register_tokenizer(WORD_ANALYZER, word_analyzer())


STEMMER = analyzer()  # one instance for build-time bag forms


def schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    builder.add_integer_field("id", stored=True, indexed=True, fast=True)
    builder.add_text_field("system", stored=True, tokenizer_name="raw", fast=True)
    for name in TEXT_FIELDS:
        builder.add_text_field(name, stored=True, tokenizer_name=ANALYZER)
    # Every word of titles and names, unstemmed, for completing the word being typed; only
    # its term dictionary (with document counts) is read.
    builder.add_text_field("words", tokenizer_name=WORD_ANALYZER, index_option="basic")
    builder.add_text_field("code", tokenizer_name="raw", index_option="basic")  # lookup form
    # Each prefix of the lookup form (E, E1, E11, E119) and EVERY_CODE: a typed code prefix is
    # one term, whatever its length (`0` starts 79,000 PCS codes).
    builder.add_text_field("code_prefix", tokenizer_name="raw", index_option="basic")
    builder.add_integer_field("order", fast=True)  # rank by (system, code): official order
    builder.add_text_field("exact", tokenizer_name="raw")
    builder.add_text_field("within", tokenizer_name="raw")
    builder.add_integer_field("billable", indexed=True, fast=True)
    builder.add_integer_field("hcc_v28", indexed=True, fast=True)  # maps to a V28 category
    builder.add_integer_field("active", indexed=True, fast=True)
    builder.add_integer_field("valid_from", indexed=True, fast=True)
    builder.add_integer_field("valid_to", indexed=True, fast=True)
    return builder.build()


NONESSENTIAL = re.compile(r"\([^)]*\)")


def exact_form(text: str) -> str:
    """How a whole title or name is compared with a whole query: words only, lower case."""
    return " ".join(WORD.findall(normalise(text)))


# Whole-name matches from these would put poisoning or neoplasm-table codes above the code a
# bare drug or site name usually means (ondansetron -> J2405, not T45.0X6); they still match
# by words.
NOT_EXACT_SOURCES = frozenset({"drug-index", "neoplasm-index"})
BAG_PREFIX = "~"  # marks a bag-of-stems form in the `exact` field


def bag_form(stems: Iterable[str]) -> str:
    """Words in any order: the sorted distinct stems, as one `exact` field value."""
    return BAG_PREFIX + " ".join(sorted(set(stems)))


MAX_OPTIONAL_GROUPS = 3  # beyond this, only "all" or "none" of the modifiers (no explosion)


def bag_forms(text: str, source: str) -> frozenset[str]:
    """Bag-of-stems forms of a title or name, each parenthesised (nonessential) modifier
    optional: "Infection, urinary (tract)" is matched by "urinary tract infection" and by
    "urinary infection"."""
    if source in NOT_EXACT_SOURCES:
        return frozenset()
    if "(" not in text:  # most titles: one bag, no optional words
        stems = _stems_of(text)
        return frozenset({bag_form(stems)}) if stems else frozenset()
    core = _stems_of(NONESSENTIAL.sub(" ", text))
    groups = [_stems_of(group) for group in NONESSENTIAL.findall(text)]
    groups = [group for group in groups if group]
    if len(groups) > MAX_OPTIONAL_GROUPS:
        choices = [(), tuple(groups)]
    else:
        choices = [c for size in range(len(groups) + 1) for c in combinations(groups, size)]
    forms = {bag_form([*core, *(stem for group in chosen for stem in group)]) for chosen in choices}
    return frozenset(form for form in forms if form != BAG_PREFIX)


def _stems_of(text: str) -> list[str]:
    """Stems of a text's words, small words left out (one call into the Rust analyzer)."""
    return [stem for stem in STEMMER.analyze(text) if stem not in STOPWORDS]


@functools.lru_cache(maxsize=4096)
def exact_forms(text: str, source: str) -> frozenset[str]:
    """Every whole-text form a query may equal to count as an exact match.

    Parenthesised words are nonessential modifiers in ICD-10 titles and index terms
    ("Essential (primary) hypertension" is also "essential hypertension"); an index main
    term lists alternative spellings ("Hypertension, hypertensive (...)"), each exact.
    """
    if source in NOT_EXACT_SOURCES:
        return frozenset()
    if "(" not in text and source != "index-main":
        return frozenset({exact_form(text)})
    forms = {exact_form(text), exact_form(NONESSENTIAL.sub(" ", text))}
    if source == "index-main":
        forms.update(exact_form(part) for part in NONESSENTIAL.sub(" ", text).split(","))
    return frozenset(form for form in forms if form)


@functools.lru_cache(maxsize=100_000)
def text_keys(text: str, source: str) -> tuple[frozenset[str], frozenset[str]]:
    """What one title or name adds to a document: its `exact` field values (whole forms and
    bags) and its spelling-vocabulary words. Cached: index terms repeat across codes."""
    exact = exact_forms(text, source)
    words = {
        word for form in exact for word in form.split() if len(word) >= MIN_WORD and word.isalpha()
    }
    return exact | bag_forms(text, source), frozenset(words)


def day_number(value: date | str | None, default: int) -> int:
    if not value:
        return default
    day = value if isinstance(value, date) else date.fromisoformat(value)
    return day.toordinal()


def prepare_index(built: Path, final: Path) -> None:
    """Write the index of catalog `built` beside where it will live (`final`), aside: a build
    runs this in a worker process; `swap_in_index` puts it in place after the catalog."""
    write_index(built, _aside(index_path(final)))


def swap_in_index(final: Path) -> None:
    """Replace the index beside catalog `final` with the one `prepare_index` wrote aside."""
    target = index_path(final)
    old = target.with_name(target.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    if target.exists():
        target.rename(old)
    _aside(target).rename(target)
    shutil.rmtree(old, ignore_errors=True)


def _aside(target: Path) -> Path:
    return target.with_name(target.name + ".tmp")


def write_index(catalog: Path, directory: Path) -> int:
    """Write the index for `catalog` into a fresh `directory`; returns documents written."""
    shutil.rmtree(directory, ignore_errors=True)
    directory.mkdir(parents=True)
    conn = sqlite3.connect(f"file:{catalog}?mode=ro", uri=True)
    try:
        index = tantivy.Index(schema(), path=str(directory))
        register_analyzers(index)
        writer = index.writer(heap_size=WRITER_HEAP_BYTES, num_threads=1)
        count = 0
        words: Counter[str] = Counter()
        for document, vocabulary in _documents(conn):
            writer.add_document(tantivy.Document(**document))
            words.update(vocabulary)
            count += 1
        writer.commit()
        writer.wait_merging_threads()
        text_keys.cache_clear()  # the build's peak memory counts: drop what served it
        (build_id,) = conn.execute("SELECT value FROM meta WHERE key = 'build_id'").fetchone()
    finally:
        conn.close()
    recipe = {
        "catalog_build_id": build_id,
        "analyzer": ANALYZER_RECIPE,
        "rules": ranking.RULES,
        "field_boosts": ranking.FIELD_BOOSTS,
        "documents": count,
    }
    (directory / "recipe.json").write_text(json.dumps(recipe, indent=2))
    write_vocabulary(directory, words)
    return count


def _documents(conn: sqlite3.Connection) -> Iterator[tuple[dict[str, Any], set[str]]]:
    """One index document per code, with the words it adds to the spelling vocabulary.
    Every code is found by its code; codes that are not ranges or axes are found by words."""
    conn.row_factory = sqlite3.Row
    rows = conn.execute(
        "SELECT id, system, code, kind, short_title, long_title, billable, parent_id, status, "
        "added_date, terminated_date FROM codes ORDER BY id"
    ).fetchall()
    parents = {row["id"]: (row["parent_id"], code_key(row["code"])) for row in rows}
    order = {
        row["id"]: rank
        for rank, row in enumerate(sorted(rows, key=lambda r: (r["system"], r["code"])))
    }
    hcc_v28 = hcc_v28_code_ids(conn)
    terms = _terms_by_id(conn, rows)
    added = dict(
        conn.execute(
            "SELECT code_id, min(effective_date) FROM history WHERE event = 'added' "
            "GROUP BY code_id"
        ).fetchall()
    )
    for row in rows:
        key = code_key(row["code"])
        document: dict[str, Any] = {
            "id": row["id"],
            "system": row["system"],
            "code": key,
            "order": order[row["id"]],
            "within": list(_ancestor_codes(row["parent_id"], parents)),
            "billable": int(row["billable"]),
            "hcc_v28": int(row["id"] in hcc_v28),
            "active": int(row["status"] == "active"),
            "valid_from": day_number(row["added_date"] or added.get(row["id"]), -FOREVER),
            "valid_to": day_number(row["terminated_date"], FOREVER),
        }
        if row["kind"] not in NOT_LISTED_KINDS:
            document["code_prefix"] = [EVERY_CODE, *(key[:end] for end in range(1, len(key) + 1))]
        vocabulary: set[str] = set()
        if row["kind"] not in NOT_SEARCHED_KINDS:
            vocabulary = _add_words(document, row, terms.get(row["id"], ()))
        yield document, vocabulary


def _add_words(
    document: dict[str, Any], row: sqlite3.Row, terms: Iterable[tuple[str, str]]
) -> set[str]:
    """The text fields of a searchable code; returns its spelling-vocabulary words."""
    document["title"] = [row["long_title"]]
    # Short titles are abbreviations ("Inj naloxone hcl"): searched by word, not whole, and
    # not completed from ("diab" is a word there, yet someone typing it means "diabetes").
    if row["short_title"] and row["short_title"] != row["long_title"]:
        document["short"] = [row["short_title"]]
    exact, vocabulary = text_keys(row["long_title"], "title")
    exact, vocabulary = set(exact), set(vocabulary)
    for source, term in terms:
        document.setdefault(FIELD_OF_SOURCE.get(source, "index"), []).append(term)
        more, words = text_keys(term, source)
        exact |= more
        vocabulary |= words
    document["exact"] = sorted(exact)
    document["words"] = [
        text for field in TEXT_FIELDS if field != "short" for text in document.get(field, ())
    ]
    return vocabulary


def _ancestor_codes(
    parent_id: int | None, parents: dict[int, tuple[int | None, str]]
) -> Iterator[str]:
    while parent_id is not None:
        parent_id, key = parents[parent_id]
        yield key


def _terms_by_id(
    conn: sqlite3.Connection, rows: list[sqlite3.Row]
) -> dict[int, list[tuple[str, str]]]:
    """Official terms from the catalog plus the curated lay terms (`code` rows)."""
    terms: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for code_id, term, source in conn.execute("SELECT DISTINCT code_id, term, source FROM terms"):
        terms[code_id].append((source, term))
    _carry_drug_names(conn, terms, {row["id"]: row["status"] for row in rows})
    by_key: dict[str, list[int]] = defaultdict(list)
    system_of: dict[int, str] = {}
    for row in rows:
        if row["kind"] not in NOT_SEARCHED_KINDS:
            by_key[code_key(row["code"])].append(row["id"])
            system_of[row["id"]] = row["system"]
    keys = sorted(by_key)
    for term, targets in code_terms():
        for target in targets:
            for code_id in _ids_for(target, by_key, keys, system_of):
                terms[code_id].append(("lay", term))
    return terms


CARRIED_NAME_SOURCES = frozenset({"drug-table", "drug-table-brand"})


def _carry_drug_names(
    conn: sqlite3.Connection, terms: dict[int, list[tuple[str, str]]], status: dict[int, str]
) -> None:
    """The 2019 Table of Drugs names codes that may have ended since (Narcan -> J2310, ended
    2025): carry its names to the active codes for the same drug (J2312), as a search synonym."""
    pairs = conn.execute("SELECT code_id, similar_id FROM similar WHERE kind = 'same-drug'")
    for ended, active in pairs.fetchall():
        if status.get(ended) == "active" or status.get(active) != "active":
            continue
        carried = [(s, t) for s, t in terms.get(ended, ()) if s in CARRIED_NAME_SOURCES]
        terms[active].extend(carried)


def _ids_for(
    target: str, by_key: dict[str, list[int]], keys: list[str], system_of: dict[int, str]
) -> list[int]:
    """Codes a lay-term target names; a prefix (`J10*`) stays in the system of the code it
    is (ICD-10-CM category J10, influenza), not every code starting so (HCPCS J1000-J1099)."""
    key = code_key(target)
    if not target.endswith("*"):
        return by_key.get(key, [])
    systems = {system_of[code_id] for code_id in by_key.get(key, ())}
    start = bisect.bisect_left(keys, key)
    found: list[int] = []
    for candidate in keys[start : start + MAX_LAY_PREFIX_CODES]:
        if not candidate.startswith(key):
            break
        found.extend(i for i in by_key[candidate] if not systems or system_of[i] in systems)
    return found


def index_matches(catalog: Path) -> bool:
    """Whether the search index beside `catalog` was built from it (its recipe names the
    catalog's build id): false in the instant between the two renames of a build.

    Raises CatalogMissing when `catalog` itself is not a readable catalog.
    """
    try:
        conn = sqlite3.connect(f"file:{catalog}?mode=ro", uri=True)
        try:
            row = conn.execute("SELECT value FROM meta WHERE key = 'build_id'").fetchone()
        finally:
            conn.close()
    except sqlite3.Error as exc:
        raise CatalogMissing(f"{catalog} is not a readable medcodes catalog ({exc})") from exc
    try:
        recipe = json.loads((index_path(catalog) / "recipe.json").read_text())
    except (OSError, ValueError):
        return False
    return bool(row) and recipe.get("catalog_build_id") == row[0]


def open_index(catalog: Path, build_id: str) -> tuple[tantivy.Index, dict[str, Any]]:
    """Open the index beside `catalog`, refusing one built from a different catalog."""
    path = index_path(catalog)
    recipe_file = path / "recipe.json"
    if not recipe_file.is_file():
        raise CatalogMissing(f"no search index at {path}; run `medcodes build`")
    recipe = json.loads(recipe_file.read_text())
    if recipe.get("catalog_build_id") != build_id or recipe.get("analyzer") != ANALYZER_RECIPE:
        raise CatalogMissing(
            f"the search index at {path} was built from another catalog or recipe; "
            "run `medcodes build`"
        )
    index = tantivy.Index.open(str(path))
    register_analyzers(index)
    return index, recipe
