"""FHIR R4 terminology routes: `metadata`, CodeSystem `$lookup` and `$validate-code`, ValueSet
`$expand` (implicit value sets `<system-uri>?fhir_vs`). GET with query parameters or POST with a
`Parameters` resource; answers (web/fhir_ops.py) are JSON only: a request asking for XML
(`_format=xml`, or an Accept header without JSON) gets 406, a malformed body 400."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Depends, Query, Request
from pydantic import BaseModel, ConfigDict, Field
from starlette.exceptions import HTTPException
from starlette.responses import Response

from medcodes.errors import BadQuery
from medcodes.web.deps import SiteDep
from medcodes.web.fhir_ops import (
    MAX_COUNT,
    capability_statement,
    expand,
    lookup,
    terminology_capabilities,
    validate_code,
)
from medcodes.web.render import FHIROut
from medcodes.web.searching import MAX_Q

JSON_FORMATS = frozenset({"json", "application/json", "application/fhir+json", "text/json"})
MAX_CODINGS = 20


async def json_only(request: Request) -> None:
    """406 for a request that asks for anything but JSON (`_format`, or the Accept header);
    async so that FastAPI does not run it in its thread pool."""
    wanted = request.query_params.get("_format")
    if wanted is not None and wanted.strip().lower() not in JSON_FORMATS:
        raise HTTPException(406, f"_format {wanted[:40]!r} is not served; use _format=json")
    accept = request.headers.get("accept", "").lower()
    if accept and not any(kind in accept for kind in ("json", "*/*", "application/*")):
        raise HTTPException(406, "this server answers application/fhir+json only")


router = APIRouter(
    prefix="/fhir",
    tags=["fhir"],
    default_response_class=FHIROut,
    dependencies=[Depends(json_only)],
)
FHIR_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"description": "OperationOutcome", "content": {"application/fhir+json": {}}}
    for status in (400, 404, 406)
}
Text = Annotated[str | None, Query(max_length=MAX_Q)]
Uri = Annotated[str | None, Query(max_length=200, description="Code system canonical URI")]
Format = Annotated[str | None, Query(alias="_format", max_length=60, description="json only")]
CodingParam = Annotated[
    str | None, Query(max_length=MAX_Q + 200, description="A coding as system|code")
]


class Coding(BaseModel):
    system: str | None = Field(None, max_length=200)
    version: str | None = Field(None, max_length=40)
    code: str | None = Field(None, max_length=MAX_Q)
    display: str | None = Field(None, max_length=MAX_Q)


class CodeableConcept(BaseModel):
    coding: list[Coding] = Field(default_factory=list, max_length=MAX_CODINGS)
    text: str | None = Field(None, max_length=MAX_Q)


class ParameterIn(BaseModel):
    model_config = ConfigDict(extra="allow")
    name: str = Field(max_length=100)
    valueString: str | None = Field(None, max_length=MAX_Q)  # noqa: N815 - FHIR names
    valueCode: str | None = Field(None, max_length=MAX_Q)  # noqa: N815
    valueUri: str | None = Field(None, max_length=200)  # noqa: N815
    valueInteger: int | None = Field(None, ge=0, le=1_000_000)  # noqa: N815
    valueBoolean: bool | None = None  # noqa: N815
    valueCoding: Coding | None = None  # noqa: N815
    valueCodeableConcept: CodeableConcept | None = None  # noqa: N815


class ParametersIn(BaseModel):
    """A FHIR `Parameters` resource: the body of POST operations."""

    resourceType: Literal["Parameters"]  # noqa: N815
    parameter: list[ParameterIn] = Field(default_factory=list, max_length=50)

    def values(self) -> dict[str, Any]:
        """Operation parameters by name; a `coding` or `codeableConcept` becomes `codings`
        (and, for one coding, its system, code, version and display)."""
        found: dict[str, Any] = {}
        for item in self.parameter:
            codings = _codings(item)
            if codings is not None:
                found.setdefault("codings", codings)
                if len(codings) == 1:
                    for key, value in codings[0].items():
                        found.setdefault(key, value)
                continue
            values = (
                item.valueString,
                item.valueCode,
                item.valueUri,
                item.valueInteger,
                item.valueBoolean,
            )
            found.setdefault(item.name, next((v for v in values if v is not None), None))
        return found


def _codings(item: ParameterIn) -> list[dict[str, Any]] | None:
    if item.valueCoding is not None:
        return [item.valueCoding.model_dump(exclude_none=True)]
    if item.valueCodeableConcept is not None:
        codings = [c.model_dump(exclude_none=True) for c in item.valueCodeableConcept.coding]
        if not codings:
            raise BadQuery("codeableConcept has no coding")
        return codings
    return None


FhirBody = Annotated[ParametersIn, Body(media_type="application/fhir+json")]


def coding_values(coding: str | None) -> dict[str, Any]:
    """`coding=system|code` (FHIR's token form) as operation parameters."""
    if coding is None:
        return {}
    system, bar, code = coding.rpartition("|")
    if not bar or not system or not code:
        raise BadQuery("coding must be written system|code")
    return {"system": system, "code": code, "codings": [{"system": system, "code": code}]}


@router.get("/metadata", responses=FHIR_RESPONSES)
async def metadata(
    site: SiteDep,
    mode: Annotated[
        Literal["full", "normative", "terminology"] | None,
        Query(description="terminology: the TerminologyCapabilities"),
    ] = None,
    _format: Format = None,
) -> Response:
    """The CapabilityStatement (R4); `?mode=terminology`: the TerminologyCapabilities, with
    the code systems and versions (releases) held."""
    if mode == "terminology":
        return FHIROut(terminology_capabilities(site))
    return FHIROut(capability_statement(site))


@router.get("/CodeSystem/$lookup", responses=FHIR_RESPONSES)
async def lookup_get(
    site: SiteDep,
    system: Uri = None,
    code: Text = None,
    version: Text = None,
    coding: CodingParam = None,
    _format: Format = None,
) -> Response:
    """Display, designations and properties (status, parent, children) of one code, in a
    release (`version`) if given."""
    params = {"system": system, "code": code, "version": version, **coding_values(coding)}
    return FHIROut(lookup(site, params))


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
    coding: CodingParam = None,
    _format: Format = None,
) -> Response:
    """Whether a code, written as the code system writes it (E11.9, not E119), is in the
    code system (and release), and its display."""
    params = {
        "url": url,
        "system": system,
        "code": code,
        "display": display,
        "version": version,
        **coding_values(coding),
    }
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
    offset: Annotated[int | None, Query(ge=0, le=1_000_000)] = None,
    activeOnly: bool = False,  # noqa: N803
    _format: Format = None,
) -> Response:
    """Codes of an implicit value set, filtered by words or a code, one page at a time;
    `count=0`: the total only."""
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
