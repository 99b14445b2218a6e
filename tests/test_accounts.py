import pytest

from storymaker import accounts
from storymaker.accounts import AccountError, TooManyAttempts


@pytest.fixture
def database(mock_engine):
    accounts.throttle = accounts._Throttle(base_s=0.2)
    return mock_engine.db()


def test_sign_up_then_sign_in(database):
    user = accounts.sign_up(database, "grace", "correct horse")
    assert accounts.sign_in(database, "grace", "correct horse") == user
    stored = database.execute("SELECT password_hash FROM users WHERE id = ?", [user.id]).fetchone()[0]
    assert stored.startswith("$argon2id$") and "correct horse" not in stored


@pytest.mark.parametrize("username, password", [("grace", "wrong password"), ("nobody", "correct horse"), ("", "")])
def test_wrong_credentials_get_one_uniform_message(database, username, password):
    accounts.sign_up(database, "grace", "correct horse")
    with pytest.raises(AccountError) as error:
        accounts.sign_in(database, username, password)
    assert str(error.value) == accounts.WRONG_CREDENTIALS


def test_the_local_cli_account_cannot_be_signed_into(database):
    accounts.get_or_create(database)
    with pytest.raises(AccountError, match="do not match"):
        accounts.sign_in(database, "local", "")


@pytest.mark.parametrize("username, password, message", [
    ("grace", "short", "at least 8"),
    ("g", "long enough", "2 to 40"),
    ("with space", "long enough", "no spaces"),
    ("local", "long enough", "taken"),
])
def test_sign_up_rules(database, username, password, message):
    with pytest.raises(AccountError, match=message):
        accounts.sign_up(database, username, password)


def test_usernames_are_unique_ignoring_case(database):
    accounts.sign_up(database, "Grace", "correct horse")
    with pytest.raises(AccountError, match="taken"):
        accounts.sign_up(database, "grace", "another one")


def test_repeated_failures_are_slowed_down(database):
    accounts.sign_up(database, "grace", "correct horse")
    for _ in range(3):
        with pytest.raises(AccountError):
            accounts.sign_in(database, "grace", "nope")
    with pytest.raises(TooManyAttempts) as error:
        accounts.sign_in(database, "grace", "correct horse")  # even the right password waits
    assert "Wait" in str(error.value)
