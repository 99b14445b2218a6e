"""The sessions and session_tickets repository, on SQLite and on PostgreSQL.

Hashes here are plain labels: the repository stores whatever it is given (the core hashes)."""

import pytest
from sqlalchemy.exc import IntegrityError

from storymaker.data import sessions as stored

from tests.peek import sql, value

NOW = 1_000_000.0
DAY = 86_400.0


def started(db, user_id, expires_at=NOW + 30 * DAY, browser="Firefox"):
    return stored.start(db, user_id, browser, NOW, expires_at)


def test_a_ticket_is_spent_once(any_db, ada):
    session_id = started(any_db, ada)
    stored.add_ticket(any_db, session_id, "ticket-1", NOW + 60)
    assert stored.take_ticket(any_db, "ticket-1", NOW + 1) == session_id
    assert stored.take_ticket(any_db, "ticket-1", NOW + 2) is None  # spent
    assert value(any_db, "SELECT count(*) FROM session_tickets") == 0


def test_an_unknown_ticket_is_refused(any_db, ada):
    stored.add_ticket(any_db, started(any_db, ada), "ticket-1", NOW + 60)
    assert stored.take_ticket(any_db, "ticket-2", NOW) is None
    assert value(any_db, "SELECT count(*) FROM session_tickets") == 1  # the other ticket is untouched


@pytest.mark.parametrize("late", [60.0, 61.0])
def test_an_expired_ticket_is_refused_and_spent(any_db, ada, late):
    stored.add_ticket(any_db, started(any_db, ada), "ticket-1", NOW + 60)
    assert stored.take_ticket(any_db, "ticket-1", NOW + late) is None
    assert value(any_db, "SELECT count(*) FROM session_tickets") == 0


def test_a_ticket_of_an_ended_session_is_refused(any_db, ada):
    session_id = started(any_db, ada, expires_at=NOW + 10)
    stored.add_ticket(any_db, session_id, "ticket-1", NOW + 60)
    assert stored.take_ticket(any_db, "ticket-1", NOW + 20) is None  # the ticket is live, its session is not


def test_set_token_ties_a_live_session_to_its_cookie(any_db, ada):
    session_id = started(any_db, ada)
    assert stored.find(any_db, session_id, NOW).remembered is False
    assert stored.set_token(any_db, session_id, "token-1", NOW + 5, NOW + 5 + 30 * DAY)
    session = stored.by_token(any_db, "token-1", NOW + 6)
    assert session is not None and session.id == session_id and session.user_id == ada
    assert session.username == "ada" and session.browser == "Firefox"
    assert session.remembered and session.cookie_set_at == NOW + 5 and session.last_seen == NOW + 5
    assert session.expires_at == NOW + 5 + 30 * DAY


def test_set_token_refuses_an_ended_session(any_db, ada):
    session_id = started(any_db, ada, expires_at=NOW + 10)
    assert not stored.set_token(any_db, session_id, "token-1", NOW + 20, NOW + 20 + DAY)
    assert stored.by_token(any_db, "token-1", NOW + 20) is None
    assert not stored.set_token(any_db, session_id + 1000, "token-2", NOW, NOW + DAY)  # no such session


def test_by_token_only_while_live(any_db, ada):
    session_id = started(any_db, ada, expires_at=NOW + 100)
    stored.set_token(any_db, session_id, "token-1", NOW, NOW + 100)
    assert stored.by_token(any_db, "token-1", NOW + 99) is not None
    assert stored.by_token(any_db, "token-1", NOW + 100) is None
    assert stored.find(any_db, session_id, NOW + 100) is None
    assert stored.by_token(any_db, "token-2", NOW) is None


def test_seen_slides_the_expiry(any_db, ada):
    session_id = started(any_db, ada, expires_at=NOW + 100)
    stored.seen(any_db, session_id, NOW + 90, NOW + 190)
    session = stored.find(any_db, session_id, NOW + 150)
    assert session is not None and session.last_seen == NOW + 90 and session.expires_at == NOW + 190
    assert session.cookie_set_at is None  # a plain sight is not a new cookie
    stored.seen(any_db, session_id, NOW + 100, NOW + 200, cookie_set=True)
    assert stored.find(any_db, session_id, NOW + 100).cookie_set_at == NOW + 100


def test_seen_does_not_revive_an_expired_session(any_db, ada):
    session_id = started(any_db, ada, expires_at=NOW + 100)
    stored.seen(any_db, session_id, NOW + 100, NOW + 1000)
    assert stored.find(any_db, session_id, NOW + 100) is None
    assert value(any_db, "SELECT expires_at FROM sessions WHERE id = :id", id=session_id) == NOW + 100


def test_end_of_another_users_session_ends_nothing(any_db, ada, bob):
    adas = started(any_db, ada)
    assert not stored.end(any_db, bob, adas)
    assert stored.find(any_db, adas, NOW) is not None
    assert stored.end(any_db, ada, adas)
    assert stored.find(any_db, adas, NOW) is None
    assert not stored.end(any_db, ada, adas)  # already ended


def test_end_by_token_ends_that_session_only(any_db, ada):
    first, second = started(any_db, ada), started(any_db, ada)
    stored.set_token(any_db, first, "token-1", NOW, NOW + DAY)
    stored.set_token(any_db, second, "token-2", NOW, NOW + DAY)
    stored.end_by_token(any_db, "token-1")
    assert stored.find(any_db, first, NOW) is None and stored.find(any_db, second, NOW) is not None


def test_end_all_keeps_the_one_asked_and_other_peoples(any_db, ada, bob):
    adas = [started(any_db, ada) for _ in range(3)]
    bobs = started(any_db, bob)
    assert stored.end_all(any_db, ada, keep=adas[1]) == 2
    assert [s.id for s in stored.for_user(any_db, ada, NOW)] == [adas[1]]
    assert stored.find(any_db, bobs, NOW) is not None
    assert stored.end_all(any_db, ada) == 1
    assert stored.for_user(any_db, ada, NOW) == []


def test_for_user_lists_live_sessions_the_most_recently_seen_first(any_db, ada, bob):
    old, recent = started(any_db, ada), started(any_db, ada)
    started(any_db, ada, expires_at=NOW + 1)  # expired by the time we look
    started(any_db, bob)
    stored.seen(any_db, old, NOW + 50, NOW + 30 * DAY)
    stored.seen(any_db, recent, NOW + 60, NOW + 30 * DAY)
    assert [s.id for s in stored.for_user(any_db, ada, NOW + 70)] == [recent, old]


def test_prune_forgets_expired_sessions_and_tickets(any_db, ada):
    live, dead = started(any_db, ada), started(any_db, ada, expires_at=NOW + 10)
    stored.add_ticket(any_db, live, "fresh", NOW + 60)
    stored.add_ticket(any_db, live, "stale", NOW + 5)
    stored.add_ticket(any_db, dead, "of-the-dead", NOW + 60)  # goes with its session
    stored.prune(any_db, NOW + 20)
    assert sql(any_db, "SELECT id FROM sessions") == [(live,)]
    assert sql(any_db, "SELECT ticket_hash FROM session_tickets") == [("fresh",)]
    assert stored.count(any_db) == 1


def test_deleting_an_account_deletes_its_sessions_and_tickets(any_db, ada, bob):
    session_id = started(any_db, ada)
    stored.add_ticket(any_db, session_id, "ticket-1", NOW + 60)
    started(any_db, bob)
    sql(any_db, "DELETE FROM users WHERE id = :id", id=ada)
    assert value(any_db, "SELECT count(*) FROM sessions WHERE user_id = :id", id=ada) == 0
    assert value(any_db, "SELECT count(*) FROM session_tickets") == 0
    assert stored.count(any_db) == 1


def test_a_token_is_held_by_one_session_only(any_db, ada):
    # The unique index: two sessions can never answer to one cookie.
    first, second = started(any_db, ada), started(any_db, ada)
    stored.set_token(any_db, first, "token-1", NOW, NOW + DAY)
    with pytest.raises(IntegrityError):
        stored.set_token(any_db, second, "token-1", NOW, NOW + DAY)
    assert stored.by_token(any_db, "token-1", NOW).id == first

