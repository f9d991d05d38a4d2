"""Every setting is documented in the README, with its KPI_ name."""
from pathlib import Path

import pytest

from kpi.settings import Settings

README = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", sorted(Settings.model_fields))
def test_each_setting_appears_in_the_readme(name):
    assert f"`KPI_{name.upper()}`" in README


def test_settings_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("KPI_DATABASE_URL", "postgresql+psycopg://u:p@127.0.0.1/db")
    monkeypatch.setenv("KPI_DEFAULT_LANGUAGE", "en")
    monkeypatch.setenv("KPI_DEMO_DATA", "false")
    settings = Settings()
    assert (settings.database_url, settings.default_language, settings.demo_data) == (
        "postgresql+psycopg://u:p@127.0.0.1/db", "en", False)


def test_an_unknown_language_is_refused(monkeypatch):
    monkeypatch.setenv("KPI_DEFAULT_LANGUAGE", "sv")
    with pytest.raises(ValueError):
        Settings()
