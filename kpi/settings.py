"""The one settings class. Read from KPI_* environment variables and a `.env` file.

Call `get_settings()`; tests build `Settings(...)` themselves or set the environment, so nothing
depends on the developer's machine.
"""
from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = PROJECT_ROOT / "data"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="KPI_", env_file=PROJECT_ROOT / ".env", extra="ignore")

    # SQLite file in data/ by default; a server database e.g. postgresql+psycopg://user:pw@host/db
    database_url: str = f"sqlite:///{DATA_DIR / 'kpi.sqlite3'}"
    default_language: Literal["fi", "en"] = "fi"
    # Load the demo data (the five source cases) when the app starts on an empty database.
    demo_data: bool = True


def get_settings() -> Settings:
    return Settings()
