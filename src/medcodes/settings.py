"""One settings object, read from flags > environment (`MEDCODES_*`) > defaults.

Built once by `cli.py` or the web app factory; library functions take explicit arguments.
"""

from __future__ import annotations

from pathlib import Path

from platformdirs import user_cache_path, user_data_path
from pydantic import SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


def default_catalog_path() -> Path:
    return user_data_path("medcodes") / "medcodes.db"


def default_download_dir() -> Path:
    return user_cache_path("medcodes") / "sources"


class Settings(BaseSettings):
    """Effective configuration; `medcodes info` shows it with secrets masked."""

    model_config = SettingsConfigDict(env_prefix="MEDCODES_", extra="ignore")

    sources: Path | None = None
    catalog: Path = default_catalog_path()
    download_dir: Path = default_download_dir()
    log_level: str = "WARNING"
    llm_endpoint: str | None = None
    llm_model: str | None = None
    llm_api_key: SecretStr | None = None
    llm_response_format: str = "json_schema"

    @field_validator("sources", "llm_endpoint", "llm_model", mode="before")
    @classmethod
    def empty_is_unset(cls, value: object) -> object:
        """`MEDCODES_SOURCES=` (empty) means "not set", not the current folder."""
        return None if isinstance(value, str) and not value.strip() else value

    def public(self) -> dict[str, str | None]:
        """Settings as strings for display, with the API key masked."""
        shown = self.model_dump(mode="json")
        if self.llm_api_key is not None:
            shown["llm_api_key"] = "********"
        return {key: None if value is None else str(value) for key, value in shown.items()}
