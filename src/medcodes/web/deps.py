"""Dependencies routes declare in their signatures (tests may override them)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from starlette.types import Scope

from medcodes.web.site import Site


def current_site(scope: Scope) -> Site:
    """The Site (catalog build) the app serves now: the one place anything gets it from.
    Starlette puts the app in every request's scope; a request keeps the Site it got."""
    return scope["app"].state.site


async def get_site(request: Request) -> Site:
    """Async on purpose: FastAPI runs a plain `def` dependency in its thread pool, and that
    hop cost more than a whole autocomplete search."""
    return current_site(request.scope)


SiteDep = Annotated[Site, Depends(get_site)]
