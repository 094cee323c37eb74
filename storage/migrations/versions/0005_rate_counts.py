"""Rate counts, and link codes that wait for the issuing side's yes and die of wrong guesses.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from storage.models.base import UTCDateTime

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "rate_counts",
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("subject", sa.String(length=64), nullable=False),
        sa.Column("window", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("hits", sa.Integer(), nullable=False),
        sa.Column("expires_at", UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("action", "subject", "window", name=op.f("pk_rate_counts")),
    )
    op.create_index(op.f("ix_rate_counts_expires_at"), "rate_counts", ["expires_at"])
    # Batch mode: SQLite adds a foreign key only by rebuilding the table.
    with op.batch_alter_table("link_codes") as table:
        table.add_column(sa.Column("claimed_by", sa.Integer(), nullable=True))
        table.add_column(sa.Column("wrong", sa.Integer(), nullable=False, server_default="0"))
        table.create_foreign_key(
            op.f("fk_link_codes_claimed_by_conversations"),
            "conversations",
            ["claimed_by"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade() -> None:
    with op.batch_alter_table("link_codes") as table:
        table.drop_constraint(op.f("fk_link_codes_claimed_by_conversations"), type_="foreignkey")
        table.drop_column("wrong")
        table.drop_column("claimed_by")
    op.drop_table("rate_counts")
