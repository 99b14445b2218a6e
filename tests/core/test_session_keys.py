"""Keys entered for one session: process memory only, used for that user's jobs, never stored."""

import logging

import pytest

from storymaker import accounts, session_keys
from storymaker.services import studio
from storymaker.books import BookOptions
from storymaker.config import Settings
from storymaker.engine import Engine
from storymaker.models import keys
from storymaker.runner import Runner

from tests.conftest import make_cast
from tests.peek import sql
from tests.fakes.openai_server import FakeOpenAI

KEY = "sk-test-0123456789abcdef"


@pytest.fixture(autouse=True)
def _no_keys_left_over():
    session_keys._entries.clear()
    yield
    session_keys._entries.clear()


def test_a_session_key_switches_the_one_engine_to_openai_and_hides_the_key(mock_engine):
    offline_text = mock_engine.text_model
    with keys.using(KEY):
        assert mock_engine.settings.provider == "openai" and keys.current() == KEY
        assert mock_engine.settings.data_dir == mock_engine.data_dir
        assert KEY not in repr(mock_engine.settings) and not mock_engine.uses_offline_models
        assert KEY not in repr(mock_engine) and KEY not in repr(mock_engine.text_model)
        keyed_text = mock_engine.text_model
    with keys.using(KEY[::-1]):
        assert mock_engine.text_model is keyed_text  # one pair of OpenAI models for every key
    assert mock_engine.settings.provider == "offline" and mock_engine.text_model is offline_text
    assert keys.current() is None
    with pytest.raises(ValueError):
        with keys.using("  "):
            pass


@pytest.mark.parametrize("bad", ["", "short", "has a space in it", "x" * 401])
def test_bad_keys_are_refused_without_repeating_them(bad):
    with pytest.raises(session_keys.BadKey) as error:
        session_keys.check(bad)
    assert (bad or "§") not in str(error.value)


def test_key_for_gives_the_users_key_until_forgotten():
    assert session_keys.key_for(1) is None
    session_keys.register(1, KEY)
    assert session_keys.key_for(1) == KEY and session_keys.key_for(1) == KEY
    assert session_keys.key_for(2) is None
    session_keys.forget(1)
    assert session_keys.key_for(1) is None


def test_keys_expire_when_idle(mock_engine, monkeypatch):
    session_keys.register(1, KEY)
    monkeypatch.setattr(session_keys, "IDLE_S", -1.0)
    assert not session_keys.has_key(1)


def test_the_runner_runs_each_job_with_its_owners_key(mock_engine, user, monkeypatch):
    used = []
    # The same engine for every job; each job's model calls carry its owner's key.
    monkeypatch.setattr(session_keys.runner, "run_job",
                        lambda engine, job: used.append((engine is mock_engine, keys.current())))
    eve = accounts.get_or_create(mock_engine.db(), "eve")
    studio.start_book(mock_engine, user.id, BookOptions("Ada's", scene_count=4), make_cast(mock_engine, user.id))
    studio.start_book(mock_engine, eve.id, BookOptions("Eve's", scene_count=4), make_cast(mock_engine, eve.id))
    session_keys.register(user.id, KEY)
    Runner(mock_engine, work=session_keys.run_job).run_until_idle()
    assert sorted(used, key=str) == sorted([(True, KEY), (True, KEY), (True, None), (True, None)], key=str)  # story + cover each


def key_fragments(key: str, size: int = 8) -> set[str]:
    folded = key.lower()
    return {folded[i:i + size] for i in range(len(folded) - size + 1)}


def test_keys_never_reach_the_database(tmp_path, caplog):
    # The real openai adapter against the fake server, which takes only this key and,
    # for one picture, echoes it back upper-cased and cut short in its error message.
    caplog.set_level(logging.DEBUG)
    key = "sk-proj-Secret0123456789abcdefXYZ"
    with FakeOpenAI(image_size=(64, 64)) as fake:
        fake.expected_key = key
        fake.enqueue_error("generations", 400, f"Invalid prompt for key {key.upper()[:22]}, see {key[3:14]}.")
        base = Engine(Settings(provider="offline", base_url=fake.base_url, data_dir=tmp_path / "data",
                               sdk_max_retries=0, text_timeout=10, image_timeout=10))
        user = accounts.get_or_create(base.db(), "ada")
        session_keys.register(user.id, key)
        studio.start_book(base, user.id, BookOptions("Ada's", scene_count=4), make_cast(base, user.id))
        Runner(base, work=session_keys.run_job).run_until_idle(timeout=60)
    assert all(r.has_auth and r.status in (200, 400) for r in fake.requests)  # the key was sent and accepted
    assert len(fake.requests_for("chat")) == 1 and len(fake.requests_for("generations")) == 5
    errors = [e for (e,) in sql(base.db(), "SELECT error FROM jobs WHERE error IS NOT NULL")]
    assert len(errors) == 1 and "Invalid prompt for key ***" in errors[0]  # the echo was recorded, hidden
    stored = [p for p in base.data_dir.rglob("*") if p.is_file()]
    assert stored
    fragments = key_fragments(key)
    for text in [p.read_bytes().decode("latin-1") for p in stored] + [caplog.text]:
        folded = text.lower()
        assert not [f for f in fragments if f in folded]


def test_an_oidc_identity_gets_its_own_reserved_account(mock_engine):
    db = mock_engine.db()
    one = accounts.for_identity(db, "https://issuer.example", "subject-1")
    assert accounts.for_identity(db, "https://issuer.example", "subject-1") == one
    assert accounts.for_identity(db, "https://other.example", "subject-1") != one
    with pytest.raises(accounts.AccountError, match="taken"):
        accounts.sign_up(db, one.username, "a long password")
    with pytest.raises(accounts.AccountError, match="do not match"):
        accounts.sign_in(db, one.username, "")
    with pytest.raises(accounts.AccountError):
        accounts.for_identity(db, "", "")
