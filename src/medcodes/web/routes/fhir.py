"""FHIR R4 terminology operations: CodeSystem `$lookup` and `$validate-code`, ValueSet `$expand`
(implicit value sets `<system-uri>?fhir_vs`), and `metadata`. GET with query parameters or POST
with a `Parameters` resource; answers are `Parameters`, `ValueSet` or `OperationOutcome`."""

from __future__ import annotations

from functools import lru_cache
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Query
from pydantic import BaseModel, ConfigDict, Field
from starlette.responses import Response

from medcodes import __version__
from medcodes.api import CodeView
from medcodes.errors import BadQuery, UnknownCode
from medcodes.systems import FHIR_SYSTEMS, System
from medcodes.web.codes import code_view
from medcodes.web.deps import SiteDep
from medcodes.web.render import FHIROut
from medcodes.web.searching import MAX_Q, run_search
from medcodes.web.site import Site

router = APIRouter(prefix="/fhir", tags=["fhir"], default_response_class=FHIROut)
SYSTEMS_OF_URI: dict[str, tuple[System, ...]] = {}
for _system, _uri in FHIR_SYSTEMS.items():
    SYSTEMS_OF_URI.setdefault(_uri, ())
    SYSTEMS_OF_URI[_uri] += (System(_system),)
MAX_COUNT = 1000
FHIR_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"description": "OperationOutcome", "content": {"application/fhir+json": {}}}
    for status in (400, 404, 422)
}
Text = Annotated[str | None, Query(max_length=MAX_Q)]
Uri = Annotated[str | None, Query(max_length=200, description="Code system canonical URI")]


class Coding(BaseModel):
    system: str | None = Field(None, max_length=200)
    version: str | None = Field(None, max_length=40)
    code: str | None = Field(None, max_length=MAX_Q)
    display: str | None = Field(None, max_length=MAX_Q)


class ParameterIn(BaseModel):
    model_config = ConfigDict(extra="allow")
    name: str = Field(max_length=100)
    valueString: str | None = Field(None, max_length=MAX_Q)  # noqa: N815 - FHIR names
    valueCode: str | None = Field(None, max_length=MAX_Q)  # noqa: N815
    valueUri: str | None = Field(None, max_length=200)  # noqa: N815
    valueInteger: int | None = Field(None, ge=0, le=100_000)  # noqa: N815
    valueBoolean: bool | None = None  # noqa: N815
    valueCoding: Coding | None = None  # noqa: N815


class ParametersIn(BaseModel):
    """A FHIR `Parameters` resource: the body of POST operations."""

    resourceType: Literal["Parameters"]  # noqa: N815
    parameter: list[ParameterIn] = Field(default_factory=list, max_length=50)

    def values(self) -> dict[str, Any]:
        found: dict[str, Any] = {}
        for item in self.parameter:
            if item.valueCoding is not None:
                found.update(item.valueCoding.model_dump(exclude_none=True))
                continue
            value = next(
                (
                    v
                    for v in (
                        item.valueString,
                        item.valueCode,
                        item.valueUri,
                        item.valueInteger,
                        item.valueBoolean,
                    )
                    if v is not None
                ),
                None,
            )
            found.setdefault(item.name, value)
        return found


FhirBody = Annotated[ParametersIn, Body(media_type="application/fhir+json")]


def _systems(uri: str | None) -> tuple[System, ...]:
    if not uri:
        raise BadQuery("missing parameter 'system' (a code system URI)")
    systems = SYSTEMS_OF_URI.get(uri.split("?", 1)[0])
    if systems is None:
        known = ", ".join(sorted(SYSTEMS_OF_URI))
        raise BadQuery(f"unknown code system {uri[:200]!r}; this server knows {known}")
    return systems


def _find(site: Site, systems: tuple[System, ...], code: str | None, version: Any) -> CodeView:
    """The code's page in the first of `systems` that has it, valid in `version` if given."""
    if not code:
        raise BadQuery("missing parameter 'code'")
    missing: UnknownCode | None = None
    for system in systems:
        try:
            page = code_view(site, code.strip(), system.value)
        except UnknownCode as exc:
            missing = missing or exc
            continue
        if version and not _valid_in(site, page, str(version)):
            raise UnknownCode(f"{page.code} in version {str(version)[:20]}")
        return page
    assert missing is not None
    raise missing


def _valid_in(site: Site, page: CodeView, version: str) -> bool:
    releases = [r.release for r in site.codes.releases(page.system)]
    if version not in releases:
        raise BadQuery(f"unknown version {version[:20]!r}; known: {', '.join(releases)}")
    first, last = page.first_release, page.last_release
    return bool(first) and first <= version <= (last or "")


def _parameters(*items: tuple[str, str, Any]) -> dict[str, Any]:
    return {
        "resourceType": "Parameters",
        "parameter": [
            {"name": name, kind: value} if kind != "part" else {"name": name, "part": value}
            for name, kind, value in items
        ],
    }


def _property(code: str, kind: str, value: Any) -> tuple[str, str, Any]:
    return (
        "property",
        "part",
        [{"name": "code", "valueCode": code}, {"name": "value", kind: value}],
    )


def lookup(site: Site, params: dict[str, Any]) -> dict[str, Any]:
    page = _find(site, _systems(params.get("system")), params.get("code"), params.get("version"))
    properties = [
        _property("status", "valueCode", page.status),
        _property("notSelectable", "valueBoolean", not page.billable),
        *(_property("parent", "valueCode", a.code) for a in page.ancestors[-1:]),
        *(_property("child", "valueCode", c.code) for c in page.children),
    ]
    return _parameters(
        ("name", "valueString", page.system_name),
        ("version", "valueString", page.release),
        ("display", "valueString", page.title),
        (
            "designation",
            "part",
            [
                {"name": "use", "valueCoding": {"code": "short"}},
                {"name": "value", "valueString": page.short_title},
            ],
        ),
        *properties,
    )


def validate_code(site: Site, params: dict[str, Any]) -> dict[str, Any]:
    systems = _systems(params.get("url") or params.get("system"))
    try:
        page = _find(site, systems, params.get("code"), params.get("version"))
    except UnknownCode as exc:
        return _parameters(("result", "valueBoolean", False), ("message", "valueString", str(exc)))
    display = params.get("display")
    if display and str(display).casefold() not in (
        page.title.casefold(),
        page.short_title.casefold(),
    ):
        return _parameters(
            ("result", "valueBoolean", False),
            ("message", "valueString", f"wrong display for {page.code}; it is {page.title!r}"),
            ("display", "valueString", page.title),
        )
    answer = [("result", "valueBoolean", True), ("display", "valueString", page.title)]
    if page.status != "active":
        answer += [
            ("inactive", "valueBoolean", True),
            ("message", "valueString", f"{page.code} is {page.status_text}"),
        ]
    return _parameters(*answer)


def expand(site: Site, params: dict[str, Any]) -> dict[str, Any]:
    url = params.get("url")
    systems = _systems(url)
    count = int(params.get("count") or 20)
    offset = int(params.get("offset") or 0)
    if not 0 <= count <= MAX_COUNT or not 0 <= offset <= 10_000:
        raise BadQuery(f"count must be 0..{MAX_COUNT} and offset 0..10000")
    filter_text = params.get("filter")
    active_only = bool(params.get("activeOnly"))
    names = tuple(s.value for s in systems)
    if filter_text:
        result = run_search(
            site,
            str(filter_text),
            names,
            include_terminated=not active_only,
            limit=max(count, 1),
            offset=offset,
        )
        total = result.total
        found = [(h.system, h.code, h.title, h.billable, h.status) for h in result.hits][:count]
    else:
        codes, total = site.codes.subtree("", names, limit=offset + count)
        found = [(c.system, c.code, c.title, c.billable, c.status) for c in codes]
        found = found[offset:]
    versions = {r.system: r.release for r in site.current}
    contains = []
    for system, code, title, billable, status in found:
        entry: dict[str, Any] = {
            "system": FHIR_SYSTEMS[system],
            "version": versions.get(system, ""),
            "code": code,
            "display": title,
        }
        if not billable:
            entry["abstract"] = True
        if status != "active":
            entry["inactive"] = True
        contains.append(entry)
    used = [("count", "valueInteger", count), ("offset", "valueInteger", offset)]
    if filter_text:
        used.append(("filter", "valueString", str(filter_text)))
    return {
        "resourceType": "ValueSet",
        "url": url,
        "status": "active",
        "expansion": {
            "timestamp": site.built_at,
            "total": total,
            "offset": offset,
            "parameter": [{"name": n, kind: v} for n, kind, v in used],
            "contains": contains,
        },
    }


@lru_cache(maxsize=8)
def capabilities(site: Site) -> dict[str, Any]:
    versions: dict[str, list[str]] = {}
    for release in site.manifest.releases:
        uri = FHIR_SYSTEMS[release.system]
        if release.release not in versions.setdefault(uri, []):
            versions[uri].append(release.release)
    current = {FHIR_SYSTEMS[r.system]: r.release for r in site.current}
    return {
        "resourceType": "TerminologyCapabilities",
        "status": "active",
        "date": site.built_at,
        "kind": "instance",
        "software": {"name": "medcodes", "version": __version__},
        "implementation": {"description": f"medcodes catalog {site.build_id}"},
        "fhirVersion": "4.0.1",
        "format": ["json"],
        "codeSystem": [
            {
                "uri": uri,
                "version": [{"code": v, "isDefault": v == current.get(uri)} for v in releases],
            }
            for uri, releases in versions.items()
        ],
        "expansion": {"paging": True, "textFilter": "Words or a code, as in /api/v1/search."},
    }


@router.get("/metadata", responses=FHIR_RESPONSES)
async def metadata(site: SiteDep) -> Response:
    """TerminologyCapabilities: the code systems and versions this server knows."""
    return FHIROut(capabilities(site))


@router.get("/CodeSystem/$lookup", responses=FHIR_RESPONSES)
async def lookup_get(
    site: SiteDep, system: Uri = None, code: Text = None, version: Text = None
) -> Response:
    """Display, designations and properties (status, parent, children) of one code."""
    return FHIROut(lookup(site, {"system": system, "code": code, "version": version}))


@router.post("/CodeSystem/$lookup", responses=FHIR_RESPONSES)
async def lookup_post(site: SiteDep, body: FhirBody) -> Response:
    return FHIROut(lookup(site, body.values()))


@router.get("/CodeSystem/$validate-code", responses=FHIR_RESPONSES)
async def validate_get(
    site: SiteDep,
    url: Uri = None,
    system: Uri = None,
    code: Text = None,
    display: Text = None,
    version: Text = None,
) -> Response:
    """Whether a code exists (and is active) in the code system, and its display."""
    params = {"url": url, "system": system, "code": code, "display": display, "version": version}
    return FHIROut(validate_code(site, params))


@router.post("/CodeSystem/$validate-code", responses=FHIR_RESPONSES)
async def validate_post(site: SiteDep, body: FhirBody) -> Response:
    return FHIROut(validate_code(site, body.values()))


@router.get("/ValueSet/$expand", responses=FHIR_RESPONSES)
async def expand_get(
    site: SiteDep,
    url: Annotated[str | None, Query(max_length=200, description="<system-uri>?fhir_vs")] = None,
    filter: Text = None,  # noqa: A002 - FHIR's parameter name
    count: Annotated[int | None, Query(ge=0, le=MAX_COUNT)] = None,
    offset: Annotated[int | None, Query(ge=0, le=10_000)] = None,
    activeOnly: bool = False,  # noqa: N803
) -> Response:
    """Codes of an implicit value set, filtered by words or a code, paginated."""
    params = {
        "url": url,
        "filter": filter,
        "count": count,
        "offset": offset,
        "activeOnly": activeOnly,
    }
    return FHIROut(expand(site, params))


@router.post("/ValueSet/$expand", responses=FHIR_RESPONSES)
async def expand_post(site: SiteDep, body: FhirBody) -> Response:
    return FHIROut(expand(site, body.values()))
