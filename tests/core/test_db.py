import shutil
import sqlite3
import threading

import pytest

from storymaker import db


def columns(database, table):
    return {c.name for c in database[table].columns}


def test_a_blank_database_migrates_to_the_full_schema(tmp_path):
    database = db.connect(tmp_path / "s.db")
    assert {"users", "characters", "books", "book_characters", "scenes", "jobs", "usage"} <= set(database.table_names())
    assert {"username", "password_hash"} <= columns(database, "users")
    assert {"user_id", "name", "look", "personality", "avatar_path"} <= columns(database, "characters")
    assert {"title", "premise", "age_band", "style", "language", "scene_count", "status"} <= columns(database, "books")
    assert {"scene", "title", "text", "illustration", "characters", "status", "error"} <= columns(database, "scenes")
    assert {"kind", "scene", "status", "attempts", "max_attempts", "lease_until", "worker", "error"} <= columns(database, "jobs")
    assert {"book_id", "kind", "model", "input_tokens", "output_tokens", "images"} <= columns(database, "usage")
    assert {"retries", "http_tries", "retry_deadline", "waiting"} <= columns(database, "jobs")
    assert [m.name for m in db.migrations.applied(database)] == [m.name for m in db.migrations._migrations]
    assert not db.migrations.pending(database)


def test_wal_busy_timeout_and_foreign_keys(tmp_path):
    database = db.connect(tmp_path / "s.db")
    assert database.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert database.execute("PRAGMA busy_timeout").fetchone()[0] >= 5000
    assert database.execute("PRAGMA foreign_keys").fetchone()[0] == 1


def test_migrating_twice_changes_nothing(tmp_path):
    database = db.connect(tmp_path / "s.db")
    db.migrate(database)
    assert len(db.migrations.applied(database)) == len(db.migrations._migrations)


def test_each_thread_gets_its_own_connection(tmp_path):
    path = tmp_path / "s.db"
    mine = db.connect(path)
    assert db.connect(path) is mine
    other = []
    thread = threading.Thread(target=lambda: other.append(db.connect(path)))
    thread.start()
    thread.join()
    assert other[0] is not mine


def test_write_transaction_rolls_back_and_nests(tmp_path):
    database = db.connect(tmp_path / "s.db")
    try:
        with db.write_transaction(database):
            database.execute("INSERT INTO users (username, created_at) VALUES ('a', 'now')")
            with db.write_transaction(database):  # joins the outer one
                database.execute("INSERT INTO users (username, created_at) VALUES ('b', 'now')")
            raise RuntimeError
    except RuntimeError:
        pass
    assert database.execute("SELECT COUNT(*) FROM users").fetchone()[0] == 0
    assert not database.conn.in_transaction


# ---------------------------------------------------------------- the data folder disappears

def test_a_deleted_data_folder_is_recreated_and_migrated_for_every_thread(tmp_path):
    path = tmp_path / "data" / "s.db"
    database = db.connect(path)
    database.execute("INSERT INTO users (username, created_at) VALUES ('ada', 'now')")
    shutil.rmtree(tmp_path / "data")
    seen = []

    def other_thread():  # a thread that never had a connection (a new page run, a job)
        try:
            seen.append(db.connect(path).execute("SELECT COUNT(*) FROM users").fetchone()[0])
        finally:
            db.close_all()

    thread = threading.Thread(target=other_thread)
    thread.start()
    thread.join()
    assert seen == [0]
    again = db.connect(path)  # this thread's cached connection is to the deleted file
    assert again is not database and path.is_file()
    assert again.execute("SELECT COUNT(*) FROM users").fetchone()[0] == 0
    again.execute("INSERT INTO users (username, created_at) VALUES ('bob', 'now')")
    assert [m.name for m in db.migrations.applied(again)] == [m.name for m in db.migrations.pending(again)] + \
        [m.name for m in db.migrations.applied(again)]  # nothing pending
    assert db.replacements() >= 1


def test_a_deleted_database_file_is_recreated_without_its_old_write_ahead_log(tmp_path):
    path = tmp_path / "s.db"
    database = db.connect(path)
    database.execute("INSERT INTO users (username, created_at) VALUES ('ada', 'now')")
    path.unlink()  # only the file: its -wal and -shm stay behind
    again = db.connect(path)
    assert again.execute("SELECT COUNT(*) FROM users").fetchone()[0] == 0
    assert again.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_a_connection_to_a_deleted_file_writes_nothing(tmp_path):
    path = tmp_path / "data" / "s.db"
    stale = db.connect(path)
    shutil.rmtree(tmp_path / "data")
    with pytest.raises(db.LibraryReplaced):
        with db.write_transaction(stale):
            stale.execute("INSERT INTO users (username, created_at) VALUES ('ghost', 'now')")
    assert not stale.conn.in_transaction
    assert db.connect(path).execute("SELECT COUNT(*) FROM users").fetchone()[0] == 0


# ---------------------------------------------------------------- a lock held too long

@pytest.fixture
def short_busy_timeout(monkeypatch):
    monkeypatch.setattr(db, "BUSY_TIMEOUT_S", 0.1)


def hold_write_lock(path):
    """Another program holding the write lock (a backup, another process)."""
    holder = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")
    return holder


def test_a_lock_held_longer_than_the_busy_timeout_is_one_typed_error(tmp_path, short_busy_timeout):
    path = tmp_path / "s.db"
    database = db.connect(path)
    holder = hold_write_lock(path)
    try:
        with pytest.raises(db.LibraryBusy, match="busy"):
            with db.write_transaction(database):
                database.execute("INSERT INTO users (username, created_at) VALUES ('a', 'now')")
        with pytest.raises(db.LibraryBusy):  # a write outside any transaction too
            database.execute("INSERT INTO users (username, created_at) VALUES ('b', 'now')")
        assert not database.conn.in_transaction
        assert database.execute("SELECT COUNT(*) FROM users").fetchone()[0] == 0  # reads still work
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    with db.write_transaction(database):  # and the next try goes through
        database.execute("INSERT INTO users (username, created_at) VALUES ('a', 'now')")
    assert database.execute("SELECT COUNT(*) FROM users").fetchone()[0] == 1


def test_other_database_errors_stay_what_they_are(tmp_path):
    database = db.connect(tmp_path / "s.db")
    with pytest.raises(sqlite3.OperationalError) as caught:
        database.execute("SELECT * FROM no_such_table")
    assert not isinstance(caught.value, db.LibraryBusy)


def test_books_made_before_keep_their_illustrations_without_the_old_boilerplate(tmp_path):
    path = tmp_path / "old.db"
    database = db.connect(path)
    database.execute("INSERT INTO users (username, created_at) VALUES ('ada', '')")
    database.execute("INSERT INTO books (user_id, title, age_band, style, language, scene_count, created_at, updated_at) "
                     "VALUES (1, 'T', '6-8', 'watercolor', 'English', 4, '', '')")
    database.execute("INSERT INTO scenes (book_id, scene, title, text, illustration, updated_at) VALUES "
                     "(1, 1, 't', 'x', 'A forest at dawn. Mood: calm. No words or letters in the picture.', '')")
    database.execute("DELETE FROM _sqlite_migrations WHERE name = '0004_illustration_without_boilerplate'")
    db.migrate(database)
    assert database.execute("SELECT illustration FROM scenes").fetchone()[0] == "A forest at dawn. Mood: calm."
