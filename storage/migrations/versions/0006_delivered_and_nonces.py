"""Whether a turn's replies were delivered, and the signed webhook requests seen lately.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from storage.models.base import UTCDateTime

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("dedupe_keys") as table:
        table.add_column(sa.Column("delivered_at", UTCDateTime(timezone=True), nullable=True))
    op.create_table(
        "webhook_nonces",
        sa.Column("channel", sa.String(length=32), nullable=False),
        sa.Column("nonce", sa.String(length=160), nullable=False),
        sa.Column("body_hash", sa.String(length=64), nullable=False),
        sa.Column("seen_at", UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("channel", "nonce", name=op.f("pk_webhook_nonces")),
    )
    op.create_index(op.f("ix_webhook_nonces_seen_at"), "webhook_nonces", ["seen_at"])


def downgrade() -> None:
    op.drop_table("webhook_nonces")
    with op.batch_alter_table("dedupe_keys") as table:
        table.drop_column("delivered_at")
