"""FHIR R4 terminology operations as resources: `$lookup` and `$validate-code` (Parameters),
`$expand` (ValueSet), the server's CapabilityStatement and TerminologyCapabilities.

Inputs are plain dicts of operation parameters (from a query string or a `Parameters` body,
see web/routes/fhir.py); answers are dicts of R4 resources, every one of which parses with an
R4 model library (tests check them with fhir.resources and fhirclient).
"""

from __future__ import annotations

from typing import Any

from medcodes import __version__
from medcodes.api import CodeView, Hit
from medcodes.errors import BadQuery, NotFound, UnknownCode
from medcodes.systems import FHIR_SYSTEMS, System, system_name
from medcodes.web.cache import per_build
from medcodes.web.codes import code_view
from medcodes.web.searching import MAX_Q, run_search
from medcodes.web.site import Site

SYSTEMS_OF_URI: dict[str, tuple[System, ...]] = {}
for _system, _uri in FHIR_SYSTEMS.items():
    SYSTEMS_OF_URI[_uri] = (*SYSTEMS_OF_URI.get(_uri, ()), System(_system))
MAX_COUNT = 1000  # codes in one page of an expansion
DEFAULT_COUNT = 20
FHIR_VERSION = "4.0.1"
# Designation uses: the official short descriptor, in a code system of this server's own
# (FHIR's designation-usage code system has no code for it).
DESIGNATION_USE = "urn:medcodes:designation-use"
OPERATIONS = {
    "CodeSystem": ("lookup", "validate-code"),
    "ValueSet": ("expand",),
}


def _systems(uri: Any) -> tuple[System, ...]:
    if not uri:
        raise BadQuery("missing parameter 'system' (a code system URI)")
    systems = SYSTEMS_OF_URI.get(str(uri).split("?", 1)[0])
    if systems is None:
        known = ", ".join(sorted(SYSTEMS_OF_URI))
        raise BadQuery(f"unknown code system {str(uri)[:200]!r}; this server knows {known}")
    return systems


def _find(site: Site, systems: tuple[System, ...], code: Any, version: Any) -> CodeView:
    """The code's view in the first of `systems` that has it, held by `version` if given."""
    if not code or not str(code).strip():
        raise BadQuery("missing parameter 'code'")
    missing: UnknownCode | None = None
    for system in systems:
        try:
            view = code_view(site, str(code).strip()[:MAX_Q], system.value)
        except UnknownCode as exc:
            missing = missing or exc
            continue
        if version and not _held_by(site, view, str(version)):
            raise NotFound(f"{view.code} is not in {system_name(view.system)} {str(version)[:20]}")
        return view
    assert missing is not None
    raise missing


def _held_by(site: Site, view: CodeView, version: str) -> bool:
    """Whether release `version` of the code's system holds the code; an unknown version is
    an error naming the known ones."""
    releases = [release.release for release in site.codes.releases(view.system)]
    if version not in releases:
        name = system_name(view.system)
        raise NotFound(f"unknown version {version[:20]!r} of {name}; known: {', '.join(releases)}")
    first, last = view.first_release, view.last_release
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
    """Display, the short descriptor, status, parent and children of one code; `version`
    (a release: FY2025, 2026-01) must hold it."""
    version = params.get("version")
    view = _find(site, _systems(params.get("system")), params.get("code"), version)
    properties = [
        _property("status", "valueCode", view.status),
        _property("notSelectable", "valueBoolean", not view.billable),
        *(_property("parent", "valueCode", a.code) for a in view.ancestors[-1:]),
        *(_property("child", "valueCode", c.code) for c in view.children),
    ]
    use = {"system": DESIGNATION_USE, "code": "short", "display": "Short descriptor"}
    return _parameters(
        ("name", "valueString", view.system_name),
        ("version", "valueString", str(version) if version else view.release),
        ("display", "valueString", view.title),
        (
            "designation",
            "part",
            [
                {"name": "use", "valueCoding": use},
                {"name": "value", "valueString": view.short_title},
            ],
        ),
        *properties,
    )


def validate_code(site: Site, params: dict[str, Any]) -> dict[str, Any]:
    """Whether a code, written as the code system writes it, is in the code system (and
    release); a `codeableConcept` is valid when one of its codings is."""
    codings = params.get("codings") or [
        {"system": params.get("url") or params.get("system"), "code": params.get("code")}
    ]
    answers = [_validate_one(site, coding, params) for coding in codings[:20]]
    valid = [answer for answer in answers if answer[0][2]]
    return _parameters(*(valid or answers)[0])


def _validate_one(
    site: Site, coding: dict[str, Any], params: dict[str, Any]
) -> list[tuple[str, str, Any]]:
    systems = _systems(coding.get("system"))
    written = str(coding.get("code") or "")
    false = ("result", "valueBoolean", False)
    try:
        view = _find(site, systems, written, coding.get("version") or params.get("version"))
    except NotFound as exc:
        return [false, ("message", "valueString", str(exc))]
    if written != view.code:
        message = f"{written[:40]!r} is not how {system_name(view.system)} writes it: {view.code}"
        return [false, ("message", "valueString", message), ("display", "valueString", view.title)]
    display = coding.get("display") or params.get("display")
    if display and str(display).casefold() not in (
        view.title.casefold(),
        view.short_title.casefold(),
    ):
        message = f"wrong display for {view.code}; it is {view.title!r}"
        return [false, ("message", "valueString", message), ("display", "valueString", view.title)]
    answer = [("result", "valueBoolean", True), ("display", "valueString", view.title)]
    if view.status != "active":
        answer += [
            ("inactive", "valueBoolean", True),
            ("message", "valueString", f"{view.code} is {view.status_text}"),
        ]
    return answer


def expand(site: Site, params: dict[str, Any]) -> dict[str, Any]:
    """One page of an implicit value set (`<system-uri>?fhir_vs`): codes matching `filter`
    (words or a code, the last word as the start of a word), else every code in official
    order. `count=0` gives the total only; `activeOnly` leaves ended codes out."""
    url = params.get("url")
    systems = tuple(system.value for system in _systems(url))
    count = _integer(params.get("count"), DEFAULT_COUNT, "count", MAX_COUNT)
    offset = _integer(params.get("offset"), 0, "offset", None)
    active_only = _boolean(params.get("activeOnly"))
    filter_text = str(params.get("filter") or "").strip()[:MAX_Q]
    if filter_text:
        result = run_search(
            site,
            filter_text,
            systems,
            include_terminated=not active_only,
            exact_codes_always=not active_only,
            limit=max(count, 1),
            offset=offset,
            facets=False,
            explain=False,  # an expansion lists codes and displays only
        )
    else:
        result = site.codes.listing(
            systems, include_terminated=not active_only, limit=max(count, 1), offset=offset
        )
    versions = {release.system: release.release for release in site.current}
    used = [("count", "valueInteger", count), ("offset", "valueInteger", offset)]
    if filter_text:
        used.append(("filter", "valueString", filter_text))
    if active_only:
        used.append(("activeOnly", "valueBoolean", True))
    expansion: dict[str, Any] = {
        "timestamp": site.built_at,
        "total": result.total,
        "offset": offset,
        "parameter": [{"name": name, kind: value} for name, kind, value in used],
    }
    if count:
        expansion["contains"] = [_contained(hit, versions) for hit in result.hits[:count]]
    return {"resourceType": "ValueSet", "url": url, "status": "active", "expansion": expansion}


def _contained(hit: Hit, versions: dict[str, str]) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "system": FHIR_SYSTEMS[hit.system],
        "version": versions.get(hit.system, ""),
        "code": hit.code,
        "display": hit.title,
    }
    if not hit.billable:
        entry["abstract"] = True
    if hit.status != "active":
        entry["inactive"] = True
    return entry


def _integer(value: Any, default: int, name: str, most: int | None) -> int:
    if value is None or value == "":
        return default
    try:
        number = int(value)
    except (TypeError, ValueError) as exc:
        raise BadQuery(f"{name} must be a whole number") from exc
    if number < 0 or (most is not None and number > most):
        raise BadQuery(f"{name} must be 0..{most}" if most is not None else f"{name} must be >= 0")
    return number


def _boolean(value: Any) -> bool:
    if isinstance(value, bool) or value is None:
        return bool(value)
    if str(value).lower() in ("true", "false"):
        return str(value).lower() == "true"
    raise BadQuery("activeOnly must be true or false")


@per_build(8)
def capability_statement(site: Site) -> dict[str, Any]:
    """The R4 CapabilityStatement: a terminology server for three code systems."""
    return {
        "resourceType": "CapabilityStatement",
        "status": "active",
        "date": site.built_at,
        "publisher": "medcodes",
        "kind": "instance",
        "instantiates": ["http://hl7.org/fhir/CapabilityStatement/terminology-server"],
        "software": {"name": "medcodes", "version": __version__},
        "implementation": {"description": f"medcodes catalog {site.build_id}"},
        "fhirVersion": FHIR_VERSION,
        "format": ["json"],
        "rest": [
            {
                "mode": "server",
                "resource": [
                    {
                        "type": resource,
                        "operation": [
                            {
                                "name": name,
                                "definition": "http://hl7.org/fhir/OperationDefinition/"
                                f"{resource}-{name}",
                            }
                            for name in names
                        ],
                    }
                    for resource, names in OPERATIONS.items()
                ],
            }
        ],
    }


@per_build(8)
def terminology_capabilities(site: Site) -> dict[str, Any]:
    """The code systems and releases (versions) held, the current one the default."""
    versions: dict[str, list[str]] = {}
    for release in site.manifest.releases:
        uri = FHIR_SYSTEMS[release.system]
        if release.release not in versions.setdefault(uri, []):
            versions[uri].append(release.release)
    current = {FHIR_SYSTEMS[release.system]: release.release for release in site.current}
    return {
        "resourceType": "TerminologyCapabilities",
        "status": "active",
        "date": site.built_at,
        "kind": "instance",
        "software": {"name": "medcodes", "version": __version__},
        "implementation": {"description": f"medcodes catalog {site.build_id}"},
        "codeSystem": [
            {
                "uri": uri,
                "version": [{"code": v, "isDefault": v == current.get(uri)} for v in releases],
            }
            for uri, releases in versions.items()
        ],
        "expansion": {"paging": True, "textFilter": "Words or a code, as in /api/v1/search."},
    }
