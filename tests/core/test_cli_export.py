"""`python -m storymaker export`: a finished book to a file, with plain messages when it cannot be."""

from __future__ import annotations

import io
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from pypdf import PdfReader

from storymaker import accounts
from storymaker.cli import main
from storymaker.config import Settings
from storymaker.engine import Engine
from storymaker.files import layout

from tests.conftest import make_book
from tests.fakes.models import MockImageModel, MockTextModel

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    path = tmp_path / "data"
    monkeypatch.setenv("STORYMAKER_DATA_DIR", str(path))
    return path


@pytest.fixture
def engine(data_dir):
    """The same library the command opens, with quick fake models to make books in it."""
    return Engine(Settings(provider="offline", data_dir=data_dir), text_model=MockTextModel(),
                  image_model=MockImageModel())


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(["export", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_writes_the_file_and_prints_its_path_and_size(engine, capsys, tmp_path):
    local = accounts.get_or_create(engine.db(), accounts.LOCAL_USER)
    book_id = make_book(engine, local.id)
    code, out, err = run(capsys, str(book_id))  # the PDF to read, named after the book, here
    assert code == 0, err
    path = Path("the-lighthouse-cat.pdf")
    assert out == f"{path} ({path.stat().st_size / 1000:.0f} KB)\n" and "Made now" in err
    assert len(PdfReader(path).pages) == 4 + 3

    code, out, err = run(capsys, str(book_id), "--format", "zip", "--out", str(tmp_path))  # a folder
    assert code == 0, err
    with zipfile.ZipFile(tmp_path / "the-lighthouse-cat.zip") as archive:
        assert "the-lighthouse-cat/story.csv" in archive.namelist()
    assert out.startswith(f"{tmp_path / 'the-lighthouse-cat.zip'} (")

    code, out, err = run(capsys, str(book_id), "--out", str(tmp_path / "again.pdf"))
    assert code == 0 and "the kept copy" in err
    assert (tmp_path / "again.pdf").read_bytes() == path.read_bytes()
    assert not list(tmp_path.glob("*.part"))


def test_another_account_and_its_book(engine, capsys):
    accounts.get_or_create(engine.db(), accounts.LOCAL_USER)
    grace = accounts.get_or_create(engine.db(), "grace")
    book_id = make_book(engine, grace.id)
    code, out, err = run(capsys, str(book_id))  # the local account has no such book
    assert (code, out) == (2, "") and err == (f"error: local has no book {book_id} (python -m storymaker export "
                                              "BOOK_ID --user NAME exports another account's book)\n")
    code, out, err = run(capsys, str(book_id), "--user", "grace", "--format", "pdf", "--out", "grace.pdf")
    assert code == 0 and Path("grace.pdf").exists()
    code, out, err = run(capsys, str(book_id), "--user", "nobody")
    assert code == 2 and "there is no account named 'nobody'" in err
    code, out, err = run(capsys, "12x", "--user", "grace")
    assert code == 2 and "grace has no book 12x" in err


def test_a_book_not_ready_says_why(engine, capsys):
    local = accounts.get_or_create(engine.db(), accounts.LOCAL_USER)
    making = make_book(engine, local.id, run=False)
    code, out, err = run(capsys, str(making))
    assert (code, out) == (1, "") and "cannot be exported yet: This book is still being made" in err
    done = make_book(engine, local.id, title="Snow Day")
    engine.store.delete(layout.page_key(done, 2))
    code, out, err = run(capsys, str(done), "--format", "zip")
    assert code == 1 and "Page 2 has no picture yet" in err and not list(Path().glob("*.zip"))


def test_bad_options_and_an_unwritable_path(engine, capsys, tmp_path):
    local = accounts.get_or_create(engine.db(), accounts.LOCAL_USER)
    book_id = make_book(engine, local.id)
    with pytest.raises(SystemExit) as stop:
        main(["export", str(book_id), "--trim", "6x9"])
    assert stop.value.code == 2 and "invalid choice: '6x9'" in capsys.readouterr().err
    code, out, err = run(capsys, str(book_id), "--out", str(tmp_path / "no" / "such" / "folder" / "b.pdf"))
    assert code == 2 and err.startswith("error: cannot write ") and "No such file or directory" in err


def test_the_installed_command_runs_it(engine, data_dir, tmp_path):
    local = accounts.get_or_create(engine.db(), accounts.LOCAL_USER)
    book_id = make_book(engine, local.id)
    done = subprocess.run([sys.executable, "-m", "storymaker", "export", str(book_id), "--out", str(tmp_path)],
                          capture_output=True, text=True, cwd=ROOT, timeout=120,
                          env={"STORYMAKER_DATA_DIR": str(data_dir), "PATH": "/usr/bin:/bin"})
    assert done.returncode == 0, done.stderr
    assert PdfReader(io.BytesIO((tmp_path / "the-lighthouse-cat.pdf").read_bytes())).pages
