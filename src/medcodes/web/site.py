"""What the web app holds for its lifetime: the settings, the open catalog and its searcher.

The catalog is immutable while served, so everything derived from it here (build id, sources,
current releases, rendered code pages) is computed once per process and never invalidated.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from medcodes.catalog.read import Catalog, Release, SourceFile
from medcodes.explain.store import ExplainerStore, default_store_path
from medcodes.search import open_searcher
from medcodes.search.engine import Searcher
from medcodes.settings import Settings


@dataclass(slots=True, eq=False)  # hashed by identity: a key of per-site caches
class Site:
    settings: Settings
    searcher: Searcher
    build_id: str
    built_at: str
    sources: dict[str, SourceFile]
    current: list[Release]  # the newest release of each system: what pages are "as of"
    explainers: ExplainerStore | None  # generated, verified explainers, when a store exists

    @property
    def catalog(self) -> Catalog:
        return self.searcher.catalog

    @property
    def etag(self) -> str:
        return f'W/"{self.build_id}"'

    def close(self) -> None:
        """Release the catalog file (and explainer store); the index goes with the object."""
        self.catalog.close()
        if self.explainers is not None:
            self.explainers.close()


def open_site(settings: Settings) -> Site:
    """Open the catalog and its search index (CatalogMissing names the fix when absent)."""
    searcher = open_searcher(Path(settings.catalog))
    catalog = searcher.catalog
    meta = catalog.meta()
    return Site(
        settings=settings,
        searcher=searcher,
        build_id=meta.get("build_id", ""),
        built_at=meta.get("built_at", ""),
        sources={source.name: source for source in catalog.sources()},
        current=[release for release in catalog.releases() if release.is_current],
        explainers=_explainer_store(Path(settings.catalog)),
    )


def _explainer_store(catalog: Path) -> ExplainerStore | None:
    """The store `medcodes explain generate` fills beside the catalog; none is fine."""
    path = default_store_path(catalog)
    return ExplainerStore(path, read_only=True) if path.is_file() else None
