import subprocess
import sys
import threading
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from sqlalchemy import text

from tests.peek import sql
from storymaker import accounts
from storymaker.accounts import AccountError, TooManyAttempts
from storymaker.data import accounts as stored_accounts
from storymaker.data import sign_ins


@pytest.fixture(autouse=True)
def quick_hashes(monkeypatch):
    # Hundreds of sign-ins per test: cheap Argon2 parameters (the dummy hash keeps the real ones).
    monkeypatch.setattr(accounts, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


@pytest.fixture
def database(any_db):
    """Every test here runs on SQLite and on PostgreSQL."""
    return any_db




class Clock:
    """The throttle's clock, moved by hand."""

    def __init__(self):
        self.now = 1_000_000.0

    def __call__(self):
        return self.now


@pytest.fixture
def clock(monkeypatch):
    fake = Clock()
    monkeypatch.setattr(accounts, "_clock", fake)
    return fake


def test_sign_up_then_sign_in(database):
    user = accounts.sign_up(database, "grace", "correct horse")
    assert accounts.sign_in(database, "grace", "correct horse") == user
    stored = stored_accounts.find(database, "grace", "grace").password_hash
    assert stored.startswith("$argon2id$") and "correct horse" not in stored


@pytest.mark.parametrize("username, password", [("grace", "wrong password"), ("nobody", "correct horse"), ("", "")])
def test_wrong_credentials_get_one_uniform_message(database, username, password):
    accounts.sign_up(database, "grace", "correct horse")
    with pytest.raises(AccountError) as error:
        accounts.sign_in(database, username, password)
    assert str(error.value) == accounts.WRONG_CREDENTIALS


@pytest.mark.parametrize("password", ["", accounts._DUMMY_PASSWORD], ids=["empty", "the dummy password"])
def test_the_local_cli_account_cannot_be_signed_into(database, password):
    # A password-less account is checked against the internal dummy hash (so it takes as
    # long as any other): even the password that hash was made from must not open it.
    accounts.get_or_create(database)
    with pytest.raises(AccountError, match="do not match"):
        accounts.sign_in(database, "local", password, client="a")


@pytest.mark.parametrize("username, password, message", [
    ("grace", "short", "at least 8"),
    ("g", "long enough", "2 to 40"),
    ("with space", "long enough", "no spaces"),
    ("local", "long enough", "taken"),
    ("grace", " " * 12, "only spaces"),
    ("grace", "\t \u3000 \n    ", "only spaces"),
    ("grace", "password1", "most common"),
    ("grace", "Iloveyou1", "most common"),
    ("grace", "  qwertyuiop ", "most common"),
    ("grace", "pass word 1", "most common"),
    ("adalovelace", "Ada Lovelace", "repeats the username"),
])
def test_sign_up_rules(database, username, password, message):
    with pytest.raises(AccountError, match=message):
        accounts.sign_up(database, username, password)
    assert sql(database, "SELECT count(*) FROM users")[0][0] == 0


def test_usernames_are_unique_ignoring_case(database):
    accounts.sign_up(database, "Grace", "correct horse")
    with pytest.raises(AccountError, match="taken"):
        accounts.sign_up(database, "grace", "another one")


@pytest.mark.parametrize("first, second", [
    ("ÅLICE", "ålice"),
    ("ålice", "ÅLICE"),
    ("alice", "ａｌｉｃｅ"),  # fullwidth
    ("ａｌｉｃｅ", "ALICE"),
    ("Straße", "STRASSE"),
    ("Åsa", "\u212bsa"),  # the Angstrom sign
])
def test_usernames_are_one_name_after_nfkc_and_case_folding(database, first, second):
    user = accounts.sign_up(database, first, "correct horse")
    with pytest.raises(AccountError, match="taken"):
        accounts.sign_up(database, second, "correct horse")
    assert accounts.sign_in(database, second, "correct horse", client="a") == user


@pytest.mark.parametrize("taken, look_alike", [
    ("alice", "\u0430lice"),  # Cyrillic a
    ("alice", "a1ice"),
    ("bob", "b0b"),
    ("modern", "rnodern"),
])
def test_look_alikes_of_existing_names_are_refused(database, taken, look_alike):
    accounts.sign_up(database, taken, "correct horse")
    with pytest.raises(AccountError, match="looks too much like"):
        accounts.sign_up(database, look_alike, "correct horse")


@pytest.mark.parametrize("reserved", ["ｌｏｃａｌ", "LOCAL", "\u0406ocal", "1ocal", "oidc-abc", "OIDC-abc", "0idc-abc"])
def test_look_alikes_of_reserved_names_are_refused(database, reserved):
    with pytest.raises(AccountError, match="taken"):
        accounts.sign_up(database, reserved, "correct horse")


def test_different_names_stay_allowed(database):
    for name in ("grace", "ada", "lena", "alice", "ålice", "olga", "Ольга"):
        accounts.sign_up(database, name, "correct horse")


def test_accounts_made_before_canonical_names_keep_working(tmp_path):
    from sqlalchemy import create_engine

    from storymaker.data import Database, migrate

    path = tmp_path / "old.db"
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        migrate.run_migrations(conn, "0002")  # a library from before canonical names
        hashed = accounts._hasher.hash("correct horse")
        for name in ("Grace", "ÅSA", "åsa"):  # NOCASE folded ASCII only: the last two were two accounts
            conn.execute(text("INSERT INTO users (username, password_hash, created_at) VALUES (:n, :h, 'then')"),
                         {"n": name, "h": hashed})
    engine.dispose()
    database = Database(path)
    assert accounts.sign_in(database, "GRACE", "correct horse", client="a").username == "Grace"
    assert accounts.sign_in(database, "ÅSA", "correct horse", client="a").username == "ÅSA"
    assert accounts.sign_in(database, "åsa", "correct horse", client="a").username == "åsa"
    with pytest.raises(AccountError, match="taken|looks too much"):
        accounts.sign_up(database, "ÅSa", "correct horse")


def test_repeated_failures_are_slowed_down(database, clock):
    accounts.sign_up(database, "grace", "correct horse")
    for _ in range(accounts.USER_FREE):
        with pytest.raises(AccountError, match="do not match"):
            accounts.sign_in(database, "grace", "nope", client="a")
    with pytest.raises(TooManyAttempts) as error:
        accounts.sign_in(database, "grace", "correct horse", client="a")  # even the right password waits
    assert "Wait" in str(error.value)
    clock.now += accounts.USER_BASE_S
    assert accounts.sign_in(database, "GRACE", "correct horse", client="a").username == "grace"


def test_parallel_wrong_guesses_are_not_all_checked(database, monkeypatch, clock):
    accounts.sign_up(database, "grace", "correct horse")
    checked = []
    real = accounts._password_matches

    def counting(stored, password):
        checked.append(password)
        return real(stored, password)

    monkeypatch.setattr(accounts, "_password_matches", counting)
    start = threading.Barrier(30)
    outcomes = []

    def guess(n):
        start.wait()  # each thread's units run on a connection of their own, as in the app
        try:
            accounts.sign_in(database, "grace", f"guess {n}", client=f"10.0.0.{n}")
        except TooManyAttempts:
            outcomes.append("wait")
        except AccountError:
            outcomes.append("wrong")

    threads = [threading.Thread(target=guess, args=(n,)) for n in range(30)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(outcomes) == 30
    assert len(checked) == outcomes.count("wrong") == accounts.USER_FREE  # the clock stands still meanwhile


def test_the_throttle_stays_bounded(database, clock, monkeypatch):
    monkeypatch.setattr(accounts, "MAX_ROWS", 500)
    for n in range(5_000):
        accounts._reserve_attempt(database, f"name{n}", client=f"client{n}")  # no hashing: the bound is the point
        clock.now += 0.001
    assert sign_ins.count(database) <= 500
    clock.now += accounts.FORGET_S + 1
    accounts._reserve_attempt(database, "late", client="z")
    assert sign_ins.count(database) == 2


def test_one_client_guessing_many_names_is_stopped(database, clock):
    for n in range(accounts.CLIENT_FREE):
        with pytest.raises(AccountError, match="do not match"):
            accounts.sign_in(database, f"name{n}", "a password", client="mallory")
    waits = []
    for n in range(8):
        with pytest.raises(TooManyAttempts) as error:
            accounts.sign_in(database, f"more{n}", "a password", client="mallory")
        waits.append(error.value.wait_s)
        clock.now += error.value.wait_s  # then one more wrong guess is let through
        with pytest.raises(AccountError, match="do not match"):
            accounts.sign_in(database, f"more{n}", "a password", client="mallory")
    assert waits == sorted(waits) and waits[-1] >= 60  # the client's wait keeps growing
    with pytest.raises(AccountError, match="do not match"):  # other clients are not held up
        accounts.sign_in(database, "name0", "a password", client="someone else")


def test_strangers_cannot_keep_the_owner_out(database, clock):
    owner = accounts.sign_up(database, "grace", "correct horse")
    # Many clients hammer the name, each as soon as it may try again.
    longest_wait = 0.0
    for n in range(200):
        try:
            accounts.sign_in(database, "grace", f"guess {n}", client=f"bot{n}")
        except TooManyAttempts as error:
            longest_wait = max(longest_wait, error.wait_s)
            clock.now += error.wait_s
        except AccountError:
            pass
    assert 0 < longest_wait <= accounts.USER_MAX_S <= 5
    # The owner, from another client, gets in within a few seconds.
    clock.now += accounts.USER_MAX_S
    assert accounts.sign_in(database, "grace", "correct horse", client="owner") == owner


def test_failures_in_another_process_count_here(database, monkeypatch):
    accounts.sign_up(database, "grace", "correct horse")
    script = (
        "import sys; from storymaker import accounts, data\n"
        "conn = data.open_database(sys.argv[1])\n"
        "for n in range(accounts.USER_FREE):\n"
        "    try: accounts.sign_in(conn, 'grace', f'guess {n}', client='elsewhere')\n"
        "    except accounts.AccountError: pass\n"
    )
    root = Path(__file__).resolve().parents[2]
    address = database.url.render_as_string(hide_password=False)
    subprocess.run([sys.executable, "-c", script, address], cwd=root, check=True, timeout=60)
    counted = sign_ins.find(database, "user:grace")
    assert counted is not None
    failures, last_at = counted.failures, counted.last_at
    assert failures == accounts.USER_FREE
    monkeypatch.setattr(accounts, "_clock", lambda: last_at)  # right after them, however slow this machine is
    with pytest.raises(TooManyAttempts):
        accounts.sign_in(database, "grace", "correct horse", client="here")


@pytest.mark.parametrize("wait_s, words", [(0.2, "Wait 1 second and"), (3.4, "Wait 3 seconds"), (900, "Wait 15 minutes")])
def test_the_wait_is_said_plainly(wait_s, words):
    assert words in str(TooManyAttempts(wait_s))
