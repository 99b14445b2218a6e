"""`python -m storymaker make-book` end to end with the offline models."""

import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from storymaker.data import open_database
from storymaker.cli import main
from storymaker.scenes import COLUMNS, parse_csv

from tests.peek import sql

ROOT = Path(__file__).resolve().parents[2]
CAST = ["--character", "Mia: a curious girl with red boots", "--character", "Pip: a tiny grey cat"]


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    path = tmp_path / "books-live-here"
    monkeypatch.setenv("STORYMAKER_DATA_DIR", str(path))
    return path


def run(capsys, *args):
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_make_book_writes_exactly_the_book_folder(data_dir, capsys):
    code, out, err = run(capsys, "make-book", "--title", "The Lighthouse Cat", *CAST)
    assert code == 0, err
    folder = Path(out.strip().splitlines()[-1])
    assert folder.parent == (data_dir / "storymaker").resolve() and folder.name.startswith("book_")
    pages = [f"scene_{n:02d}.png" for n in range(1, 11)]
    assert sorted(p.name for p in folder.iterdir()) == sorted(["story.csv", "cover.png", "thumbs", "takes", *pages])
    assert len(list((folder / "takes").iterdir())) == 2 * 11  # every picture drawn, as a take: PNG + thumbnail
    assert sorted(p.name for p in (folder / "thumbs").iterdir()) == sorted(
        ["cover.webp", *(p.replace(".png", ".webp") for p in pages)])

    scenes = parse_csv((folder / "story.csv").read_bytes(), 10, ["Mia", "Pip"])
    assert (folder / "story.csv").read_bytes().startswith(b"\xef\xbb\xbf")  # a byte order mark, for Excel
    assert (folder / "story.csv").read_text(encoding="utf-8-sig").splitlines()[0] == ",".join(COLUMNS)
    assert {name for s in scenes for name in s.characters} == {"Mia", "Pip"}

    for page in pages + ["cover.png"]:
        with Image.open(folder / page) as picture:
            assert picture.format == "PNG" and min(picture.size) >= 1024
    for thumb in (folder / "thumbs").iterdir():
        assert thumb.stat().st_size < 64 * 1024
        with Image.open(thumb) as picture:
            assert picture.format == "WEBP" and max(picture.size) == 256
    assert "pages 10/10" in err and "offline models" in err


def test_make_book_options_reach_the_book(data_dir, capsys):
    code, out, err = run(capsys, "make-book", "--title", "Snow Day", "--scenes", "4", "--age", "3-5",
                         "--style", "pixel-art", "--premise", "sharing is caring", "--user", "grace", *CAST)
    assert code == 0, err
    folder = Path(out.strip().splitlines()[-1])
    assert len(list(folder.glob("scene_*.png"))) == 4
    [row] = sql(open_database(data_dir / "storymaker.db"),
                "SELECT b.title, b.scene_count, b.age_band, b.style, b.premise, u.username "
                "FROM books b JOIN users u ON u.id = b.user_id")
    assert row == ("Snow Day", 4, "3-5", "pixel-art", "sharing is caring", "grace")


def test_an_avatar_is_cleaned_and_used(data_dir, capsys, tmp_path):
    avatar = tmp_path / "pip.jpg"
    Image.new("RGB", (300, 300), (20, 180, 220)).save(avatar, "JPEG")
    code, out, err = run(capsys, "make-book", "--title", "Pip's Day", "--scenes", "4", *CAST, "--avatar", f"Pip={avatar}")
    assert code == 0, err
    stored = list((data_dir / "avatars").rglob("*.png"))
    assert len(stored) == 1


@pytest.mark.parametrize("args, message", [
    (["--scenes", "40"], "scene count: A book has 4 to 16 scenes"),
    (["--avatar", "Bob=x.png"], "not in the book: bob"),
    (["--avatar", "Pip"], "--avatar takes NAME=PATH"),
    (["--avatar", "Pip=missing.png"], "cannot read the avatar for Pip"),
])
def test_bad_input_gets_a_clear_message_and_no_book(data_dir, capsys, args, message):
    code, out, err = run(capsys, "make-book", "--title", "T", *CAST, *args)
    assert code == 2 and message in err and "Traceback" not in err
    assert not (data_dir / "storymaker").exists()


def test_a_file_that_is_not_a_picture_is_refused(data_dir, capsys, tmp_path):
    fake = tmp_path / "pip.png"
    fake.write_text("not a picture at all")
    code, out, err = run(capsys, "make-book", "--title", "T", *CAST, "--avatar", f"Pip={fake}")
    assert code == 2 and "not a picture" in err


def test_help_documents_every_option():
    result = subprocess.run([sys.executable, "-m", "storymaker", "make-book", "--help"], cwd=ROOT,
                            capture_output=True, text=True, check=True)
    for option in ("--title", "--character", "--scenes", "--age", "--style", "--language", "--premise",
                   "--avatar", "--user", "STORYMAKER_DATA_DIR", "OPENAI_BASE_URL"):
        assert option in result.stdout
    top = subprocess.run([sys.executable, "-m", "storymaker", "--help"], cwd=ROOT, capture_output=True, text=True)
    assert "make-book" in top.stdout and "worker" in top.stdout


def test_the_offline_writer_says_when_it_cannot_write_the_language(data_dir, capsys):
    code, out, err = run(capsys, "make-book", "--title", "El gato", "--scenes", "4", "--language", "Klingon", *CAST)
    assert code == 0 and "writes in English, not Klingon" in err


@pytest.fixture
def fake_server(monkeypatch):
    from tests.fakes.openai_server import FakeOpenAI

    with FakeOpenAI(image_size=(64, 64)) as server:
        monkeypatch.setenv("STORYMAKER_PROVIDER", "openai")
        monkeypatch.setenv("OPENAI_API_KEY", "test-key")
        monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
        yield server


def test_a_failed_book_prints_the_reason_no_folder_and_exits_non_zero(data_dir, capsys, fake_server, monkeypatch):
    monkeypatch.setenv("STORYMAKER_MODERATION_MODEL", "none")  # the word list: the input check needs no key
    fake_server.expected_key = "another-key"  # every request gets a 401
    code, out, err = run(capsys, "make-book", "--title", "Locked Out", "--scenes", "4", *CAST)
    assert code == 1 and out == ""
    assert "error: the book is not finished" in err and "key was not accepted" in err and "Traceback" not in err
    assert not list((data_dir / "storymaker").glob("book_*"))  # nothing was made, so no folder is named


def test_a_partly_made_book_names_where_its_pages_are_but_prints_no_folder(data_dir, capsys, fake_server):
    fake_server.refuse("images")
    code, out, err = run(capsys, "make-book", "--title", "Half Done", "--scenes", "4", *CAST)
    assert code == 1 and out == ""
    folder = next((data_dir / "storymaker").glob("book_*")).resolve()
    assert "safety system" in err and f"What was made so far is in {folder}" in err


def test_the_progress_line_says_what_the_book_waits_for(data_dir, capsys, fake_server):
    fake_server.rate_limit("chat", 1, retry_after=2)
    code, out, err = run(capsys, "make-book", "--title", "Patience", "--scenes", "4", *CAST)
    assert code == 0, err
    assert "the story: the text service asked us to wait 2 s; trying again in" in err
    assert Path(out.strip().splitlines()[-1]).is_dir()
    waiting_lines = [line for line in err.splitlines() if "asked us to wait" in line]
    # A line per change of state, not one per second of the countdown.
    states = [line.split("; trying again in")[0] for line in waiting_lines]
    assert len(states) == len(set(states))
