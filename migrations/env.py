"""Alembic environment: the schema is `SQLModel.metadata` from kpi.models."""
from logging.config import fileConfig

from alembic import context
from sqlmodel import SQLModel

from kpi import models  # noqa: F401  (registers the tables on SQLModel.metadata)
from kpi.db import make_engine
from kpi.settings import get_settings

config = context.config
# Only configure logging when run as the `alembic` command; inside the app it would mute other loggers.
if config.config_file_name is not None and config.attributes.get("configure_logger", True) \
        and not config.get_main_option("sqlalchemy.url"):
    fileConfig(config.config_file_name, disable_existing_loggers=False)

target_metadata = SQLModel.metadata


def database_url() -> str:
    return config.get_main_option("sqlalchemy.url") or get_settings().database_url


def run_migrations_offline() -> None:
    context.configure(url=database_url(), target_metadata=target_metadata, literal_binds=True,
                      render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    url = database_url()
    engine = make_engine(url)
    with engine.connect() as connection:
        # batch mode lets later migrations ALTER tables on SQLite, which lacks most ALTER TABLE forms.
        context.configure(connection=connection, target_metadata=target_metadata,
                          render_as_batch=url.startswith("sqlite"), compare_type=True)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
