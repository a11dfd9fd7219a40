"""deliveries listed by endpoint and creation

An endpoint's deliveries are listed newest first, a page at a time: with an index on
(endpoint_id, created_at, id) each page is a range of it, where the index on endpoint_id alone had
every page sort all of the endpoint's deliveries. The new index also serves what the old one did
(the endpoint's cascade), so the old one goes.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 16:23:44.515539
"""

from __future__ import annotations

from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_webhook_deliveries_endpoint_created", "webhook_deliveries", ["endpoint_id", "created_at", "id"]
    )
    op.drop_index("ix_webhook_deliveries_endpoint_id", table_name="webhook_deliveries")


def downgrade() -> None:
    op.create_index("ix_webhook_deliveries_endpoint_id", "webhook_deliveries", ["endpoint_id"])
    op.drop_index("ix_webhook_deliveries_endpoint_created", table_name="webhook_deliveries")
