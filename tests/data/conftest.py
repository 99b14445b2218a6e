"""Accounts for the repositories' tests, made straight in the users table so that each
repository is tested without the others."""

import pytest
from sqlalchemy import insert

from storymaker.data import now_iso
from storymaker.data.schema import users


def make_user(db, name):
    with db.write() as conn:
        return conn.execute(insert(users).values(username=name, created_at=now_iso()).returning(users.c.id)).scalar_one()


@pytest.fixture
def ada(any_db):
    return make_user(any_db, "ada")


@pytest.fixture
def bob(any_db):
    return make_user(any_db, "bob")
