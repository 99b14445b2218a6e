"""`python -m storymaker migrate-data`: an install copied into PostgreSQL and another folder,
then copied again: the same books, scenes and pictures, nothing duplicated."""

import hashlib
from dataclasses import replace

import pytest
from sqlalchemy import insert, select, update

from storymaker import accounts, books, characters, data
from storymaker.cli import main
from storymaker.data import schema
from storymaker.data import transfer as data_transfer
from storymaker.engine import Engine
from storymaker.files import LocalStore
from storymaker.services import characters as cast_service
from storymaker.transfer import PREFIXES

from tests.conftest import make_book
from tests.fakes.models import MockImageModel, MockTextModel
from tests.fakes.pictures import png

# The source is an existing install on the embedded default (the SQLite file); the targets vary.
pytestmark = pytest.mark.sqlite_only


@pytest.fixture
def install(mock_engine, monkeypatch):
    """An install as a person has it after a while: two accounts, three books (the third continuing
    the second's series), a character with an avatar, and a page job a worker was running when it stopped."""
    monkeypatch.setenv("STORYMAKER_DATA_DIR", str(mock_engine.settings.data_dir))
    ada = accounts.get_or_create(mock_engine.db(), "ada")
    grace = accounts.sign_up(mock_engine.db(), "grace", "correct horse")
    make_book(mock_engine, ada.id, "The Lighthouse Cat")
    pip = characters.create(mock_engine.db(), grace.id, "Pip", "a tiny grey cat")
    cast_service.set_avatar(mock_engine, grace.id, pip.id, png())
    sea = make_book(mock_engine, grace.id, "Pip Goes to Sea", scenes=4)
    garden = make_book(mock_engine, grace.id, "The Night Garden", scenes=6)
    with mock_engine.db().write() as conn:
        conn.execute(update(schema.books).where(schema.books.c.id == garden).values(series_id=sea))
        conn.execute(update(schema.jobs).where(schema.jobs.c.id == 3).values(
            status="running", worker="gone-worker", lease_until=2e9))
    return mock_engine


def run(capsys, *args):
    code = main(["migrate-data", *args])
    out, err = capsys.readouterr()
    return code, out, err


def table_rows(db, table):
    with db.read() as conn:
        return [dict(row) for row in conn.execute(select(table).order_by(*table.primary_key.columns)).mappings()]


def everything(db):
    return {table.name: table_rows(db, table) for table in schema.metadata.sorted_tables}


def hashes(store):
    return {key: hashlib.sha256(store.get(key)).hexdigest() for prefix in PREFIXES for key in store.list(prefix)}


def as_copied(rows):
    """The source's rows as the target should hold them: a running job arrives queued."""
    jobs = [dict(job, status="queued", worker=None, lease_until=None, not_before=0.0)
            if job["status"] == "running" else job for job in rows["jobs"]]
    return dict(rows, jobs=jobs)


def test_an_install_is_copied_into_postgresql_and_another_folder_then_again(install, postgres_database, tmp_path,
                                                                          capsys):
    source_db, moved = install.db(), tmp_path / "moved"
    before, pictures = everything(source_db), hashes(install.store)
    assert len(before["books"]) == 3 and any(j["status"] == "running" for j in before["jobs"])
    assert any(key.startswith("avatars/") for key in pictures)

    code, out, err = run(capsys, "--to-database", postgres_database, "--to-storage", str(moved))
    assert code == 0, err
    png_count = sum(key.endswith(".png") for key in pictures)
    assert out.strip().startswith(f"Copied 2 accounts, 3 books, {png_count} pictures (")
    assert out.strip().endswith("files in all); 0 already there (0 rows, 0 files).")
    target_db, target_store = data.open_database(postgres_database), LocalStore(moved)
    assert everything(target_db) == as_copied(before)
    assert hashes(target_store) == pictures

    code, out, err = run(capsys, "--to-database", postgres_database, "--to-storage", str(moved))
    assert code == 0, err
    rows = sum(len(r) for r in before.values())
    assert out.strip() == (f"Copied 0 accounts, 0 books, 0 pictures (0 rows, 0 files in all); "
                           f"{rows + len(pictures)} already there ({rows} rows, {len(pictures)} files).")
    assert everything(target_db) == as_copied(before)  # nothing duplicated, nothing changed
    assert hashes(target_store) == pictures
    assert everything(source_db) == before  # the source is only read


def test_a_file_that_differs_is_copied_again(install, tmp_path, capsys):
    moved = tmp_path / "moved"
    assert run(capsys, "--to-storage", str(moved))[0] == 0
    spoiled = "storymaker/book_1/scene_01.png"
    (moved / spoiled).write_bytes(b"half a picture")
    (moved / "storymaker/book_2/cover.png").unlink()
    code, out, _ = run(capsys, "--to-storage", str(moved))
    assert code == 0 and out.startswith("Copied 0 accounts, 0 books, 2 pictures (0 rows, 2 files in all)")
    assert hashes(LocalStore(moved)) == hashes(install.store)


def test_new_rows_on_the_target_get_new_ids(install, postgres_database, capsys):
    assert run(capsys, "--to-database", postgres_database)[0] == 0
    target = data.open_database(postgres_database)
    newcomer = accounts.sign_up(target, "lena", "correct horse")
    assert newcomer.id == 3
    with target.write() as conn:
        book_id = conn.execute(insert(schema.books).values(
            user_id=newcomer.id, title="After the move", age_band="3-5", style="watercolor", language="English",
            scene_count=3, created_at="now", updated_at="now").returning(schema.books.c.id)).scalar_one()
        job_id = conn.execute(insert(schema.jobs).values(book_id=book_id, kind="story", created_at="now")
                              .returning(schema.jobs.c.id)).scalar_one()
    assert book_id == 4 and job_id == len(table_rows(install.db(), schema.jobs)) + 1


@pytest.fixture(params=["sqlite", "postgresql"])
def target_address(request, tmp_path):
    """Where the app's reads of a copy are tried: another SQLite file, and PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'elsewhere' / 'library.db'}"
    return request.getfixturevalue("postgres_database")


def test_the_app_reads_the_copy_as_it_read_the_original(install, target_address, tmp_path, capsys):
    moved = tmp_path / "moved"
    assert run(capsys, "--to-database", target_address, "--to-storage", str(moved))[0] == 0
    source, target = install.db(), data.open_database(target_address)
    for user_id in (1, 2):
        assert books.list_for(target, user_id) == books.list_for(source, user_id)
    for book in books.list_for(source, 2):
        assert books.scene_rows(target, book.id) == books.scene_rows(source, book.id)
        assert books.get(target, 2, book.id).cast == books.get(source, 2, book.id).cast
    moved_engine = Engine(replace(install.settings, data_dir=moved, database_url=target_address),
                          text_model=MockTextModel(), image_model=MockImageModel())
    assert make_book(moved_engine, 1, "After the move") == 4


@pytest.mark.parametrize("args, words", [
    (["--to-database", "mysql://someone@somewhere/books"], "SQLite or PostgreSQL, not mysql"),
    (["--to-database", "::not an address::/x://"], "not a database address"),
    (["--to-database", "postgresql://me:secret-word@127.0.0.1:1/books"], "Cannot open the target database"),
    (["--to-storage", "ftp://somewhere/books"], "ftp:// is not a store"),
    ([], "Say where to copy to"),
])
def test_a_bad_or_unreachable_target_is_one_plain_line(install, capsys, args, words):
    code, out, err = run(capsys, *args)
    assert code == 2 and out == ""
    assert err.startswith("error: ") and words in err
    assert "Traceback" not in err and "secret-word" not in err


def test_the_install_itself_is_not_a_target(install, capsys):
    code, _, err = run(capsys, "--to-database", str(install.settings.db_path))
    assert code == 2 and "names the database being copied" in err
    code, _, err = run(capsys, "--to-storage", str(install.settings.data_dir))
    assert code == 2 and "names the store being copied" in err


def test_another_installs_database_is_refused(install, postgres_database, capsys):
    other = data.open_database(postgres_database)
    accounts.get_or_create(other, "someone-else")  # id 1, as ada is in the install
    code, _, err = run(capsys, "--to-database", postgres_database)
    assert code == 2 and "already holds other accounts" in err
    assert table_rows(other, schema.books) == []


def test_a_name_the_target_gives_another_account_stops_the_copy_plainly(install, postgres_database, capsys):
    other = data.open_database(postgres_database)
    with other.write() as conn:  # "ada" under an id the install does not use
        conn.execute(insert(schema.users).values(id=10, username="ada", canonical="ada", skeleton="ada",
                                                 created_at="then"))
    code, _, err = run(capsys, "--to-database", postgres_database)
    assert code == 2 and "\nerror: The target database holds rows that clash" in err
    assert "Traceback" not in err
    assert table_rows(other, schema.books) == []  # the table that clashed was not copied in part


def test_a_folder_that_cannot_be_written_is_one_plain_line(install, tmp_path, capsys):
    (tmp_path / "a-file").write_text("not a folder")
    code, out, err = run(capsys, "--to-storage", str(tmp_path / "a-file"))
    assert code == 2 and out == "" and "\nerror: Cannot write storymaker/book_1/" in err
    assert "run the command again" in err and "Traceback" not in err


def test_a_postgresql_install_is_copied_too(install, postgres_database, tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(data_transfer, "BATCH", 3)  # rows read and written a few at a time, both ways
    assert run(capsys, "--to-database", postgres_database)[0] == 0
    monkeypatch.setenv("STORYMAKER_DATABASE_URL", postgres_database)  # the install now lives there
    back = tmp_path / "back" / "library.db"
    code, out, err = run(capsys, "--to-database", str(back))
    assert code == 0, err
    assert out.startswith("Copied 2 accounts, 3 books, 0 pictures")
    assert everything(data.open_database(back)) == as_copied(everything(install.db()))


def test_where_no_install_lives_nothing_is_made(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("STORYMAKER_DATA_DIR", str(tmp_path / "nothing-here"))
    code, out, err = run(capsys, "--to-database", str(tmp_path / "target.db"), "--to-storage", str(tmp_path / "t"))
    assert code == 2 and out == "" and "There is no library at" in err
    assert not (tmp_path / "nothing-here").exists() and not (tmp_path / "target.db").exists()


def test_an_install_is_copied_into_a_bucket_then_again(install, seaweed_server, monkeypatch, capsys):
    """--to-storage s3://...: the bucket's credentials and endpoint come from the AWS_* settings,
    as the app's own bucket does; a second run finds everything there."""
    import uuid

    from storymaker.files.s3 import S3Store

    from tests.conftest import SEAWEED_BUCKET

    for name, value in seaweed_server.environment().items():
        monkeypatch.setenv(name, value)
    prefix = f"moved-{uuid.uuid4().hex[:8]}"
    pictures = hashes(install.store)
    code, out, err = run(capsys, "--to-storage", f"s3://{SEAWEED_BUCKET}/{prefix}")
    assert code == 0, err
    bucket = S3Store(SEAWEED_BUCKET, prefix, **seaweed_server.store_args())
    assert hashes(bucket) == pictures
    code, out, err = run(capsys, "--to-storage", f"s3://{SEAWEED_BUCKET}/{prefix}")
    assert code == 0 and f"{len(pictures)} already there" in out and f"{len(pictures)} files)" in out, out
