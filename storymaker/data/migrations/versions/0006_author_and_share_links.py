"""A book's author line (the title page's "by ..."), and read-only share links.

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from storymaker.data.schema import ID

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("books", sa.Column("author", sa.Text))
    op.create_table(
        "share_links",
        sa.Column("id", ID, primary_key=True),
        sa.Column("book_id", ID, sa.ForeignKey("books.id", ondelete="CASCADE"), nullable=False),
        sa.Column("token_hash", sa.Text, nullable=False),
        sa.Column("created_at", sa.Text, nullable=False),
        sa.Column("expires_at", sa.Float),
        sa.Column("opens", sa.Integer, nullable=False, server_default="0"),
        sa.Column("last_opened_at", sa.Text),
    )
    op.create_index("idx_share_links_token", "share_links", ["token_hash"], unique=True)
    op.create_index("idx_share_links_book", "share_links", ["book_id"])
