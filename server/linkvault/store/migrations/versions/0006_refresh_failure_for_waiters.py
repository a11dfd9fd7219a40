"""refresh failure for waiters

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 06:20:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import linkvault.store.types

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("linked_accounts", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("refresh_failed_at", linkvault.store.types.UtcDateTime(timezone=True), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("linked_accounts", schema=None) as batch_op:
        batch_op.drop_column("refresh_failed_at")
