"""Takes keep what they were drawn from (`takes.fit`), so a restyle back to a style reuses a take
only while its page's words are as they were when it was drawn.

Takes from before this revision have none; a restyle takes the one a page shows to fit its
words as they are then (`storymaker.restyle`), since a migration does not know the words a
picture was drawn from.

Revision ID: 0011
Revises: 0010
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("takes", sa.Column("fit", sa.Text))
