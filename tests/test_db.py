import threading

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
