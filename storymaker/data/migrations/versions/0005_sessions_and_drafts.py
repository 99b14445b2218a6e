"""Remembered sign-ins, the tickets that hand a browser its cookie, and server-side grid drafts.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from storymaker.data.schema import ID

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sessions",
        sa.Column("id", ID, primary_key=True),
        sa.Column("user_id", ID, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("token_hash", sa.Text),
        sa.Column("browser", sa.Text, nullable=False, server_default=""),
        sa.Column("created_at", sa.Text, nullable=False),
        sa.Column("last_seen", sa.Float, nullable=False),
        sa.Column("expires_at", sa.Float, nullable=False),
        sa.Column("cookie_set_at", sa.Float),
    )
    op.create_index("idx_sessions_token", "sessions", ["token_hash"], unique=True)
    op.create_index("idx_sessions_user", "sessions", ["user_id"])
    op.create_table(
        "session_tickets",
        sa.Column("ticket_hash", sa.Text, primary_key=True),
        sa.Column("session_id", ID, sa.ForeignKey("sessions.id", ondelete="CASCADE"), nullable=False),
        sa.Column("expires_at", sa.Float, nullable=False),
    )
    op.create_index("idx_session_tickets_expiry", "session_tickets", ["expires_at"])
    op.create_table(
        "drafts",
        sa.Column("user_id", ID, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("book_id", ID, sa.ForeignKey("books.id", ondelete="CASCADE"), nullable=False),
        sa.Column("edits", sa.Text, nullable=False),
        sa.Column("updated_at", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("user_id", "book_id"),
    )
