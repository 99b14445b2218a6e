"""The accounts and sign-in throttle repositories, on SQLite and on PostgreSQL."""

import threading
import time

import pytest
from argon2 import PasswordHasher

from storymaker import accounts
from storymaker.data import accounts as stored_accounts
from storymaker.data import sign_ins


@pytest.fixture(autouse=True)
def quick_hashes(monkeypatch):
    monkeypatch.setattr(accounts, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


def test_an_account_is_added_once_and_found_by_its_canonical_name(any_db):
    user = stored_accounts.add(any_db, "Grace", "grace", "grace", "hash")
    assert user is not None and user.username == "Grace"
    assert stored_accounts.add(any_db, "grace", "grace", "grace", None) is None  # same canonical name
    assert stored_accounts.add(any_db, "Grace", "other", "other", None) is None  # same name
    found = stored_accounts.find(any_db, "GRACE", "grace")
    assert found == stored_accounts.Credentials(user.id, "Grace", "hash") and found.user == user
    assert stored_accounts.find(any_db, "ada", "ada") is None


def test_the_exact_name_comes_before_a_canonical_match(any_db):
    first = stored_accounts.add(any_db, "Åsa", "åsa", "asa", None)
    second = stored_accounts.add(any_db, "ÅSA", "åsa-legacy", "asa", None)  # as two accounts made before canonical names
    assert first and second
    assert stored_accounts.find(any_db, "ÅSA", "åsa").id == second.id
    assert stored_accounts.find(any_db, "Åsa", "åsa").id == first.id


def test_names_and_look_alikes_taken(any_db):
    stored_accounts.add(any_db, "alice", "alice", "alice", None)
    assert stored_accounts.name_taken(any_db, "ALICE", "alice")
    assert stored_accounts.name_taken(any_db, "alice", "not-canonical")
    assert not stored_accounts.name_taken(any_db, "bob", "bob")
    assert stored_accounts.look_alike_taken(any_db, "alice")
    assert not stored_accounts.look_alike_taken(any_db, "bob")


def test_a_password_hash_is_replaced(any_db):
    user = stored_accounts.add(any_db, "grace", "grace", "grace", "old")
    stored_accounts.set_password_hash(any_db, user.id, "new")
    assert stored_accounts.find(any_db, "grace", "grace").password_hash == "new"


def test_two_parallel_sign_ups_of_one_name_make_one_account(any_db):
    start, made, refused = threading.Barrier(2), [], []

    def sign_up(password):
        start.wait()
        try:
            made.append(accounts.sign_up(any_db, "grace", password))
        except accounts.AccountError as error:
            refused.append(str(error))

    threads = [threading.Thread(target=sign_up, args=(p,)) for p in ("correct horse", "battery staple")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(made) == 1 and len(refused) == 1  # taken, or (when the first just committed) looks alike
    assert accounts.get_or_create(any_db, "grace") == made[0]


@pytest.mark.parametrize("first, second", [("alice", "\u0430lice"), ("bob", "b0b")])
def test_two_parallel_sign_ups_of_look_alikes_make_one_account(any_db, monkeypatch, first, second):
    # Each sign-up dawdles after its look-alike check, so without one lock both would pass it.
    real = stored_accounts.look_alike_taken

    def slow(db, skeleton):
        taken = real(db, skeleton)
        time.sleep(0.3)
        return taken

    monkeypatch.setattr(stored_accounts, "look_alike_taken", slow)
    start, made, refused = threading.Barrier(2), [], []

    def sign_up(name):
        start.wait()
        try:
            made.append(accounts.sign_up(any_db, name, "correct horse"))
        except accounts.AccountError as error:
            refused.append(str(error))

    threads = [threading.Thread(target=sign_up, args=(name,)) for name in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(made) == 1 and refused == ["That username looks too much like one already in use; choose another."]


# -- the throttle's table ------------------------------------------------------------


def test_failures_are_counted_and_taken_back(any_db):
    keys = ["user:grace", "client:a"]
    with any_db.write():
        assert sign_ins.lock(any_db, keys) == {k: sign_ins.Failures(k, 0, 0.0) for k in keys}
        sign_ins.count_failure(any_db, keys, now=100.0, forget_before=0.0)
    with any_db.write():
        sign_ins.lock(any_db, keys)
        sign_ins.count_failure(any_db, keys, now=101.0, forget_before=0.0)
    assert sign_ins.find(any_db, "user:grace") == sign_ins.Failures("user:grace", 2, 101.0)
    with any_db.write():
        sign_ins.lock(any_db, keys)
        sign_ins.count_failure(any_db, keys, now=5000.0, forget_before=4000.0)  # the old count is forgotten
    assert sign_ins.find(any_db, "client:a").failures == 1
    sign_ins.take_back_one(any_db, "client:a")
    sign_ins.take_back_one(any_db, "client:a")
    assert sign_ins.find(any_db, "client:a").failures == 0  # never below zero
    sign_ins.forget(any_db, "user:grace")
    assert sign_ins.find(any_db, "user:grace") is None and sign_ins.count(any_db) == 1


def test_pruning_forgets_old_rows_and_keeps_the_newest(any_db):
    for n in range(10):
        with any_db.write():
            sign_ins.lock(any_db, [f"client:{n}"])
            sign_ins.count_failure(any_db, [f"client:{n}"], now=100.0 + n, forget_before=0.0)
    sign_ins.prune(any_db, forget_before=102.0, max_rows=5)
    assert sign_ins.count(any_db) == 5
    assert [sign_ins.find(any_db, f"client:{n}") is not None for n in range(10)] == [False] * 5 + [True] * 5


def test_a_locked_key_makes_a_second_attempt_wait_and_see_the_first_ones_count(any_db, monkeypatch):
    """The check-and-count is one step on both databases: an attempt on a key another
    attempt holds waits for it, then sees its failure."""
    monkeypatch.setattr(accounts, "_clock", lambda: 1_000_000.0)
    holding, release, done = threading.Event(), threading.Event(), threading.Event()

    def first():
        with any_db.write():
            sign_ins.lock(any_db, ["user:grace", "client:b"])
            holding.set()
            release.wait(10)
            sign_ins.count_failure(any_db, ["user:grace"], now=1_000_000.0, forget_before=0.0)

    def second():
        accounts._reserve_attempt(any_db, "grace", "c")
        done.set()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    threads[0].start()
    holding.wait(10)
    threads[1].start()
    time.sleep(0.3)
    assert not done.is_set()  # waiting for the first attempt's lock
    release.set()
    for thread in threads:
        thread.join(10)
    assert done.is_set()
    assert sign_ins.find(any_db, "user:grace").failures == 2


def test_two_parallel_failed_sign_ins_are_both_counted(any_db):
    accounts.sign_up(any_db, "grace", "correct horse")
    start = threading.Barrier(2)

    def guess(n):
        start.wait()
        with pytest.raises(accounts.AccountError, match="do not match"):
            accounts.sign_in(any_db, "grace", f"guess {n}", client=f"10.0.0.{n}")

    threads = [threading.Thread(target=guess, args=(n,)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sign_ins.find(any_db, "user:grace").failures == 2
    assert [sign_ins.find(any_db, f"client:10.0.0.{n}").failures for n in range(2)] == [1, 1]


def test_an_attempt_that_waited_for_anothers_lock_is_not_refused_for_it(any_db, monkeypatch):
    # The second attempt starts first but reaches the throttle's rows only once the first has counted
    # its failure: the time it compares with is the time it got them, so a free try stays free.
    accounts.sign_up(any_db, "grace", "correct horse")
    first_done = threading.Event()
    keys_of = accounts._throttle_keys

    def slow_second(canon, client):
        if threading.current_thread().name == "second":
            first_done.wait(10)
        return keys_of(canon, client)

    monkeypatch.setattr(accounts, "_throttle_keys", slow_second)
    failures = []

    def guess(n):
        try:
            accounts.sign_in(any_db, "grace", f"guess {n}", client=f"10.0.0.{n}")
        except accounts.AccountError as error:
            failures.append(str(error))
        finally:
            if n == 0:
                first_done.set()

    second = threading.Thread(target=guess, args=(1,), name="second")
    second.start()
    time.sleep(0.05)  # the second attempt is under way, waiting to lock, before the first begins
    guess(0)
    second.join()
    assert failures == [accounts.WRONG_CREDENTIALS] * 2
    assert sign_ins.find(any_db, "user:grace").failures == 2
