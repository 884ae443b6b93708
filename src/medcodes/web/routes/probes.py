"""`/-/health` and `/-/ready`: what a load balancer, a supervisor or a roll-out script asks a
replica (docs/deploy.md). Never cached; both answer JSON.

- health (liveness): the process serves requests; it does not touch the catalog, so a
  supervisor restarts a replica only when the process itself is stuck or gone.
- ready (readiness): the catalog the replica serves *now* (the Site behind `SiteDep`, which a
  live catalog swap replaces) answers a query and its search index is warm; 503 otherwise, so
  traffic or the next step of a roll-out waits for it.
"""

from __future__ import annotations

import time

from fastapi import APIRouter
from starlette.responses import Response

from medcodes import __version__
from medcodes.web.deps import SiteDep
from medcodes.web.render import JSONOut

router = APIRouter(tags=["meta"], default_response_class=JSONOut)
STARTED = time.monotonic()
PROBES = ("/-/health", "/-/ready")  # never cached: each answer is about this moment


@router.get("/-/health")
async def health(site: SiteDep) -> Response:
    """Liveness: the server answers; its version, the build it serves and its uptime."""
    return JSONOut(
        {
            "status": "ok",
            "version": __version__,
            "build_id": site.build_id,
            "uptime_s": round(time.monotonic() - STARTED, 1),
        }
    )


@router.get("/-/ready", responses={503: {"description": "Not ready: catalog closed or cold."}})
async def ready(site: SiteDep) -> Response:
    """Readiness: 200 when the current catalog answers and its search index is warm, else 503
    (with the same body saying which check failed)."""
    readiness = site.codes.readiness()
    return JSONOut(readiness, status_code=200 if readiness.ready else 503)
