"""Dependencies routes declare in their signatures (tests may override them)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from starlette.types import Scope

from medcodes.web.live import LiveSite
from medcodes.web.site import Site

PINNED = "medcodes.site"  # scope key: the build a request started on (set by the Edge)


def current_site(scope: Scope) -> Site:
    """The Site (catalog build) this request is served from: the one place anything gets it
    from. The Edge pins the current build when a request starts, so one request never mixes
    two builds even if a new one is swapped in meanwhile (web/live.py)."""
    pinned = scope.get(PINNED)
    return pinned if pinned is not None else live_site(scope).current


def live_site(scope: Scope) -> LiveSite[Site]:
    return scope["app"].state.live


async def get_site(request: Request) -> Site:
    """Async on purpose: FastAPI runs a plain `def` dependency in its thread pool, and that
    hop cost more than a whole autocomplete search."""
    return current_site(request.scope)


SiteDep = Annotated[Site, Depends(get_site)]
