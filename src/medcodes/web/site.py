"""What the web app serves from: one `Medcodes` (the current catalog build) and what is
derived from it once per build (build id, source files by name, current releases).

Routes reach it through one accessor, `SiteDep` (web/deps.py), and per-build caches are keyed
by the Site, so swapping in a new build means swapping one object.
"""

from __future__ import annotations

from dataclasses import dataclass

from medcodes.api import Manifest, Medcodes, Release, SourceFile, open_for_serving
from medcodes.settings import Settings


@dataclass(slots=True, eq=False)  # hashed by identity: a key of per-build caches
class Site:
    settings: Settings
    codes: Medcodes
    manifest: Manifest
    sources: dict[str, SourceFile]  # by name: what the templates cite
    current: list[Release]  # the newest release of each system: what pages are "as of"

    @property
    def build_id(self) -> str:
        return self.manifest.build_id

    @property
    def built_at(self) -> str:
        return self.manifest.built_at

    @property
    def etag(self) -> str:
        return f'W/"{self.build_id}"'

    def close(self) -> None:
        """Release the catalog file and explainer store; the index goes with the object."""
        self.codes.close()


def open_site(settings: Settings) -> Site:
    """Open the catalog and its search index now, as a server does (`open_for_serving`;
    CatalogMissing names the fix when absent)."""
    codes = open_for_serving(settings.catalog)
    manifest = codes.manifest
    return Site(
        settings=settings,
        codes=codes,
        manifest=manifest,
        sources={source.name: source for source in manifest.sources},
        current=manifest.current,
    )
