"""Narration made by a voice model: one row per page's audio, kept by what it was made from; the
book's narrator voice; the characters each voice-model call was billed for.

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from storymaker.data.schema import ID

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("books", sa.Column("narration_voice", sa.Text))
    op.add_column("usage", sa.Column("characters", sa.Integer, nullable=False, server_default="0"))
    op.create_table(
        "narrations",
        sa.Column("id", ID, primary_key=True),
        sa.Column("book_id", ID, sa.ForeignKey("books.id", ondelete="CASCADE"), nullable=False),
        sa.Column("fingerprint", sa.Text, nullable=False),
        sa.Column("voice", sa.Text, nullable=False),
        sa.Column("model", sa.Text, nullable=False),
        sa.Column("audio_key", sa.Text, nullable=False),
        sa.Column("mime", sa.Text, nullable=False),
        sa.Column("duration_s", sa.Float, nullable=False),
        sa.Column("bytes", sa.Integer, nullable=False),
        sa.Column("created_at", sa.Text, nullable=False),
    )
    op.create_index("idx_narrations_book", "narrations", ["book_id", "fingerprint"], unique=True)
