"""The offline writer used to end every illustration with "No words or letters in the picture.".

The picture prompt (generate_chapter.md) asks for no text itself, and the preview showed
the sentence as if it were part of the page.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

BOILERPLATE = " No words or letters in the picture."


def upgrade() -> None:
    scenes = sa.table("scenes", sa.column("illustration"))
    op.get_bind().execute(
        scenes.update()
        .where(scenes.c.illustration.contains(BOILERPLATE, autoescape=True))
        .values(illustration=sa.func.rtrim(sa.func.replace(scenes.c.illustration, BOILERPLATE, "")))
    )
