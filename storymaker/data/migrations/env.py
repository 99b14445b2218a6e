"""Alembic's entry point for the `alembic` command (new revisions, by hand upgrades).

The app never runs this file: `storymaker.data.migrate` upgrades on its own connection.
The command reads the database from STORYMAKER_DATABASE_URL, else the default SQLite file.
"""

from alembic import context
from sqlalchemy import create_engine

from storymaker.config import load_settings
from storymaker.data.database import database_url
from storymaker.data.schema import metadata

url = database_url(load_settings().database_url)
with create_engine(url).connect() as connection:
    context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()
