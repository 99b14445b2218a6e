"""Safety refusals: why an input, a page of a story or a picture was refused (categories, scores).

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from storymaker.data.schema import ID

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "safety_refusals",
        sa.Column("id", ID, primary_key=True),
        sa.Column("user_id", ID, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("book_id", ID, sa.ForeignKey("books.id", ondelete="CASCADE")),
        sa.Column("stage", sa.Text, nullable=False),
        sa.Column("subject", sa.Text, nullable=False),
        sa.Column("checker", sa.Text, nullable=False),
        sa.Column("outcome", sa.Text, nullable=False),
        sa.Column("categories", sa.Text, nullable=False),
        sa.Column("scores", sa.Text, nullable=False),
        sa.Column("excerpt", sa.Text, nullable=False, server_default=""),
        sa.Column("created_at", sa.Text, nullable=False),
    )
    op.create_index("idx_safety_refusals_user", "safety_refusals", ["user_id", "id"])
    op.create_index("idx_safety_refusals_book", "safety_refusals", ["book_id"])
