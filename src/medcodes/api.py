"""medcodes as a library: `Medcodes`, the one documented facade over a built catalog.

The command line, the website and the MCP server are thin interfaces over this class; every
answer is a frozen dataclass with `.to_dict()` and `.to_json()` (one serialiser, so the JSON
of `/api/v1/codes/J9039`, `medcodes show J9039 --json` and MCP `get_code` is the same).

    >>> from medcodes import Medcodes
    >>> with Medcodes() as mc:  # the catalog `medcodes build` wrote (or MEDCODES_CATALOG)
    ...     mc.search("blincyto").hits[0].code
    'J9039'

Interfaces import this module (and the small shared ones: `errors`, `settings`, `systems`,
`serial`), never `catalog`, `search`, `similar` or `explain` (the import-linter contract in
pyproject.toml): the types they need are re-exported here, those off the code view's path on
first use (LAZY_EXPORTS), so that `medcodes show` imports only what it shows.
"""

from __future__ import annotations

import gc
import sqlite3
import time
from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import date
from functools import cached_property
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING, Any

from medcodes.answers import (
    Branch,
    CodeHistory,
    CodePolicies,
    Manifest,
    Readiness,
    SimilarCodes,
    parse_day,
    parse_systems,
)
from medcodes.catalog.read import Catalog, Code, HistoryEvent, Release, SourceFile
from medcodes.code_ref import CodeRef, code_url, ref, resource_uri
from medcodes.errors import BadQuery
from medcodes.maintenance import Maintenance
from medcodes.settings import Settings
from medcodes.systems import parse_system

if TYPE_CHECKING:
    from medcodes.build import build, build_steps, step_count
    from medcodes.catalog.billing import BillingFacts, BillingSource, NdcPackage
    from medcodes.catalog.code_builder import CodeBuilder, PcsTablePlace, pcs_url
    from medcodes.catalog.coder_tables import Book, BookCode, BookSlice, BookTerm
    from medcodes.catalog.diff import Change, DiffLink, ReleaseDiff
    from medcodes.catalog.knowledge_read import CodeKnowledge, KnowledgeReader
    from medcodes.catalog.pcs_grid import (
        PcsAxis,
        PcsBuild,
        PcsGrid,
        PcsGridRow,
        PcsSelection,
        PcsTableName,
        PcsValue,
    )
    from medcodes.catalog.policies import PolicyCodes, PolicyLink
    from medcodes.catalog.seventh_builder import SeventhBuilder, SeventhChoice
    from medcodes.catalog.validity import Validation
    from medcodes.code_view import CodeView
    from medcodes.explain.knowledge_coverage import KnowledgeStats
    from medcodes.explain.model import Explanation
    from medcodes.explain.store import ExplainerStore
    from medcodes.search.engine import Searcher
    from medcodes.search.model import Hit, SearchResult
    from medcodes.similar import SimilarCode

# Names re-exported from the readers behind the facade, imported on first use: each method
# imports the readers it calls, so that `medcodes show` loads the code view's readers and not
# the explainer's, `medcodes explain` the reverse, and neither the search model, the coder's
# books or the PCS grid (their dataclasses and regular expressions are most of a command's
# start-up: bench/startup.py).
LAZY_EXPORTS: dict[str, tuple[str, ...]] = {
    "medcodes.build": ("build", "build_steps", "step_count"),
    "medcodes.catalog.billing": ("BillingFacts", "BillingSource", "NdcPackage"),
    "medcodes.catalog.code_builder": ("CodeBuilder", "PcsTablePlace", "pcs_url"),
    "medcodes.catalog.coder_tables": ("Book", "BookCode", "BookSlice", "BookTerm"),
    "medcodes.catalog.diff": ("Change", "DiffLink", "ReleaseDiff"),
    "medcodes.catalog.knowledge_read": ("CodeKnowledge",),
    "medcodes.catalog.pcs_grid": (
        "PcsAxis",
        "PcsBuild",
        "PcsGrid",
        "PcsGridRow",
        "PcsSelection",
        "PcsTableName",
        "PcsValue",
    ),
    "medcodes.catalog.policies": ("PolicyCodes", "PolicyLink"),
    "medcodes.catalog.seventh_builder": ("SeventhBuilder", "SeventhChoice"),
    "medcodes.catalog.validity": ("Validation",),
    "medcodes.code_view": ("CodeView",),
    "medcodes.explain.knowledge_coverage": ("KnowledgeStats",),
    "medcodes.explain.model": ("Explanation",),
    "medcodes.search.model": ("Hit", "SearchResult"),
    "medcodes.similar.rank": ("SimilarCode",),
}
LAZY_MODULE = {name: module for module, names in LAZY_EXPORTS.items() for name in names}


def __getattr__(name: str) -> Any:
    """`from medcodes.api import SearchResult` and the other LAZY_EXPORTS, on first use."""
    if name in LAZY_MODULE:
        return getattr(import_module(LAZY_MODULE[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "BillingFacts",
    "BillingSource",
    "Book",
    "BookCode",
    "BookSlice",
    "BookTerm",
    "Branch",
    "Change",
    "DiffLink",
    "ReleaseDiff",
    "build_ready",
    "open_for_serving",
    "Code",
    "CodeBuilder",
    "CodeHistory",
    "CodeKnowledge",
    "CodePolicies",
    "CodeRef",
    "CodeView",
    "Explanation",
    "HistoryEvent",
    "Hit",
    "KnowledgeStats",
    "Manifest",
    "Medcodes",
    "NdcPackage",
    "PcsAxis",
    "PcsBuild",
    "PcsGrid",
    "PcsGridRow",
    "PcsSelection",
    "PcsTableName",
    "PcsTablePlace",
    "PcsValue",
    "PolicyCodes",
    "PolicyLink",
    "Readiness",
    "Release",
    "SearchResult",
    "SeventhBuilder",
    "SeventhChoice",
    "SimilarCode",
    "SimilarCodes",
    "SourceFile",
    "Validation",
    "build",
    "build_steps",
    "code_url",
    "parse_day",
    "parse_systems",
    "pcs_url",
    "resource_uri",
    "step_count",
]


def build_ready(catalog: str | Path) -> bool:
    """Whether the catalog at `catalog` and the search index beside it are one finished build
    (false between the two renames of `medcodes build`); CatalogMissing if the file is not a
    readable catalog. What a server checks before switching to a replaced catalog."""
    from medcodes.search.index import index_matches

    return index_matches(Path(catalog))


def open_for_serving(path: str | Path | None = None) -> Medcodes:
    """The catalog opened for a long-running server (the web app; the MCP server over stdio):
    its search index loaded and warmed now, then what loading made frozen out of the garbage
    collector's way (gc.freeze): ~220,000 long-lived objects that a full collection otherwise
    walked in the middle of some request, 50-350 ms each time (bench/fuzz.py). A replaced
    build is still freed when dropped: closed, it holds no reference cycle (Searcher.close),
    so reference counting frees it (tests/web/test_live.py swaps 24 builds)."""
    codes = Medcodes(path, preload=True)
    gc.freeze()
    return codes


MAX_CODE_CHARS = 40  # no code is longer; longer input is a mistake, not a code
MAX_VALIDATE = 1000  # codes per validate() call
MAX_OFFSET = 1_000_000  # past every code there is: a deeper page is a mistake
# One search of each path the engine has (words, a code, a code prefix, a typo): a server runs
# them before it listens, so its first users do not pay for loading the index.
WARMUP_QUERIES = ("diabetes", "E11.9", "0DT", "J9039", "pnuemonia")


class Medcodes(Maintenance):
    """A built catalog, opened read-only: search, look up, explain and validate codes.

    `path` defaults as on the command line: MEDCODES_CATALOG, else the per-user data dir;
    a missing or foreign file raises CatalogMissing saying how to build one. `explainers`
    is the generated-explainer store (default: beside the catalog; absent is fine).
    `preload=True` opens the search index and warms it now (servers: see `warm()`) rather than
    on the first search.
    Close it, or use it as a context manager.

    >>> mc = Medcodes()
    >>> mc.code("e119").title
    'Type 2 diabetes mellitus without complications'
    >>> mc.close()
    """

    def __init__(
        self,
        path: str | Path | None = None,
        *,
        explainers: str | Path | None = None,
        preload: bool = False,
    ) -> None:
        settings = Settings(catalog=Path(path) if path else None)  # argument > env > default
        self.path = Path(settings.catalog)  # type: ignore[arg-type]
        self._catalog = Catalog(self.path)
        self._explainers_given = Path(explainers) if explainers else None
        self._warmup_ms: float | None = None
        if preload:
            self.warm()

    def __enter__(self) -> Medcodes:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Medcodes({str(self.path)!r})"

    def close(self) -> None:
        self._catalog.close()
        if self.__dict__.get("_explainers"):
            self._explainers.close()
        if "_searcher" in self.__dict__:
            self._searcher.close()

    @cached_property
    def _searcher(self) -> Searcher:
        from medcodes.search.engine import Searcher

        return Searcher(self._catalog)

    def warm(self) -> float:
        """Open the search index and run one search of each kind (words, a code, a code
        prefix, a typo) so that none of the first real searches pays for loading; returns the
        milliseconds it took (also in `readiness()`)."""
        started = time.perf_counter()
        for text in WARMUP_QUERIES:
            self.search(text)
        self._warmup_ms = round((time.perf_counter() - started) * 1000, 1)
        return self._warmup_ms

    def readiness(self) -> Readiness:
        """Whether this catalog can answer now: its file answers a query (checked on every
        call) and its search index is warm (`warm()` has run).

        >>> mc.warm() > 0
        True
        >>> mc.readiness().ready
        True
        """
        try:
            build_id = self._catalog.meta().get("build_id", "")
            catalog_open = True
        except sqlite3.Error:  # closed, or the file became unreadable
            build_id, catalog_open = "", False
        index_warm = self._warmup_ms is not None
        return Readiness(
            ready=catalog_open and index_warm,
            build_id=build_id,
            catalog_open=catalog_open,
            index_warm=index_warm,
            warmup_ms=self._warmup_ms,
        )

    @cached_property
    def _explainers(self) -> ExplainerStore | None:
        """Generated, verified explainers (`medcodes explain generate`), when a store exists."""
        from medcodes.explain.store import ExplainerStore

        path = self._store_path
        return ExplainerStore(path, read_only=True) if path.is_file() else None

    @cached_property
    def _store_path(self) -> Path:
        """The explainer store's file: as given, else beside the catalog."""
        from medcodes.explain.store import default_store_path

        return self._explainers_given or default_store_path(self.path)

    def _explanation(self, found: Code) -> Explanation:
        from medcodes.explain.explainer import explain_code

        return explain_code(self._catalog, found, self._explainers)

    @cached_property
    def manifest(self) -> Manifest:
        """The catalog's build id, releases and source files (with sha256).

        >>> [(r.system, r.release) for r in mc.manifest.current][:2]
        [('HCPCS', '2026-01'), ('HCPCS-MOD', '2026-01')]
        """
        meta = self._catalog.meta()
        return Manifest(
            path=str(self.path),
            build_id=meta.get("build_id", ""),
            built_at=meta.get("built_at", ""),
            meta=meta,
            releases=self._catalog.releases(),
            sources=self._catalog.sources(),
        )

    # --- finding codes -----------------------------------------------------------------------
    def search(
        self,
        text: str,
        *,
        systems: str | Iterable[str] | None = (),
        billable_only: bool = False,
        include_terminated: bool = False,
        active_on: date | str | None = None,
        within: str | None = None,
        limit: int = 10,
        offset: int = 0,
        facets: bool = False,
        prefix: str = "last",
        every_word: bool = False,
        exact_codes_always: bool = True,
        match: str = "both",
        code_prefix: str | None = None,
        hcc_v28: bool = False,
        explain: bool = True,
    ) -> SearchResult:
        """Codes for words, brand or lay names, typos or a code, best first; each hit says
        which rule matched. `systems`: names in any spelling (`"hcpcs,icd10cm"` or a list).
        Exact code matches are always shown (labelled), whatever the filters, unless
        `exact_codes_always=False`. An NDC in any written form finds its HCPCS code with the
        package (`hit.ndc`); `hcc_v28` keeps codes that map to a CMS-HCC V28 category. The
        word being typed (`prefix="last"`: the last one unless a space follows; `"all"`: every
        word, as NLM's CTSS; `"none"`) matches as the start of a word; `every_word` never
        falls back to some of the words; `match` searches codes and words, `"code"` or
        `"words"` only; `code_prefix` keeps codes starting so; `explain=False` leaves the field and
        text each hit matched on unset (`matched` names the rule only), for answers that do
        not show them. Pages are windows on one order: `offset` may be anything, `limit` at
        most 1000.

        >>> hit = mc.search("blincyto").hits[0]
        >>> hit.code, hit.matched.rule, hit.matched.text
        ('J9039', 'exact synonym', 'Blincyto')
        >>> [h.code for h in mc.search("heart attack", systems="ICD10CM", limit=2).hits]
        ['I21', 'I21.9']
        >>> mc.search("blinat").hits[0].code, mc.search("blinat").hits[0].matched.rule
        ('J9039', 'completed name')
        """
        from medcodes.search.model import MAX_LIMIT, SearchQuery

        if not 1 <= limit <= MAX_LIMIT or not 0 <= offset <= MAX_OFFSET:
            raise BadQuery(f"limit must be 1..{MAX_LIMIT} and offset 0..{MAX_OFFSET}")
        return self._searcher.search(
            SearchQuery(
                text=text if isinstance(text, str) else "",
                systems=parse_systems(systems),
                billable_only=billable_only,
                include_terminated=include_terminated,
                active_on=parse_day(active_on),
                within=within,
                limit=limit,
                offset=offset,
                facets=facets,
                prefix=prefix,
                every_word=every_word,
                exact_codes_always=exact_codes_always,
                match=match,
                code_prefix=code_prefix,
                hcc_v28=hcc_v28,
                explain=explain,
            )
        )

    def listing(
        self,
        systems: str | Iterable[str] | None = (),
        *,
        include_terminated: bool = False,
        limit: int = 10,
        offset: int = 0,
    ) -> SearchResult:
        """Every code of `systems` in official order (a value set expanded without a text
        filter), one page of it, with the exact total.

        >>> listed = mc.listing("ICD10CM", limit=2)
        >>> [h.code for h in listed.hits], listed.total > 70_000
        (['A00', 'A00.0'], True)
        """
        from medcodes.search.model import MAX_LIMIT, SearchQuery

        if not 1 <= limit <= MAX_LIMIT or not 0 <= offset <= MAX_OFFSET:
            raise BadQuery(f"limit must be 1..{MAX_LIMIT} and offset 0..{MAX_OFFSET}")
        query = SearchQuery(
            "",
            systems=parse_systems(systems),
            include_terminated=include_terminated,
            limit=limit,
            offset=offset,
        )
        return self._searcher.listing(query)

    def get(self, code: str, system: str | None = None) -> Code:
        """The catalog record of one code typed in any form (`e119`, ` E11.9 `): quick, no
        blocks. UnknownCode carries close real codes; where a code exists in two systems
        (`A0100`) and none is given, the active one wins.

        >>> mc.get("e119").code, mc.get("A0100", "ICD10CM").code
        ('E11.9', 'A01.00')
        """
        if not isinstance(code, str) or not code.strip():
            raise BadQuery("give a code, e.g. J9039, E11.9 or 0DTJ4ZZ")
        if len(code.strip()) > MAX_CODE_CHARS:
            raise BadQuery(f"not a code: longer than {MAX_CODE_CHARS} characters")
        return self._catalog.get(code, parse_system(system) if system else None)

    def code(self, code: str, system: str | None = None, *, explanation: bool = True) -> CodeView:
        """The code view: everything known about one code, as every interface shows it
        (descriptors, status and dates, names, decoded fields, notes, hierarchy, history,
        explanation, policies, similar codes, billing facts, the source files cited).
        `explanation=False` leaves the explanation out (None), for a caller that does not show
        it (`medcodes show`'s text): the costliest block, its writers and their imports.

        >>> view = mc.code("J9039")
        >>> view.status_text, view.brand_names
        ('active', ['Blincyto'])
        >>> view.billing.payment.amount, view.billing.unit_limit.units
        ('164.253', 210)
        >>> view.to_dict()["fields"][0]
        {'name': 'PRICE1', 'label': 'Pricing indicator', 'value': '51', 'meaning': 'Drugs'}
        """
        from medcodes.catalog.billing import billing_facts
        from medcodes.catalog.code_builder import code_builder
        from medcodes.catalog.diff import history_links
        from medcodes.catalog.policies import policies_for
        from medcodes.code_view import VIEW_CHILDREN, build_code_view
        from medcodes.similar import similar_codes

        found = self.get(code, system)
        also = [other for other in self._catalog.lookup(code) if other.system != found.system]
        details = self._catalog.details(found, children_limit=VIEW_CHILDREN)
        return build_code_view(
            details,
            also,
            self._sources_by_name,
            explanation=self._explanation(found) if explanation else None,
            policies=policies_for(self._catalog, found),
            similar=similar_codes(self._catalog, found),
            history_diffs=history_links(self._catalog, found.system, details.history),
            billing=billing_facts(self._catalog, found),
            builder=code_builder(self._catalog, found, details.seventh_characters),
            knowledge=self._knowledge.code_knowledge(found) if self._knowledge.present else None,
        )

    @cached_property
    def _knowledge(self) -> KnowledgeReader:
        from medcodes.catalog.knowledge_read import KnowledgeReader

        return KnowledgeReader(self._catalog)

    def knowledge_stats(self) -> KnowledgeStats:
        """Links from plain-language documents to codes per kind and source, and per code
        system the share of billable codes with at least one section quoted from a source.

        >>> stats = mc.knowledge_stats()
        >>> next(c.system for c in stats.coverage if c.with_section)
        'ICD10CM'
        """
        from medcodes.explain.knowledge_coverage import knowledge_stats

        return knowledge_stats(self._catalog)

    @cached_property
    def _sources_by_name(self) -> dict[str, SourceFile]:
        return {source.name: source for source in self.manifest.sources}

    def descriptor_sources(self, codes: Iterable[tuple[str, str]]) -> list[SourceFile]:
        """The official files the descriptors of these (system, code) pairs come from, each
        once: what to cite beside a list of codes.

        >>> [s.file for s in mc.descriptor_sources([("HCPCS", "J9039"), ("HCPCS", "C9449")])]
        ['hcpcs/2026-jul/HCPC2026_JUL_ANWEB_06172026.xlsx']
        """
        names = self._catalog.title_sources(codes)
        return [self._sources_by_name[name] for name in names if name in self._sources_by_name]

    # --- about one code ----------------------------------------------------------------------
    def explain(
        self, code: str, system: str | None = None, sections: Sequence[str] | None = None
    ) -> Explanation:
        """Plain-language sections of one code, each with its provenance (official data
        restated, or generated text that passed the verifier); the rest "not yet written".
        `sections`: only these keys (BadQuery names the keys when one is unknown).

        >>> first = mc.explain("J9039").sections[0]
        >>> first.title, first.provenance.writer
        ('Summary', 'rules')
        >>> [s.key for s in mc.explain("E11.9", sections=["treatment", "summary"]).sections]
        ['summary', 'treatment']
        """
        explanation = self._explanation(self.get(code, system))
        if sections is None:
            return explanation
        known = [section.key for section in explanation.sections]
        unknown = [key for key in sections if key not in known]
        if unknown:
            raise BadQuery(
                f"unknown section {str(unknown[0])[:40]!r} for {explanation.code}; "
                f"sections are {', '.join(known)}"
            )
        return replace(explanation, sections=[s for s in explanation.sections if s.key in sections])

    def policies(self, code: str, system: str | None = None) -> CodePolicies:
        """Medicare coverage documents (LCDs, articles) and health-plan policies that concern
        the code, each once with its strongest reason.

        >>> [link.why for link in mc.policies("J9039").policies][:1]
        ['code listed']
        """
        from medcodes.catalog.policies import policies_for

        found = self.get(code, system)
        links = policies_for(self._catalog, found)
        used = dict.fromkeys(link.policy.source for link in links)
        cited = [self._sources_by_name[name] for name in used if name in self._sources_by_name]
        return CodePolicies(ref(found), links, cited)

    def similar(self, code: str, system: str | None = None, limit: int = 12) -> SimilarCodes:
        """Codes similar to this one, each with why: predecessors, the same drug in other
        units, listed together in a policy, similar meaning, siblings.

        >>> next(s.code for s in mc.similar("J9039").similar if s.kind == "history")
        'C9449'
        """
        from medcodes.similar import similar_codes

        if not 1 <= limit <= 50:
            raise BadQuery("limit must be 1..50")
        found = self.get(code, system)
        return SimilarCodes(ref(found), similar_codes(self._catalog, found, limit))

    def history(self, code: str, system: str | None = None) -> CodeHistory:
        """What happened to the code in each release (added, revised, terminated, ...).

        >>> [(e.event, e.effective_date) for e in mc.history("C9449").events]
        [('added', '2015-04-01'), ('terminated', '2015-12-31')]
        """
        found = self.get(code, system)
        return CodeHistory(ref(found), self._catalog.history(found))

    def validate(
        self,
        codes: Sequence[str] | str,
        on: date | str | None = None,
        system: str | None = None,
    ) -> list[Validation]:
        """For each code as typed: known or not (with close real codes), written in its
        official form, billable, and in force on day `on` (default: today), by its effective
        and termination dates.

        >>> [(v.verdict, v.code) for v in mc.validate(["E11.9", "E119"], on="2026-07-01")]
        [('valid', 'E11.9'), ('not canonical', 'E11.9')]
        >>> mc.validate(["C9449"], on="2026-07-01")[0].message
        'C9449 ended on 2015-12-31'
        """
        from medcodes.catalog.validity import validate_code

        items = [codes] if isinstance(codes, str) else list(codes)
        if not items or len(items) > MAX_VALIDATE:
            raise BadQuery(f"give 1 to {MAX_VALIDATE} codes")
        if not all(isinstance(item, str) for item in items):
            raise BadQuery("codes must be text, e.g. ['E11.9', 'J9039']")
        day = parse_day(on) or date.today()
        chosen = parse_system(system).value if system else None
        return [validate_code(self._catalog, item[:200], day, chosen) for item in items]

    # --- browsing and releases ---------------------------------------------------------------
    def browse(
        self, system: str, node: str | None = None, *, limit: int = 200, offset: int = 0
    ) -> Branch:
        """The top of a system's tree (chapters, sections, groups), or one node and a page of
        its children, in official order.

        >>> [c.code for c in mc.browse("ICD10CM", "E11").items][:2]
        ['E11.0', 'E11.1']
        """
        chosen = parse_system(system)
        if node is None:
            roots = self._catalog.roots(chosen)
            return Branch(
                chosen, None, [], [ref(c) for c in roots[offset : offset + limit]], len(roots)
            )
        found = self.get(node, chosen)
        return Branch(
            chosen,
            ref(found),
            [ref(c) for c in self._catalog.ancestors(found)],
            [ref(c) for c in self._catalog.children(found, limit=limit, offset=offset)],
            self._catalog.count_children(found),
        )

    def subtree(
        self, prefix: str = "", systems: str | Iterable[str] | None = (), limit: int = 50
    ) -> tuple[list[CodeRef], int]:
        """Codes whose lookup form starts with `prefix`, in official order, and their total."""
        codes, total = self._catalog.subtree(prefix, parse_systems(systems), limit)
        return [ref(c) for c in codes], total

    def releases(self, system: str | None = None) -> list[Release]:
        """Every release held, oldest first per system."""
        return self._catalog.releases(parse_system(system) if system else None)

    def release_changes(self, system: str, release: str) -> dict[str, list[CodeRef]]:
        """What one release added, revised and terminated, in official order.

        >>> len(mc.release_changes("ICD10CM", "FY2027")["added"])
        238
        """
        chosen = parse_system(system)
        known = [r.release for r in self._catalog.releases(chosen)]
        if release not in known:
            raise BadQuery(
                f"no {chosen} release {release[:20]!r} in this catalog; known: {', '.join(known)}"
            )
        changes = self._catalog.release_changes(chosen, release)
        return {event: [ref(c) for c in codes] for event, codes in changes.items()}

    def diff(self, before: str, after: str, system: str | None = None) -> list[ReleaseDiff]:
        """Codes added, ended and re-described from release `before` to `after`, for `system`
        or for every system holding both releases; `after` may be the older one.

        >>> [(d.system, d.counts["added"]) for d in mc.diff("2026-01", "2026-07")]
        [('HCPCS', 102), ('HCPCS-MOD', 1)]
        """
        from medcodes.catalog.diff import diff_releases

        return diff_releases(
            self._catalog, before[:20], after[:20], parse_system(system) if system else None
        )

    def diffs(self, system: str) -> list[ReleaseDiff]:
        """Each release of `system` against the one before it, newest first."""
        from medcodes.catalog.diff import consecutive_diffs

        return consecutive_diffs(self._catalog, parse_system(system))

    # --- the coder's books and the ICD-10-PCS tables (issue 16) ------------------------------
    def book(self, name: str) -> Book:
        """One of the books coders look codes up in: `index` (the Alphabetic Index, derived
        from FY2025), `drugs` (Table of Drugs and Chemicals), `neoplasms`, `external` (External
        Cause Index); with its code columns, source file and letter sections.

        >>> drugs = mc.book("drugs")
        >>> drugs.main_terms, drugs.columns[1], drugs.source.release
        (5177, 'Poisoning Intentional self-harm', 'FY2025')
        """
        from medcodes.catalog import coder_tables

        if name not in self._books:
            self._books[name] = coder_tables.book(self._catalog, name)
        return self._books[name]

    @cached_property
    def _books(self) -> dict[str, Book]:
        return {}

    def book_headings(
        self,
        name: str,
        *,
        q: str = "",
        letter: str = "",
        under: int | None = None,
        limit: int = 100,
        offset: int = 0,
    ) -> BookSlice:
        """A page of a book's headings, each with its codes as printed and what the catalog
        knows of them: those under heading number `under`; else those a filter `q` matches
        (every word starts a word of the heading or of one above it); else the main terms of
        a letter, the first by default (all the rows of a letter, for a table).

        >>> row = mc.book_headings("drugs", q="acetaminophen").terms[0]
        >>> row.title, [c.printed for c in row.codes][:2], row.codes[1].needs_more
        ('Acetaminophen', ['T39.1X1', 'T39.1X2'], True)
        """
        from medcodes.catalog import coder_tables

        if not 1 <= limit <= 500 or not 0 <= offset <= 1_000_000:
            raise BadQuery("limit must be 1..500 and offset 0..1000000")
        book = self.book(name)
        if under is not None:
            return coder_tables.subtree(self._catalog, book, under, limit, offset)
        if q.strip():
            return coder_tables.filtered(self._catalog, book, q[:200], limit, offset)
        chosen = letter.strip().upper() or (book.letters[0] if book.letters else "")
        return coder_tables.by_letter(self._catalog, book, chosen, limit, offset)

    def pcs_table(self, table: str, code: str = "") -> PcsBuild:
        """An ICD-10-PCS table as the official grid (its rows, each value with its official
        definition) and the state of building a code in it: the valid part of `code`, the
        rows that allow it, the values valid next, the finished code.

        >>> built = mc.pcs_table("0DT", "0DTJ4")
        >>> built.selection.next_position, sorted(built.selection.offered)
        (6, ['Z'])
        >>> mc.pcs_table("0DT", "0DTJ4ZZ").finished.long_title
        'Resection of Appendix, Percutaneous Endoscopic Approach'
        """
        from medcodes.catalog import pcs_grid

        return pcs_grid.build_in(self._catalog, table[:20], code[:20])

    def pcs_tables(self) -> list[PcsTableName]:
        """Every ICD-10-PCS table in order, named by its section, body system and operation.

        >>> [t.operation for t in mc.pcs_tables() if t.table.startswith("0D")][:2]
        ['Bypass', 'Change']
        """
        from medcodes.catalog import pcs_grid

        return pcs_grid.table_list(self._catalog)

    def policy(self, policy_id: str, *, limit: int = 500, offset: int = 0) -> PolicyCodes:
        """A policy (`L33394`, `A52370`, `FEP-5.21.51`) and the codes it concerns."""
        from medcodes.catalog.policies import policy_codes

        return policy_codes(self._catalog, policy_id, limit, offset)
