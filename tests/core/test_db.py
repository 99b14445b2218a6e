"""The database on SQLite: schema and migrations, units of work, a vanished file, a held lock."""

import shutil
import sqlite3
import threading
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, event, inspect, text
from sqlalchemy import exc as sa_exc

from tests.peek import sql
from storymaker import data
from storymaker.data import database as database_module
from storymaker.data import migrate, schema

LEGACY = Path(__file__).with_name("data") / "library_before_alembic.sql"




def columns(db, table):
    with db.read() as conn:
        return {c["name"] for c in inspect(conn).get_columns(table)}


@pytest.fixture
def fresh(tmp_path):
    return data.Database(tmp_path / "s.db")


def test_a_blank_database_is_created_at_the_newest_revision(fresh):
    with fresh.read() as conn:
        assert set(schema.metadata.tables) <= set(inspect(conn).get_table_names())
        assert migrate.current(conn) == migrate.head()
    assert {"username", "password_hash", "canonical", "skeleton"} <= columns(fresh, "users")
    assert {"retries", "http_tries", "retry_deadline", "waiting", "lease_until", "worker"} <= columns(fresh, "jobs")


def test_the_migrations_build_exactly_the_schema_the_code_uses(tmp_path):
    """The two ways a database reaches the schema (created fresh, or upgraded revision by
    revision) end in the same tables, columns and indexes."""
    engine = create_engine(f"sqlite:///{tmp_path / 'm.db'}")
    with engine.connect() as conn:
        migrate.run_migrations(conn)
        conn.commit()
        assert compare_metadata(MigrationContext.configure(conn), schema.metadata) == []
    engine.dispose()


def test_wal_busy_timeout_and_foreign_keys(fresh):
    with fresh.read() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_opening_twice_changes_nothing(tmp_path):
    sql(data.Database(tmp_path / "s.db"), "INSERT INTO users (username, created_at) VALUES ('a', 'now')")
    again = data.Database(tmp_path / "s.db")
    assert sql(again, "SELECT version_num FROM alembic_version") == [(migrate.head(),)]
    assert sql(again, "SELECT COUNT(*) FROM users") == [(1,)]


def test_a_library_made_before_alembic_is_adopted_not_migrated_again(tmp_path):
    path = tmp_path / "old.db"
    old = sqlite3.connect(path)
    old.executescript(LEGACY.read_text())
    old.execute("INSERT INTO users (username, created_at, canonical) VALUES ('Ada', 'then', 'ada')")
    old.commit()
    old.close()
    db = data.Database(path)
    assert sql(db, "SELECT username, canonical FROM users") == [("Ada", "ada")]
    assert sql(db, "SELECT version_num FROM alembic_version") == [(migrate.head(),)]


def test_two_threads_in_units_at_once_use_two_connections(fresh):
    seen, inside, leave = [], threading.Barrier(2), threading.Event()

    def unit():
        with fresh.read() as conn:
            seen.append(conn)
            inside.wait(5)
            leave.wait(5)

    threads = [threading.Thread(target=unit) for _ in range(2)]
    for thread in threads:
        thread.start()
    leave.set()
    for thread in threads:
        thread.join()
    assert len(seen) == 2 and seen[0] is not seen[1]


def test_a_write_unit_rolls_back_and_nested_units_join_it(fresh):
    with pytest.raises(RuntimeError):
        with fresh.write() as outer:
            outer.execute(text("INSERT INTO users (username, created_at) VALUES ('a', 'now')"))
            with fresh.write() as inner:  # joins the outer one
                assert inner is outer
                inner.execute(text("INSERT INTO users (username, created_at) VALUES ('b', 'now')"))
            raise RuntimeError
    assert sql(fresh, "SELECT COUNT(*) FROM users") == [(0,)]
    assert not fresh.in_unit()


def test_a_write_cannot_start_inside_a_read(fresh):
    with fresh.read():
        with pytest.raises(RuntimeError, match="inside a read"):
            with fresh.write():
                pass


# ---------------------------------------------------------------- the data folder disappears

def test_a_deleted_data_folder_is_recreated_and_migrated_for_every_thread(tmp_path):
    path = tmp_path / "data" / "s.db"
    db = data.Database(path)
    sql(db, "INSERT INTO users (username, created_at) VALUES ('ada', 'now')")
    before = data.replacements()
    shutil.rmtree(tmp_path / "data")
    seen = []
    thread = threading.Thread(target=lambda: seen.append(sql(db, "SELECT COUNT(*) FROM users")))
    thread.start()
    thread.join()
    assert seen == [[(0,)]] and path.is_file()
    sql(db, "INSERT INTO users (username, created_at) VALUES ('bob', 'now')")
    assert sql(db, "SELECT username FROM users") == [("bob",)]
    assert sql(db, "SELECT version_num FROM alembic_version") == [(migrate.head(),)]
    assert data.replacements() > before


def test_a_deleted_database_file_is_recreated_without_its_old_write_ahead_log(tmp_path):
    path = tmp_path / "s.db"
    db = data.Database(path)
    sql(db, "INSERT INTO users (username, created_at) VALUES ('ada', 'now')")
    path.unlink()  # only the file: its -wal and -shm stay behind
    assert sql(db, "SELECT COUNT(*) FROM users") == [(0,)]
    assert sql(db, "PRAGMA integrity_check") == [("ok",)]


def test_a_write_whose_file_is_replaced_as_it_starts_writes_nothing(tmp_path):
    path = tmp_path / "data" / "s.db"
    db = data.Database(path)
    sql(db, "SELECT 1")

    wiped = []

    def wipe_once(conn):  # the folder vanishes between the checkout and the write lock
        if not wiped:
            wiped.append(True)
            shutil.rmtree(tmp_path / "data")

    event.listen(db.engine, "begin", wipe_once)
    with pytest.raises(data.LibraryReplaced):
        with db.write() as conn:
            conn.execute(text("INSERT INTO users (username, created_at) VALUES ('ghost', 'now')"))
    assert sql(db, "SELECT COUNT(*) FROM users") == [(0,)]


# ---------------------------------------------------------------- a lock held too long

@pytest.fixture
def short_busy_timeout(monkeypatch):
    monkeypatch.setattr(database_module, "BUSY_TIMEOUT_S", 0.1)


def hold_write_lock(path):
    """Another program holding the write lock (a backup, another process)."""
    holder = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")
    return holder


def test_a_lock_held_longer_than_the_busy_timeout_is_one_typed_error(tmp_path, short_busy_timeout):
    path = tmp_path / "s.db"
    db = data.Database(path)
    sql(db, "SELECT 1")
    holder = hold_write_lock(path)
    try:
        with pytest.raises(data.LibraryBusy, match="busy"):
            with db.write() as conn:
                conn.execute(text("INSERT INTO users (username, created_at) VALUES ('a', 'now')"))
        assert not db.in_unit()
        with db.read() as conn:  # reads still work
            assert conn.execute(text("SELECT COUNT(*) FROM users")).scalar() == 0
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    sql(db, "INSERT INTO users (username, created_at) VALUES ('a', 'now')")  # and the next try goes through
    assert sql(db, "SELECT COUNT(*) FROM users") == [(1,)]


def test_other_database_errors_stay_what_they_are(fresh):
    with pytest.raises(sa_exc.OperationalError) as caught:
        sql(fresh, "SELECT * FROM no_such_table")
    assert not isinstance(caught.value, data.LibraryBusy)


def test_books_made_before_keep_their_illustrations_without_the_old_boilerplate(tmp_path):
    path = tmp_path / "old.db"
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        migrate.run_migrations(conn, "0003")
        conn.execute(text("INSERT INTO users (username, created_at) VALUES ('ada', '')"))
        conn.execute(text("INSERT INTO books (user_id, title, age_band, style, language, scene_count, created_at, "
                          "updated_at) VALUES (1, 'T', '6-8', 'watercolor', 'English', 4, '', '')"))
        conn.execute(text("INSERT INTO scenes (book_id, scene, title, text, illustration, updated_at) VALUES "
                          "(1, 1, 't', 'x', 'A forest at dawn. Mood: calm. No words or letters in the picture.', '')"))
    engine.dispose()
    assert sql(data.Database(path), "SELECT illustration FROM scenes") == [("A forest at dawn. Mood: calm.",)]


def test_an_address_that_is_not_a_storymaker_database_is_refused():
    with pytest.raises(ValueError, match="SQLite or PostgreSQL"):
        data.Database("mysql://host/db")
    assert data.Database("postgresql://u:secret@host/db").url.drivername == "postgresql+psycopg"
    assert "secret" not in repr(data.Database("postgresql://u:secret@host/db"))


# ---------------------------------------------------------------- PostgreSQL

def test_on_postgresql_the_migrations_build_exactly_the_schema_the_code_uses(postgres_database):
    engine = create_engine(postgres_database)
    with engine.connect() as conn:
        migrate.run_migrations(conn)
        conn.commit()
        assert compare_metadata(MigrationContext.configure(conn), schema.metadata) == []
    engine.dispose()


def test_on_postgresql_processes_starting_at_once_migrate_once(postgres_database):
    """Every app and worker process checks the schema when it starts; the advisory lock lets
    one create it while the others wait and then find nothing to do."""
    errors, start = [], threading.Barrier(4)

    def open_and_write(n):
        try:
            database = data.Database(postgres_database)  # a process of its own: its own pool and schema check
            start.wait(5)
            sql(database, "INSERT INTO users (username, created_at) VALUES (:n, 'now')", n=f"u{n}")
            database.dispose()
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=open_and_write, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    database = data.Database(postgres_database)
    assert sql(database, "SELECT COUNT(*) FROM users") == [(4,)]
    assert sql(database, "SELECT version_num FROM alembic_version") == [(migrate.head(),)]
    database.dispose()


def test_an_unreachable_postgresql_is_one_plain_error():
    database = data.Database("postgresql://nobody@127.0.0.1:1/none?connect_timeout=2")
    with pytest.raises(data.LibraryUnavailable, match="cannot be reached"):
        with database.read():
            pass
