"""Autocomplete compatible with the NLM Clinical Table Search Service (CTSS) v3.

`GET /api/{table}/v3/search` answers `[total, codes, extra fields or null, display rows]` like
clinicaltables.nlm.nih.gov, so clients built for it (autocomplete-lhc) work unchanged. Unlike
CTSS, words match descriptions, drug and lay names without `sf`; `sf` is accepted and checked.
Tables hold current, billable codes of one system (CTSS's hcpcs table has no modifiers).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Query
from starlette.responses import Response

from medcodes.api import Code
from medcodes.errors import BadQuery
from medcodes.systems import System
from medcodes.web.deps import SiteDep
from medcodes.web.render import JSONOut
from medcodes.web.routes.api import ERRORS
from medcodes.web.searching import MAX_Q, run_search

router = APIRouter(prefix="/api", tags=["ctss"])
MAX_LIST = 500
MAX_WINDOW = 7500  # CTSS limit on offset + count


@dataclass(frozen=True, slots=True)
class Table:
    system: System
    display: str  # default df
    fields: dict[str, Callable[[Code], Any]]


TABLES = {
    "hcpcs": Table(
        System.HCPCS,
        "code,display",
        {
            "code": lambda c: c.code,
            "display": lambda c: c.long_title,
            "long_desc": lambda c: c.long_title,
            "short_desc": lambda c: c.short_title,
            "add_dt": lambda c: c.added_date,
            "term_dt": lambda c: c.terminated_date,
            "obsolete": lambda c: c.status != "active",
        },
    ),
    "icd10cm": Table(
        System.ICD10CM, "code,name", {"code": lambda c: c.code, "name": lambda c: c.long_title}
    ),
    "icd10pcs": Table(
        System.ICD10PCS,
        "code,name",
        {
            "code": lambda c: c.code,
            "name": lambda c: c.long_title,
            "short_name": lambda c: c.short_title,
        },
    ),
}
FieldList = Annotated[str | None, Query(max_length=200)]


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
    terms: str = params["terms"]
    count = params["count"]
    if count is None:
        max_list = params["maxList"]
        count = MAX_LIST if max_list == "" else int(max_list or 7)
    count = max(1, min(count, MAX_LIST))
    offset = params["offset"]
    if offset + count > MAX_WINDOW:
        raise BadQuery(f"offset + count must not exceed {MAX_WINDOW}")
    display = _fields(table, params["df"], table.display, "df")
    extra = _fields(table, params["ef"], "", "ef")
    code_field = params["cf"] or "code"
    _fields(table, f"{code_field},{params['sf'] or ''}", "", "cf or sf")  # checked, not used
    text = " ".join(part for part in (terms, params["q"]) if part)
    result = run_search(
        site, text, (table.system,), billable=True, limit=count, offset=offset, facets=False
    )
    codes = [site.codes.get(hit.code, hit.system) for hit in result.hits]
    values = table.fields
    answer = [
        result.total,
        [values[code_field](c) for c in codes],
        {alias: [values[name](c) for c in codes] for name, alias in extra} if extra else None,
        [[values[name](c) for name, _ in display] for c in codes],
    ]
    return JSONOut(answer)


def _route(name: str, table: Table) -> None:
    async def search(
        site: SiteDep,
        terms: Annotated[str, Query(max_length=MAX_Q, description="Words or a code.")],
        maxList: Annotated[  # noqa: N803 - CTSS's parameter name
            str | None, Query(pattern=r"^\d{0,3}$", description="Results (default 7, max 500)")
        ] = None,
        count: Annotated[int | None, Query(ge=1, le=MAX_LIST, description="Page size")] = None,
        offset: Annotated[int, Query(ge=0, le=MAX_WINDOW)] = 0,
        df: FieldList = None,
        sf: FieldList = None,
        ef: FieldList = None,
        cf: FieldList = None,
        q: Annotated[str | None, Query(max_length=MAX_Q, description="More words")] = None,
    ) -> Response:
        return _search(
            table,
            site,
            terms=terms,
            maxList=maxList,
            count=count,
            offset=offset,
            df=df,
            sf=sf,
            ef=ef,
            cf=cf,
            q=q,
        )

    fields = ", ".join(table.fields)
    router.add_api_route(
        f"/{name}/v3/search",
        search,
        methods=["GET"],
        name=f"ctss_{name}",
        summary=f"CTSS-compatible search of {table.system.value} (fields: {fields})",
        responses={200: {"description": "[total, codes, extra or null, display rows]"}, **ERRORS},
    )


for _name, _table in TABLES.items():
    _route(_name, _table)
