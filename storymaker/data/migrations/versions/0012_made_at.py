"""Books remember when they were first made (`books.made_at`): a page added to a made book is drawn
with the grid kept on screen, while a book being made shows its progress.

Books that are ready now were made; the rest learn it when they next become ready.

Revision ID: 0012
Revises: 0011
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("books", sa.Column("made_at", sa.Text()))
    op.execute("UPDATE books SET made_at = updated_at WHERE status = 'ready'")


def downgrade() -> None:
    with op.batch_alter_table("books") as batch:
        batch.drop_column("made_at")
