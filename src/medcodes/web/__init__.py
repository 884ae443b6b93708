"""The web layer: HTML pages, JSON API, CTSS-compatible autocomplete and FHIR terminology."""

from medcodes.web.app import create_app

__all__ = ["create_app"]
