"""Failed sign-ins in the database, and one account per name whatever its case or look-alikes.

Failed sign-ins live in the database so every process serving sign-ins shares one count,
and a write unit makes checking and recording one step. canonical: NFKC + case folded;
skeleton: the TR39 look-alike key. Existing accounts get their canonical form; the rare
pair that folds to one name keeps working by its exact username (the second one's
canonical stays NULL).

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sign_in_failures",
        sa.Column("key", sa.Text, primary_key=True),
        sa.Column("failures", sa.Integer, nullable=False),
        sa.Column("last_at", sa.Float, nullable=False),
    )
    op.create_index("idx_sign_in_failures_last", "sign_in_failures", ["last_at"])
    op.add_column("users", sa.Column("canonical", sa.Text))
    op.add_column("users", sa.Column("skeleton", sa.Text))

    from storymaker.accounts import canonical_username, skeleton  # the one place these are defined

    bind = op.get_bind()
    users = sa.table("users", sa.column("id"), sa.column("username"), sa.column("canonical"), sa.column("skeleton"))
    seen: set[str] = set()
    for user_id, username in bind.execute(sa.select(users.c.id, users.c.username).order_by(users.c.id)).all():
        canon = canonical_username(username)
        bind.execute(users.update().where(users.c.id == user_id).values(
            canonical=None if canon in seen else canon, skeleton=skeleton(username)))
        seen.add(canon)
    op.create_index("idx_users_canonical", "users", ["canonical"], unique=True)
    op.create_index("idx_users_skeleton", "users", ["skeleton"])
