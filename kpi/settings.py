"""The one settings class. Read from KPI_* environment variables and a `.env` file.

Call `get_settings()`; tests build `Settings(...)` themselves or set the environment, so nothing
depends on the developer's machine.
"""
from __future__ import annotations

import functools
import os
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
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
    # How much of an import file is read at most (kpi/importing/limits.py; README "File import"): a file past
    # one is refused naming it, and nothing is written. Rows and cell length are Excel's own limits.
    import_max_rows: int = Field(default=1_048_576, ge=1)
    import_max_columns: int = Field(default=1024, ge=8)
    import_max_cell_chars: int = Field(default=32_767, ge=100, le=131_072)  # the csv module reads at most 131 072
    # XLSX only: what a workbook may unpack to (each part and all together), how many times smaller than that
    # a part of 1 MB or more may be packed, how many parts it may have, and its shared-strings table.
    import_max_uncompressed_mb: int = Field(default=500, ge=1)
    import_max_compression_ratio: int = Field(default=100, ge=2)
    import_max_zip_members: int = Field(default=10_000, ge=10)
    import_max_shared_strings: int = Field(default=2_000_000, ge=1)
    import_max_shared_strings_mb: int = Field(default=100, ge=1)

    # --- sign-in (kpi/ui/auth.py; README "Sign-in and roles") ---
    # local: no sign-in, full rights, and only on a loopback address; password: the app's own accounts;
    # oidc: Streamlit's st.login with the provider in .streamlit/secrets.toml [auth]; proxy: a header set by
    # a signing-in reverse proxy.
    auth_mode: Literal["local", "password", "oidc", "proxy"] = "local"
    # Required outside local mode (the app refuses to start without it, kpi/ui/auth.py); must equal Streamlit's
    # server.cookieSecret (`make run` passes it on). A SecretStr: never printed, logged or shown.
    cookie_secret: SecretStr | None = None
    # proxy mode: the header that names the person, an optional header with their groups (comma-separated),
    # and the addresses the proxy connects from (anything else sending the header is refused).
    proxy_header: str = "X-Forwarded-Email"
    proxy_groups_header: str | None = None
    trusted_proxies: list[str] = ["127.0.0.1", "::1"]
    # oidc mode: the provider's name under [auth] (None: the [auth] section's own single provider), the
    # claim that lists the person's groups, group -> role, and the role of a signed-in person nobody named.
    oidc_provider: str | None = None
    oidc_group_claim: str = "groups"
    oidc_group_roles: dict[str, Literal["viewer", "editor", "admin"]] = {}
    oidc_default_role: Literal["none", "viewer"] = "none"


def get_settings() -> Settings:
    """The settings for the current environment and `.env`. Built again only when a KPI_* variable or
    the file changed: pages ask for them several times a run, and reading them costs milliseconds."""
    env_file = PROJECT_ROOT / ".env"
    try:
        stamp = env_file.stat().st_mtime_ns
    except OSError:
        stamp = None
    variables = tuple(sorted((name, value) for name, value in os.environ.items() if name.upper().startswith("KPI_")))
    return _settings_for(variables, stamp)


@functools.lru_cache(maxsize=16)
def _settings_for(_variables: tuple, _env_file_stamp: int | None) -> Settings:
    return Settings()
