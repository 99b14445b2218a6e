"""The real PostgreSQL the tests use: a throwaway cluster, or the server the environment names."""

from __future__ import annotations

import psycopg
import pytest
import sqlalchemy as sa

from tests.infra import postgres
from tests.infra.postgres import TEST_DATABASE_URL, PostgresServer, PostgresUnavailable


def connect(url: str) -> psycopg.Connection:
    """psycopg takes the libpq form of a SQLAlchemy URL: the same URL without the driver."""
    return psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"), autocommit=True)


def test_a_created_database_takes_a_table_and_a_row_then_drops(postgres_server):
    url = postgres_server.create_database("shelf")
    try:
        with connect(url) as connection:
            connection.execute("CREATE TABLE books (id serial PRIMARY KEY, title text NOT NULL)")
            connection.execute("INSERT INTO books (title) VALUES (%s)", ("The Lighthouse Cat",))
            assert connection.execute("SELECT title FROM books").fetchall() == [("The Lighthouse Cat",)]
        assert "shelf" in postgres_server.databases()
    finally:
        postgres_server.drop_database("shelf")
    assert "shelf" not in postgres_server.databases()


def test_a_database_can_copy_a_template(postgres_server):
    postgres_server.create_database("migrated")
    try:
        with connect(postgres_server.url("migrated")) as connection:
            connection.execute("CREATE TABLE accounts (name text)")
        with connect(postgres_server.create_database("copy", template="migrated")) as connection:
            assert connection.execute("SELECT count(*) FROM accounts").fetchone() == (0,)
    finally:
        postgres_server.drop_database("copy")
        postgres_server.drop_database("migrated")


def test_drop_ends_the_sessions_still_connected(postgres_server):
    url = postgres_server.create_database("busy")
    connection = connect(url)
    try:
        postgres_server.drop_database("busy")
        assert "busy" not in postgres_server.databases()
        with pytest.raises(psycopg.OperationalError):
            connection.execute("SELECT 1")
    finally:
        connection.close()


def test_the_database_fixture_gives_an_empty_database_sqlalchemy_can_use(postgres_server, postgres_database):
    assert postgres_database.startswith("postgresql+psycopg://")
    name = sa.make_url(postgres_database).database
    assert name in postgres_server.databases()
    engine = sa.create_engine(postgres_database)
    try:
        with engine.begin() as connection:
            assert connection.execute(sa.text("SELECT current_database()")).scalar() == name
            tables = connection.execute(sa.text("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"))
            assert tables.scalar() == 0
    finally:
        engine.dispose()


def test_stop_ends_the_server_and_deletes_its_folder():
    server = PostgresServer.start()
    assert server.started_here and server.folder is not None and server.folder.is_dir()
    server.stop()
    assert not server.folder.exists()
    with pytest.raises(psycopg.OperationalError):
        connect(server.url("postgres"))
    server.stop()  # a second stop is harmless


def test_the_environment_points_the_tests_at_an_existing_server(monkeypatch):
    existing = PostgresServer.start()
    try:
        monkeypatch.setenv(TEST_DATABASE_URL, f"postgresql://postgres@127.0.0.1:{existing.port}/postgres")
        server = PostgresServer.for_tests()
        assert not server.started_here and server.folder is None
        server.create_database("from_env")
        assert "from_env" in existing.databases()
        server.drop_database("from_env")
        assert "from_env" not in existing.databases()
        server.stop()  # not ours to stop
        assert existing.databases()
    finally:
        existing.stop()


def test_an_existing_server_url_keeps_credentials_host_and_options():
    server = PostgresServer.from_url("postgresql://ann:p%40ss@db.example:6543/admin?sslmode=require")
    assert server.url("books") == "postgresql+psycopg://ann:p%40ss@db.example:6543/books?sslmode=require"
    assert PostgresServer.from_url("postgresql+psycopg://ann@db.example").admin_url.database == "postgres"


@pytest.mark.parametrize("url", ["sqlite:///books.db", "not a url"])
def test_an_existing_server_url_must_name_postgresql(url):
    with pytest.raises(ValueError, match=TEST_DATABASE_URL):
        PostgresServer.from_url(url)


def test_the_newest_installed_version_is_chosen(tmp_path):
    for version in ("9.6", "10", "15", "16"):
        (tmp_path / version / "bin").mkdir(parents=True)
        if version != "16":  # a client-only install: no server programs
            (tmp_path / version / "bin" / "initdb").touch()
    found = postgres.newest_version_bindir([str(p) for p in tmp_path.glob("*/bin")])
    assert found == tmp_path / "15" / "bin"
    assert postgres.newest_version_bindir([]) is None


def test_no_postgresql_installed_is_a_reason_to_skip(monkeypatch):
    monkeypatch.setattr(postgres, "find_bindir", lambda: None)
    with pytest.raises(PostgresUnavailable, match="not installed"):
        PostgresServer.start()


@pytest.mark.parametrize(("ci", "outcome"), [
    (None, pytest.skip.Exception), ("false", pytest.skip.Exception), ("true", pytest.fail.Exception),
])
def test_a_missing_server_skips_but_fails_under_ci(monkeypatch, ci, outcome):
    if ci is None:
        monkeypatch.delenv("CI", raising=False)
    else:
        monkeypatch.setenv("CI", ci)
    with pytest.raises(outcome, match="not installed"):
        postgres.skip_or_fail("PostgreSQL is not installed")
