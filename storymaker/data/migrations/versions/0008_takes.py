"""Takes: every picture drawn for a page or the cover kept, one of them current; Regenerate's note.

Books made before this revision have no takes: their pictures are adopted as take 1 when a
page is next redrawn or its takes are first shown (`storymaker.takes.adopt`), since a
migration does not read the picture store.

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from storymaker.data.schema import ID

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("scenes", sa.Column("note", sa.Text))
    op.create_table(
        "takes",
        sa.Column("id", ID, primary_key=True),
        sa.Column("book_id", ID, sa.ForeignKey("books.id", ondelete="CASCADE"), nullable=False),
        sa.Column("scene_id", ID, sa.ForeignKey("scenes.id", ondelete="CASCADE")),
        sa.Column("number", sa.Integer, nullable=False),
        sa.Column("picture_key", sa.Text, nullable=False),
        sa.Column("thumb_key", sa.Text, nullable=False),
        sa.Column("note", sa.Text),
        sa.Column("style", sa.Text, nullable=False),
        sa.Column("seed", sa.Text, nullable=False, server_default=""),
        sa.Column("bytes", sa.Integer, nullable=False),
        sa.Column("current", sa.Integer, nullable=False, server_default="0"),
        sa.Column("current_since_job", ID, nullable=False, server_default="0"),
        sa.Column("created_at", sa.Text, nullable=False),
    )
    op.create_index("idx_takes_page", "takes", ["book_id", "scene_id"])
