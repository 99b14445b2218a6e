"""Series: a book may continue another (`books.series_id`, the id of the series' first book).

Revision ID: 0010
Revises: 0009
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from storymaker.data.schema import ID

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # The reference inline in ADD COLUMN: SQLite cannot add a constraint to a table afterwards.
    op.add_column("books", sa.Column("series_id", ID, sa.ForeignKey("books.id")),
                  inline_references=True)
    op.create_index("idx_books_series", "books", ["series_id"])
