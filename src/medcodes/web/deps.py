"""Dependencies routes declare in their signatures (tests may override them)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from medcodes.catalog.read import Catalog
from medcodes.search.engine import Searcher
from medcodes.web.site import Site


def get_site(request: Request) -> Site:
    return request.app.state.site


SiteDep = Annotated[Site, Depends(get_site)]


def get_catalog(site: SiteDep) -> Catalog:
    return site.catalog


def get_searcher(site: SiteDep) -> Searcher:
    return site.searcher


CatalogDep = Annotated[Catalog, Depends(get_catalog)]
SearcherDep = Annotated[Searcher, Depends(get_searcher)]
