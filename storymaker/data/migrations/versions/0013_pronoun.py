"""Characters choose how the story refers back to them (`characters.pronoun`: he, she, they or name;
empty reads it from the look), and a book's cast keeps its copy (`book_characters.pronoun`).

Revision ID: 0013
Revises: 0012
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("characters", sa.Column("pronoun", sa.Text(), nullable=False, server_default=""))
    op.add_column("book_characters", sa.Column("pronoun", sa.Text(), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("book_characters") as batch:
        batch.drop_column("pronoun")
    with op.batch_alter_table("characters") as batch:
        batch.drop_column("pronoun")
