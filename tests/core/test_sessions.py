"""Remembered sign-ins (storymaker.sessions and its service), on SQLite and on PostgreSQL:
what the cookie's token is, what the database keeps of it, how long it lives and when it stops."""

import base64
import dataclasses
import hashlib
import re
import threading

import pytest
from argon2 import PasswordHasher

from storymaker import accounts, sessions
from storymaker.accounts import AccountError, TooManyAttempts, User
from storymaker.config import ConfigError, load_settings
from storymaker.engine import Engine
from storymaker.services import sessions as service

from tests.peek import sql, value

NOW = 1_000_000.0
DAY = 86_400.0
DAYS = 30.0
UA = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"


@pytest.fixture(autouse=True)
def quick_hashes(monkeypatch):
    monkeypatch.setattr(accounts, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


@pytest.fixture
def db(any_db):
    return any_db


@pytest.fixture
def ada(db) -> User:
    return accounts.get_or_create(db, "ada")


def remembered(db, user, now=NOW, days=DAYS) -> tuple[int, str]:
    """A sign-in whose browser took its cookie: (session id, the cookie's token)."""
    session_id, ticket = sessions.begin(db, user, UA, now, days)
    token = sessions.trade_ticket(db, ticket, now, days)
    assert token is not None
    return session_id, token


def every_stored_value(db) -> str:
    rows = sql(db, "SELECT * FROM sessions") + sql(db, "SELECT * FROM session_tickets")
    return "\n".join(repr(cell) for row in rows for cell in row)


# -- the token and what is kept of it ------------------------------------------------------

def test_tokens_and_tickets_are_long_and_random(db, ada):
    secrets_seen = set()
    for _ in range(20):
        _, ticket = sessions.begin(db, ada, UA, NOW, DAYS)
        token = sessions.trade_ticket(db, ticket, NOW, DAYS)
        for secret in (ticket, token):
            assert re.fullmatch(r"[A-Za-z0-9_-]+", secret)
            assert len(base64.urlsafe_b64decode(secret + "=" * (-len(secret) % 4))) >= 16  # 128 bits or more
            secrets_seen.add(secret)
    assert len(secrets_seen) == 40  # never one twice


def test_only_the_sha256_of_a_ticket_or_token_is_stored(db, ada):
    session_id, ticket = sessions.begin(db, ada, UA, NOW, DAYS)
    assert value(db, "SELECT ticket_hash FROM session_tickets") == hashlib.sha256(ticket.encode()).hexdigest()
    assert ticket not in every_stored_value(db)
    token = sessions.trade_ticket(db, ticket, NOW, DAYS)
    assert value(db, "SELECT token_hash FROM sessions WHERE id = :id", id=session_id) == \
        hashlib.sha256(token.encode()).hexdigest()
    stored = every_stored_value(db)
    assert token not in stored and ticket not in stored


# -- restore: the cookie read back ----------------------------------------------------------

def test_a_good_token_restores_its_user_and_session(db, ada):
    session_id, token = remembered(db, ada)
    restored = sessions.restore(db, token, NOW + 60, DAYS)
    assert restored is not None and restored.user == ada and restored.session_id == session_id


@pytest.mark.parametrize("forged", [
    "unknown",  # well formed, but no session has it (filled in below)
    "!" * 43,  # wrong charset
    "é" * 43,
    "a" * 39,  # too short
    "a" * 65,  # too long
    "",
    None,
    42,
    b"a" * 43,
    ["a" * 43],
    {"token": "a" * 43},
])
def test_a_forged_or_malformed_token_restores_nobody(db, ada, forged):
    _, token = remembered(db, ada)
    forged = sessions.new_secret() if forged == "unknown" else forged
    assert sessions.restore(db, forged, NOW + 60, DAYS) is None
    assert sessions.restore(db, token + "\n", NOW + 60, DAYS) is None  # nothing around a good one either
    assert not sessions.renew_cookie(db, forged, NOW + 60, DAYS)
    sessions.forget_cookie(db, forged)  # ends nothing, raises nothing
    assert sessions.restore(db, token, NOW + 60, DAYS) is not None


def test_an_ended_sign_in_restores_nobody(db, ada):
    first, first_token = remembered(db, ada)
    _, second_token = remembered(db, ada)
    third, third_token = remembered(db, ada)
    assert sessions.end(db, ada, first)
    sessions.forget_cookie(db, second_token)
    assert [s.id for s in sessions.places(db, ada, NOW)] == [third]
    assert sessions.end_all(db, ada) == 1
    for token in (first_token, second_token, third_token):
        assert sessions.restore(db, token, NOW + 60, DAYS) is None


def test_use_keeps_a_sign_in_alive_and_idleness_ends_it(db, ada):
    _, token = remembered(db, ada)
    last = NOW
    for day in range(1, 61):  # used once a day for twice its length
        last = NOW + day * DAY
        assert sessions.restore(db, token, last, DAYS) is not None, f"gone on day {day}"
    assert sessions.places(db, ada, last + DAYS * DAY - 1)  # idle, but not yet for its length (places never slides)
    assert sessions.restore(db, token, last + (DAYS + 1) * DAY, DAYS) is None  # idle for its length and a day


def test_a_sign_in_idle_for_its_length_and_a_day_is_gone(db, ada):
    _, token = remembered(db, ada)
    assert sessions.restore(db, token, NOW + (DAYS + 1) * DAY, DAYS) is None
    assert sessions.places(db, ada, NOW + (DAYS + 1) * DAY) == []


def test_last_seen_is_written_at_most_every_few_minutes(db, ada):
    session_id, token = remembered(db, ada)
    seen = lambda: value(db, "SELECT last_seen FROM sessions WHERE id = :id", id=session_id)  # noqa: E731
    sessions.restore(db, token, NOW + sessions.SEEN_EVERY_S - 1, DAYS)
    assert sessions.still_signed_in(db, session_id, ada, NOW + sessions.SEEN_EVERY_S - 1, DAYS)
    assert seen() == NOW
    sessions.restore(db, token, NOW + sessions.SEEN_EVERY_S, DAYS)
    assert seen() == NOW + sessions.SEEN_EVERY_S
    assert value(db, "SELECT expires_at FROM sessions WHERE id = :id", id=session_id) == \
        NOW + sessions.SEEN_EVERY_S + DAYS * DAY
    sessions.still_signed_in(db, session_id, ada, NOW + 2 * sessions.SEEN_EVERY_S, DAYS)
    assert seen() == NOW + 2 * sessions.SEEN_EVERY_S  # a tab's own runs move it on too


def test_the_browser_gets_its_cookie_again_after_a_day(db, ada):
    _, token = remembered(db, ada)
    assert not sessions.restore(db, token, NOW + 3600, DAYS).renew_cookie
    assert not sessions.restore(db, token, NOW + sessions.RENEW_COOKIE_S - 1, DAYS).renew_cookie
    assert sessions.restore(db, token, NOW + sessions.RENEW_COOKIE_S, DAYS).renew_cookie
    assert sessions.renew_cookie(db, token, NOW + sessions.RENEW_COOKIE_S, DAYS)
    assert not sessions.restore(db, token, NOW + sessions.RENEW_COOKIE_S + 60, DAYS).renew_cookie


# -- tickets -------------------------------------------------------------------------------

def test_a_ticket_is_traded_once(db, ada):
    _, ticket = sessions.begin(db, ada, UA, NOW, DAYS)
    assert sessions.trade_ticket(db, ticket, NOW + 1, DAYS) is not None
    assert sessions.trade_ticket(db, ticket, NOW + 2, DAYS) is None


def test_two_requests_with_one_ticket_get_one_cookie(db, ada):
    _, ticket = sessions.begin(db, ada, UA, NOW, DAYS)
    start, tokens = threading.Barrier(4), []

    def trade():
        start.wait()
        tokens.append(sessions.trade_ticket(db, ticket, NOW + 1, DAYS))

    threads = [threading.Thread(target=trade) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(tokens) == 4 and len([t for t in tokens if t]) == 1
    assert sessions.restore(db, next(t for t in tokens if t), NOW + 2, DAYS) is not None


def test_a_ticket_older_than_a_minute_is_refused(db, ada):
    session_id, ticket = sessions.begin(db, ada, UA, NOW, DAYS)
    assert sessions.trade_ticket(db, ticket, NOW + 61, DAYS) is None
    assert sessions.still_signed_in(db, session_id, ada, NOW + 61, DAYS)  # the tab stays signed in without a cookie
    again = sessions.new_ticket(db, session_id, NOW + 62)  # and may ask for another ticket
    assert again and sessions.trade_ticket(db, again, NOW + 63, DAYS) is not None


def test_a_ticket_of_an_ended_sign_in_is_refused(db, ada):
    session_id, ticket = sessions.begin(db, ada, UA, NOW, DAYS)
    sessions.end(db, ada, session_id)
    assert sessions.trade_ticket(db, ticket, NOW + 1, DAYS) is None
    assert sessions.new_ticket(db, session_id, NOW + 2) is None


def test_a_sign_in_keeps_its_browser_printable_and_short(db, ada):
    session_id, _ = sessions.begin(db, ada, "Evil\x00Agent\n" + "x" * 500, NOW, DAYS)
    kept = value(db, "SELECT browser FROM sessions WHERE id = :id", id=session_id)
    assert kept.startswith("EvilAgent") and len(kept) == 200


# -- a tab's sign-in --------------------------------------------------------------------------

def test_still_signed_in_until_it_ends(db, ada):
    bob = accounts.get_or_create(db, "bob")
    session_id, _ = sessions.begin(db, ada, UA, NOW, DAYS)
    bobs, _ = sessions.begin(db, bob, UA, NOW, DAYS)
    assert sessions.still_signed_in(db, session_id, ada, NOW + 1, DAYS)
    assert not sessions.still_signed_in(db, bobs, ada, NOW + 1, DAYS)  # another person's session id
    assert not sessions.end(db, bob, session_id)  # nobody signs another person out
    assert sessions.end(db, ada, session_id)
    assert not sessions.still_signed_in(db, session_id, ada, NOW + 2, DAYS)


def test_still_signed_in_is_false_once_its_account_was_recreated_under_another_name(db, ada):
    # A database made afresh hands out the same ids again: id 1 may now be someone else.
    session_id, _ = sessions.begin(db, ada, UA, NOW, DAYS)
    sql(db, "UPDATE users SET username = 'mallory', canonical = 'mallory' WHERE id = :id", id=ada.id)
    assert not sessions.still_signed_in(db, session_id, ada, NOW + 1, DAYS)
    assert sessions.still_signed_in(db, session_id, User(ada.id, "mallory"), NOW + 1, DAYS)


def test_still_signed_in_is_false_once_it_expired(db, ada):
    session_id, _ = sessions.begin(db, ada, UA, NOW, DAYS)
    assert not sessions.still_signed_in(db, session_id, ada, NOW + DAYS * DAY, DAYS)


def test_a_new_sign_in_forgets_expired_ones(db, ada):
    sessions.begin(db, ada, UA, NOW, DAYS)
    sessions.begin(db, ada, UA, NOW + (DAYS + 1) * DAY, DAYS)
    assert value(db, "SELECT count(*) FROM sessions") == 1
    assert value(db, "SELECT count(*) FROM session_tickets") == 1


# -- the service: the clock and the settings' length ----------------------------------------

class Clock:
    def __init__(self):
        self.now = NOW

    def __call__(self):
        return self.now


@pytest.fixture
def clock(monkeypatch):
    fake = Clock()
    monkeypatch.setattr(service, "_clock", fake)
    monkeypatch.setattr(accounts, "_clock", fake)  # the throttle's, so waits are exact
    return fake


def test_the_service_uses_the_settings_length(settings, clock):
    engine = Engine(dataclasses.replace(settings, sign_in_days=2.0))
    grace = accounts.sign_up(engine.db(), "grace", "correct horse")
    _, ticket = service.begin(engine, grace, UA)
    token = service.trade_ticket(engine, ticket)
    clock.now += 2 * DAY - 60
    assert service.restore(engine, token) is not None
    clock.now += 2 * DAY + 60
    assert service.restore(engine, token) is None


@pytest.fixture
def grace(mock_engine):
    return accounts.sign_up(mock_engine.db(), "grace", "correct horse")


def test_changing_the_password_signs_out_every_other_place(mock_engine, grace, clock):
    here, _ = service.begin(mock_engine, grace, UA)
    phone, phone_ticket = service.begin(mock_engine, grace, "Mozilla/5.0 (iPhone) Safari/604.1")
    laptop, _ = service.begin(mock_engine, grace, UA)
    phone_token = service.trade_ticket(mock_engine, phone_ticket)
    other = accounts.sign_up(mock_engine.db(), "alan", "correct horse")
    others, _ = service.begin(mock_engine, other, UA)

    assert service.change_password(mock_engine, grace, "correct horse", "battery staple", keep=here) == 2
    assert [s.id for s in service.places(mock_engine, grace)] == [here]
    assert service.still_signed_in(mock_engine, here, grace)
    assert not service.still_signed_in(mock_engine, laptop, grace)
    assert not service.still_signed_in(mock_engine, phone, grace) and service.restore(mock_engine, phone_token) is None
    assert service.still_signed_in(mock_engine, others, other)  # another person's sign-ins are theirs
    assert accounts.sign_in(mock_engine.db(), "grace", "battery staple") == grace
    with pytest.raises(AccountError, match="do not match"):
        accounts.sign_in(mock_engine.db(), "grace", "correct horse")


def test_a_wrong_current_password_changes_nothing_and_is_counted(mock_engine, grace, clock):
    here, _ = service.begin(mock_engine, grace, UA)
    elsewhere, _ = service.begin(mock_engine, grace, UA)
    for _ in range(accounts.USER_FREE):
        with pytest.raises(AccountError) as refused:
            service.change_password(mock_engine, grace, "wrong horse", "battery staple", keep=here, client="1.2.3.4")
        assert str(refused.value) == "That is not your current password."
    assert service.still_signed_in(mock_engine, elsewhere, grace)
    # The failures were kept (not rolled back with the refusal): now even the right one waits.
    with pytest.raises(TooManyAttempts):
        service.change_password(mock_engine, grace, "correct horse", "battery staple", keep=here, client="1.2.3.4")
    with pytest.raises(TooManyAttempts):
        accounts.sign_in(mock_engine.db(), "grace", "correct horse", client="5.6.7.8")
    clock.now += accounts.USER_MAX_S
    assert accounts.sign_in(mock_engine.db(), "grace", "correct horse") == grace  # the old password still works


@pytest.mark.parametrize("new, words", [
    ("correct horse", "same as the current"),
    ("short", "at least 8"),
    ("password123", "most common"),
])
def test_a_bad_new_password_is_refused_with_the_reason(mock_engine, grace, clock, new, words):
    elsewhere, _ = service.begin(mock_engine, grace, UA)
    with pytest.raises(AccountError, match=words):
        service.change_password(mock_engine, grace, "correct horse", new, keep=None)
    assert service.still_signed_in(mock_engine, elsewhere, grace)


def test_an_organisation_account_has_no_password_to_change(mock_engine, clock):
    member = accounts.for_identity(mock_engine.db(), "https://issuer.example", "subject-1")
    here, _ = service.begin(mock_engine, member, UA)
    with pytest.raises(AccountError, match="through your organisation"):
        service.change_password(mock_engine, member, "", "battery staple", keep=None)
    assert service.still_signed_in(mock_engine, here, member)
    assert value(mock_engine.db(), "SELECT password_hash FROM users WHERE id = :id", id=member.id) is None


def test_sign_out_everywhere_ends_every_place(mock_engine, grace, clock):
    for _ in range(3):
        service.begin(mock_engine, grace, UA)
    assert service.sign_out_everywhere(mock_engine, grace) == 3
    assert service.places(mock_engine, grace) == []


# -- the browser, as Settings names it -------------------------------------------------------

@pytest.mark.parametrize("user_agent, label", [
    ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 "
     "Safari/537.36", "Chrome on Windows"),
    ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 "
     "Safari/537.36 Edg/131.0.0.0", "Edge on Windows"),
    ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 "
     "Safari/537.36 OPR/116.0.0.0", "Opera on Windows"),
    ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
     "Version/17.5 Mobile/15E148 Safari/604.1", "Safari on iPhone"),
    ("Mozilla/5.0 (iPad; CPU OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
     "CriOS/131.0.6778.73 Mobile/15E148 Safari/604.1", "Chrome on iPad"),
    ("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.6 "
     "Safari/605.1.15", "Safari on macOS"),
    ("Mozilla/5.0 (Macintosh; Intel Mac OS X 14.7; rv:133.0) Gecko/20100101 Firefox/133.0", "Firefox on macOS"),
    ("Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0", "Firefox on Linux"),
    ("Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile "
     "Safari/537.36", "Chrome on Android"),
    ("Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/26.0 "
     "Chrome/122.0.0.0 Mobile Safari/537.36", "Samsung Internet on Android"),
    ("Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 "
     "Safari/537.36", "Chrome on ChromeOS"),
    ("Mozilla/5.0 (X11; Linux x86_64)", "A browser on Linux"),
    ("curl/8.5.0", "A browser"),
    ("", "A browser"),
])
def test_browser_label(user_agent, label):
    assert sessions.browser_label(user_agent) == label


# -- the setting -----------------------------------------------------------------------------

@pytest.mark.parametrize("env, secrets, days", [
    ({}, {}, 30.0),
    ({"STORYMAKER_SIGN_IN_DAYS": "7"}, {}, 7.0),
    ({"STORYMAKER_SIGN_IN_DAYS": "0.5"}, {}, 0.5),
    ({"STORYMAKER_SIGN_IN_DAYS": "400"}, {}, 400.0),
    ({}, {"STORYMAKER_SIGN_IN_DAYS": 14}, 14.0),
    ({"STORYMAKER_SIGN_IN_DAYS": "3"}, {"STORYMAKER_SIGN_IN_DAYS": 14}, 3.0),
])
def test_the_sign_in_length_setting(env, secrets, days):
    assert load_settings(env=env, secrets=secrets).sign_in_days == days


@pytest.mark.parametrize("raw", ["0", "-1", "400.5", "10000", "a month", "nan", "inf"])
def test_a_bad_sign_in_length_is_refused_by_name(raw):
    with pytest.raises(ConfigError, match="STORYMAKER_SIGN_IN_DAYS"):
        load_settings(env={"STORYMAKER_SIGN_IN_DAYS": raw}, secrets={})
