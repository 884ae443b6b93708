"""The one place errors become responses: JSON for the API, OperationOutcome for FHIR, an
HTML page otherwise. User errors (MedcodesError, bad parameters, unknown paths) get their 4xx;
anything else is a bug: a plain 500, traceback in the log only."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException
from starlette.responses import Response

from medcodes.errors import BadQuery, CatalogMissing, MedcodesError, NotFound, UnknownCode
from medcodes.web.deps import current_site
from medcodes.web.models import ErrorOut
from medcodes.web.render import FHIROut, JSONOut, html_response

log = logging.getLogger(__name__)

STATUS = {NotFound: 404, BadQuery: 400, CatalogMissing: 503}
FHIR_ISSUE = {404: "not-found", 400: "invalid", 405: "not-supported", 406: "not-supported"}


def describe(exc: Exception) -> ErrorOut:
    """Status, kind, message and suggestions of any error a request can cause."""
    if isinstance(exc, RequestValidationError):
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc'][1:]) or err['loc'][0]}: {err['msg']}"
            for err in exc.errors()
        )
        return ErrorOut(status=422, error="BadParameter", message=f"bad parameter: {problems}")
    if isinstance(exc, HTTPException):
        return ErrorOut(status=exc.status_code, error="HTTPError", message=str(exc.detail))
    status = next((code for kind, code in STATUS.items() if isinstance(exc, kind)), 400)
    suggestions = exc.suggestions if isinstance(exc, UnknownCode) else []
    return ErrorOut(
        status=status, error=type(exc).__name__, message=str(exc), suggestions=suggestions
    )


async def handle_error(request: Request, exc: Exception) -> Response:
    error = describe(exc)
    path = request.url.path
    if path.startswith("/fhir/"):
        if error.status == 422:  # FHIR answers a malformed request or body with 400
            error = error.model_copy(update={"status": 400})
        issue = {
            "severity": "error",
            "code": FHIR_ISSUE.get(error.status, "processing"),
            "diagnostics": error.message,
        }
        return FHIROut(
            {"resourceType": "OperationOutcome", "issue": [issue]}, status_code=error.status
        )
    if path.startswith(("/api/", "/-/")) or path.endswith(".json"):
        return JSONOut(error.model_dump(), status_code=error.status)
    return html_response("error.html", current_site(request.scope), error, status=error.status)


def install_error_handler(app: FastAPI) -> None:
    for kind in (MedcodesError, RequestValidationError, HTTPException):
        app.add_exception_handler(kind, handle_error)
