"""The first schema: users, characters, books and their cast, scenes, jobs, usage.

Revision ID: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", ID, primary_key=True),
        sa.Column("username", sa.Text, nullable=False, unique=True),
        sa.Column("password_hash", sa.Text),
        sa.Column("created_at", sa.Text, nullable=False),
    )
    op.create_table(
        "characters",
        sa.Column("id", ID, primary_key=True),
        sa.Column("user_id", ID, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("look", sa.Text, nullable=False, server_default=""),
        sa.Column("personality", sa.Text, nullable=False, server_default=""),
        sa.Column("avatar_path", sa.Text),
        sa.Column("created_at", sa.Text, nullable=False),
        sa.Column("updated_at", sa.Text, nullable=False),
    )
    op.create_index("idx_characters_user", "characters", ["user_id"])
    op.create_table(
        "books",
        sa.Column("id", ID, primary_key=True),
        sa.Column("user_id", ID, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("premise", sa.Text, nullable=False, server_default=""),
        sa.Column("age_band", sa.Text, nullable=False),
        sa.Column("style", sa.Text, nullable=False),
        sa.Column("language", sa.Text, nullable=False),
        sa.Column("scene_count", sa.Integer, nullable=False),
        sa.Column("status", sa.Text, nullable=False, server_default="draft"),
        sa.Column("error", sa.Text),
        sa.Column("text_model", sa.Text),
        sa.Column("image_model", sa.Text),
        sa.Column("created_at", sa.Text, nullable=False),
        sa.Column("updated_at", sa.Text, nullable=False),
    )
    op.create_index("idx_books_user", "books", ["user_id", "created_at"])
    op.create_table(
        "book_characters",
        sa.Column("book_id", ID, sa.ForeignKey("books.id", ondelete="CASCADE"), nullable=False),
        sa.Column("character_id", ID, sa.ForeignKey("characters.id", ondelete="SET NULL")),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("look", sa.Text, nullable=False, server_default=""),
        sa.Column("personality", sa.Text, nullable=False, server_default=""),
        sa.Column("avatar_path", sa.Text),
        sa.PrimaryKeyConstraint("book_id", "position"),
    )
    op.create_table(
        "scenes",
        sa.Column("id", ID, primary_key=True),
        sa.Column("book_id", ID, sa.ForeignKey("books.id", ondelete="CASCADE"), nullable=False),
        sa.Column("scene", sa.Integer, nullable=False),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("illustration", sa.Text, nullable=False),
        sa.Column("characters", sa.Text, nullable=False, server_default=""),
        sa.Column("status", sa.Text, nullable=False, server_default="pending"),
        sa.Column("error", sa.Text),
        sa.Column("image_version", sa.Integer, nullable=False, server_default="0"),
        sa.Column("updated_at", sa.Text, nullable=False),
        sa.UniqueConstraint("book_id", "scene"),
    )
    op.create_table(
        "jobs",
        sa.Column("id", ID, primary_key=True),
        sa.Column("book_id", ID, sa.ForeignKey("books.id", ondelete="CASCADE"), nullable=False),
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column("scene", sa.Integer),
        sa.Column("status", sa.Text, nullable=False, server_default="queued"),
        sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
        sa.Column("max_attempts", sa.Integer, nullable=False, server_default="3"),
        sa.Column("error", sa.Text),
        sa.Column("not_before", sa.Float, nullable=False, server_default="0"),
        sa.Column("lease_until", sa.Float),
        sa.Column("worker", sa.Text),
        sa.Column("created_at", sa.Text, nullable=False),
        sa.Column("started_at", sa.Text),
        sa.Column("finished_at", sa.Text),
    )
    op.create_index("idx_jobs_claim", "jobs", ["status", "not_before", "id"])
    op.create_index("idx_jobs_book", "jobs", ["book_id", "kind", "scene"])
    op.create_table(
        "usage",
        sa.Column("id", ID, primary_key=True),
        sa.Column("book_id", ID, sa.ForeignKey("books.id", ondelete="CASCADE"), nullable=False),
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column("model", sa.Text, nullable=False),
        sa.Column("input_tokens", sa.Integer, nullable=False, server_default="0"),
        sa.Column("output_tokens", sa.Integer, nullable=False, server_default="0"),
        sa.Column("images", sa.Integer, nullable=False, server_default="0"),
        sa.Column("created_at", sa.Text, nullable=False),
    )
    op.create_index("idx_usage_book", "usage", ["book_id"])
