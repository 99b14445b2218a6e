"""`make-book` refuses what is not right for a children's book before it makes anything."""

from storymaker import accounts, books, characters
from storymaker.data import open_database

from tests.core import test_cli
from tests.core.test_cli import CAST, run

data_dir = test_cli.data_dir  # the same fixture: a data folder of the test's own


def library(data_dir):
    db = open_database(data_dir / "storymaker.db")
    user = accounts.get_or_create(db, accounts.LOCAL_USER)
    return books.list_for(db, user.id), characters.list_for(db, user.id)


def test_a_refused_title_exits_non_zero_with_the_reason_and_makes_no_book(data_dir, capsys):
    code, out, err = run(capsys, "make-book", "--title", "The Wolf Beheaded Grandma", *CAST)
    assert code == 2 and out == ""
    assert ("error: title: This title mentions graphic violence, which Storymaker does not put in children's "
            "books.") in err and "Traceback" not in err
    assert library(data_dir) == ([], [])  # no book, and not even its characters


def test_a_refused_character_is_named_with_its_option(data_dir, capsys):
    code, out, err = run(capsys, "make-book", "--title", "The Lighthouse Cat", "--character", "Rex: smokes weed daily")
    assert code == 2 and out == ""
    assert "error: --character 'Rex: smokes weed daily': This look mentions drugs or crime" in err
    assert library(data_dir) == ([], [])


def test_a_moderation_service_that_is_down_fails_closed(data_dir, capsys, monkeypatch):
    from tests.fakes.openai_server import FakeOpenAI

    with FakeOpenAI() as fake:
        monkeypatch.setenv("OPENAI_API_KEY", "test-key")
        monkeypatch.setenv("OPENAI_BASE_URL", fake.base_url)
        fake.outage(60)
        code, out, err = run(capsys, "make-book", "--title", "The Lighthouse Cat", *CAST)
        assert {r.endpoint for r in fake.requests} == {"moderations"}  # nothing that costs money was asked
    assert code == 2 and out == ""
    assert "the check could not be made just now" in err and "Nothing was started" in err
    assert library(data_dir) == ([], [])
