"""A job's transient-failure budget, apart from `attempts` (claims, which crash recovery counts).

retries = requeues after transient failures, http_tries = failed HTTP requests spent,
retry_deadline = when the retry window closes, waiting = why a requeued job waits (for screens).

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("jobs", sa.Column("retries", sa.Integer, nullable=False, server_default="0"))
    op.add_column("jobs", sa.Column("http_tries", sa.Integer, nullable=False, server_default="0"))
    op.add_column("jobs", sa.Column("retry_deadline", sa.Float))
    op.add_column("jobs", sa.Column("waiting", sa.Text))
