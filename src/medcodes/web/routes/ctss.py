"""Autocomplete compatible with the NLM Clinical Table Search Service (CTSS) v3.

`GET /api/{table}/v3/search` answers `[total, codes, extra fields or null, display rows]` like
clinicaltables.nlm.nih.gov, so clients built for it (autocomplete-lhc) work unchanged:
- `terms`: every word is the start of a word (or code) and all are required, as NLM does;
- `maxList` (default 7, at most 500), or `count` + `offset` for pages (offset + count at most
  7,500); pages are windows on one order, and `total` does not depend on them;
- `df` display fields, `ef` extra fields (`field:alias`), `cf` the code field, `sf` the fields
  searched (the code, the names, or both), `q` more conditions: words, `name:word` or
  `code:E11*` (codes starting so).
Unlike CTSS, words match descriptions, drug and lay names without `sf`. Tables hold current,
billable codes of one system (CTSS's hcpcs table has no modifiers).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from starlette.responses import Response

from medcodes.api import Code, Hit
from medcodes.errors import BadQuery
from medcodes.systems import System, code_key
from medcodes.web.deps import SiteDep
from medcodes.web.render import JSONOut
from medcodes.web.routes.api import ERRORS
from medcodes.web.searching import MAX_Q, run_search
from medcodes.web.site import Site

router = APIRouter(prefix="/api", tags=["ctss"])
MAX_LIST = 500
DEFAULT_LIST = 7
MAX_WINDOW = 7500  # CTSS limit on offset + count


class Row:
    """One answer row: the search hit, and the catalog record only if a field needs it
    (most requests ask for code and name, which the hit has)."""

    __slots__ = ("_record", "hit", "site")

    def __init__(self, site: Site, hit: Hit) -> None:
        self.site, self.hit = site, hit
        self._record: Code | None = None

    @property
    def record(self) -> Code:
        if self._record is None:
            self._record = self.site.codes.get(self.hit.code, self.hit.system)
        return self._record


@dataclass(frozen=True, slots=True)
class Table:
    system: System
    display: str  # default df
    fields: dict[str, Callable[[Row], Any]]


TABLES = {
    "hcpcs": Table(
        System.HCPCS,
        "code,display",
        {
            "code": lambda r: r.hit.code,
            "display": lambda r: r.hit.title,
            "long_desc": lambda r: r.hit.title,
            "short_desc": lambda r: r.record.short_title,
            "add_dt": lambda r: r.record.added_date,
            "term_dt": lambda r: r.record.terminated_date,
            "obsolete": lambda r: r.hit.status != "active",
        },
    ),
    "icd10cm": Table(
        System.ICD10CM,
        "code,name",
        {"code": lambda r: r.hit.code, "name": lambda r: r.hit.title},
    ),
    "icd10pcs": Table(
        System.ICD10PCS,
        "code,name",
        {
            "code": lambda r: r.hit.code,
            "name": lambda r: r.hit.title,
            "short_name": lambda r: r.record.short_title,
        },
    ),
}


def _fields(table: Table, text: str | None, default: str, parameter: str) -> list[tuple[str, str]]:
    """(field, alias) pairs from `a,b:alias`; an unknown field is a BadQuery naming valid ones."""
    pairs = []
    for item in (text if text is not None else default).split(","):
        if not item.strip():
            continue
        name, _, alias = item.strip().partition(":")
        if name not in table.fields:
            valid = ", ".join(table.fields)
            raise BadQuery(f"{parameter}: unknown field {name!r}; fields are {valid}")
        pairs.append((name, alias or name))
    return pairs


def _search(table: Table, site: SiteDep, **params: Any) -> Response:
    count = _page_size(params["count"], params["maxList"])
    offset = params["offset"]
    if offset + count > MAX_WINDOW:
        raise BadQuery(f"offset + count must not exceed {MAX_WINDOW}")
    display = _fields(table, params["df"], table.display, "df")
    extra = _fields(table, params["ef"], "", "ef")
    code_field = _code_field(table, params["cf"])
    words, code_prefix = _conditions(table, params["q"], code_field)
    text = " ".join(part for part in (params["terms"], *words) if part and part.strip())
    result = run_search(
        site,
        text,
        (table.system,),
        billable_only=True,
        limit=count,
        offset=offset,
        facets=False,
        prefix="all",
        every_word=True,
        exact_codes_always=False,
        match=_match(table, params["sf"], code_field),
        code_prefix=code_prefix,
        explain=False,  # a CTSS row has no place for what matched
    )
    codes = [Row(site, hit) for hit in result.hits]
    values = table.fields
    answer = [
        result.total,
        [values[code_field](c) for c in codes],
        {alias: [values[name](c) for c in codes] for name, alias in extra} if extra else None,
        [[values[name](c) for name, _ in display] for c in codes],
    ]
    return JSONOut(answer)


def _page_size(count: int | None, max_list: str | None) -> int:
    """`count`, else `maxList` (default 7; given empty: 500), at most 500."""
    if count is None:
        count = MAX_LIST if max_list == "" else int(max_list or DEFAULT_LIST)
    return max(1, min(count, MAX_LIST))


def _code_field(table: Table, text: str | None) -> str:
    """The one field whose values are the codes (default `code`)."""
    name = (text or "").strip() or "code"
    if "," in name or name not in table.fields:
        valid = ", ".join(table.fields)
        raise BadQuery(f"cf: one field name is expected, not {name[:60]!r}; fields are {valid}")
    return name


def _match(table: Table, text: str | None, code_field: str) -> str:
    """What `sf` searches: the code field only, names only, or both (the default)."""
    searched = {name for name, _ in _fields(table, text, "", "sf")}
    if not searched or (code_field in searched and len(searched) > 1):
        return "both"
    return "code" if searched == {code_field} else "words"


def _conditions(table: Table, text: str | None, code_field: str) -> tuple[list[str], str | None]:
    """`q`: words every code must also match, and a code prefix (`code:E11*`). Terms are
    joined by AND (written or not); a field is one of the table's."""
    words: list[str] = []
    code_prefix = None
    for token in (text or "").split():
        name, colon, value = token.partition(":")
        if not colon:
            if token.upper() in ("OR", "NOT"):
                raise BadQuery("q: only AND is supported between conditions")
            if token.upper() != "AND":
                words.append(token)
            continue
        if name not in table.fields:
            raise BadQuery(f"q: unknown field {name[:60]!r}; fields are {', '.join(table.fields)}")
        if name == code_field:
            prefix = value.rstrip("*")
            if code_prefix or not prefix or not code_key(prefix) or "*" in prefix:
                raise BadQuery("q: one code condition, a code or its start: code:E11*")
            code_prefix = prefix
        else:
            words.append(value)
    return words, code_prefix


class SearchParams(BaseModel):
    """The query string of a CTSS search, validated in one step: FastAPI's per-parameter
    dependency solving cost more than the search itself on an autocomplete keystroke."""

    model_config = ConfigDict(extra="ignore")
    terms: str = Field(max_length=MAX_Q, description="Starts of words or a code (all required).")
    maxList: str | None = Field(  # noqa: N815 - CTSS's parameter name
        None, pattern=r"^\d{0,3}$", description="Results (default 7, max 500; empty: 500)"
    )
    count: int | None = Field(None, ge=1, le=MAX_LIST, description="Page size")
    offset: int = Field(0, ge=0, le=MAX_WINDOW, description="First result (0-based)")
    df: str | None = Field(None, max_length=200, description="Display fields")
    sf: str | None = Field(None, max_length=200, description="Fields searched")
    ef: str | None = Field(None, max_length=200, description="Extra fields (field:alias)")
    cf: str | None = Field(None, max_length=200, description="The code field")
    q: str | None = Field(
        None, max_length=MAX_Q, description="More conditions: words, name:word, code:E11*"
    )

    @classmethod
    def parse(cls, request: Request) -> SearchParams:
        try:
            return cls.model_validate(dict(request.query_params))
        except ValidationError as exc:
            raise RequestValidationError(
                [{**error, "loc": ("query", *error["loc"])} for error in exc.errors()]
            ) from exc

    @classmethod
    def documented(cls) -> list[dict[str, Any]]:
        """The parameters as OpenAPI declares them (for /docs, clients and schemathesis)."""
        schema = cls.model_json_schema()
        required = set(schema.get("required", ()))
        return [
            {
                "name": name,
                "in": "query",
                "required": name in required,
                "description": spec.get("description", ""),
                "schema": {k: v for k, v in spec.items() if k not in ("title", "description")},
            }
            for name, spec in schema["properties"].items()
        ]


def _route(name: str, table: Table) -> None:
    async def search(site: SiteDep, request: Request) -> Response:
        return _search(table, site, **SearchParams.parse(request).model_dump())

    fields = ", ".join(table.fields)
    router.add_api_route(
        f"/{name}/v3/search",
        search,
        methods=["GET"],
        name=f"ctss_{name}",
        summary=f"CTSS-compatible search of {table.system.value} (fields: {fields})",
        responses={200: {"description": "[total, codes, extra or null, display rows]"}, **ERRORS},
        openapi_extra={"parameters": SearchParams.documented()},
    )


for _name, _table in TABLES.items():
    _route(_name, _table)
