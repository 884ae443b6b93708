"""One settings object: flags > environment (`MEDCODES_*`) > defaults.

Built once by the CLI (`cli/common.py`), the web app factory, or `Medcodes()` for its default
catalog path; library functions below the facade take explicit arguments.
`Settings(catalog=...)` fills every field not given from `MEDCODES_<FIELD>`, else its default.
A plain dataclass on purpose: pydantic(-settings) would add 60-150 ms to every CLI start, and
`medcodes show` must answer within 300 ms including interpreter start.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

ENV_PREFIX = "MEDCODES_"
PATH_FIELDS = ("sources", "catalog", "download_dir")
SECRET_FIELDS = ("llm_api_key",)
RESPONSE_FORMATS = ("json_schema", "json_object")
NUMBER_FIELDS = ("reload_seconds",)


def default_catalog_path() -> Path:
    from platformdirs import user_data_path

    return user_data_path("medcodes") / "medcodes.db"


def default_download_dir() -> Path:
    from platformdirs import user_cache_path

    return user_cache_path("medcodes") / "sources"


@dataclass(frozen=True, slots=True)
class Settings:
    """Effective configuration; `medcodes info` shows it with secrets masked."""

    sources: Path | None = None
    catalog: Path | None = None  # resolved to the per-user data dir when unset
    download_dir: Path | None = None  # resolved to the per-user cache dir when unset
    log_level: str | None = None
    llm_endpoint: str | None = None
    llm_model: str | None = None
    llm_api_key: str | None = field(default=None, repr=False)
    llm_response_format: str | None = None
    # Web origins allowed to read the public API from a browser (CORS): `*` (the default,
    # for a public read-only API), a comma-separated list of origins, or `none`.
    cors_origins: str | None = None
    reload_seconds: float | None = None  # how often a server looks for a new catalog build

    def __post_init__(self) -> None:
        for item in fields(self):
            value = getattr(self, item.name)
            if value is None:
                value = os.environ.get(ENV_PREFIX + item.name.upper())
            if isinstance(value, str) and not value.strip():
                value = None  # `MEDCODES_SOURCES=` means "not set", not the current folder
            if value is not None and item.name in PATH_FIELDS:
                value = Path(value).expanduser()
            if value is not None and item.name in NUMBER_FIELDS:
                value = _positive_number(item.name, value)
            object.__setattr__(self, item.name, value)
        defaults: dict[str, Any] = {
            "catalog": default_catalog_path,
            "download_dir": default_download_dir,
            "log_level": lambda: "WARNING",
            "llm_response_format": lambda: "json_schema",
            "cors_origins": lambda: "*",
            "reload_seconds": lambda: 1.0,
        }
        for name, default in defaults.items():
            if getattr(self, name) is None:
                object.__setattr__(self, name, default())
        if self.llm_response_format not in RESPONSE_FORMATS:
            from medcodes.errors import BadQuery

            raise BadQuery(
                f"MEDCODES_LLM_RESPONSE_FORMAT must be one of {', '.join(RESPONSE_FORMATS)}"
            )

    def public(self) -> dict[str, str | None]:
        """Settings as strings for display, with secrets masked."""
        shown: dict[str, str | None] = {}
        for item in fields(self):
            value = getattr(self, item.name)
            if item.name in SECRET_FIELDS and value is not None:
                value = "********"
            shown[item.name] = None if value is None else str(value)
        return shown


def _positive_number(name: str, value: object) -> float:
    try:
        number = float(value)  # type: ignore[arg-type]
    except ValueError:
        number = -1.0
    if not number > 0:
        from medcodes.errors import BadQuery

        raise BadQuery(f"{ENV_PREFIX}{name.upper()} must be a positive number of seconds")
    return number
