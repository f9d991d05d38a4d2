"""The one settings class. Read from KPI_* environment variables and a `.env` file.

Call `get_settings()`; tests build `Settings(...)` themselves or set the environment, so nothing
depends on the developer's machine.
"""
from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field
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
    # Largest file accepted for import, in megabytes (the app's upload widget and the command line).
    max_upload_mb: int = Field(default=20, ge=1, le=1000)


def get_settings() -> Settings:
    return Settings()
