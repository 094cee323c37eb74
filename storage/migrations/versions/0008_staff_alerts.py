"""Staff alerts: alerts sent (one mark each), and staff members' linked Telegram accounts.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from storage.models.base import UTCDateTime

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _when(name: str) -> sa.Column[object]:
    return sa.Column(name, UTCDateTime(timezone=True), nullable=False)


def _staff(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["staff_id"], ["staff.id"], name=op.f(f"fk_{table}_staff_id_staff"), ondelete="CASCADE"
    )


def upgrade() -> None:
    op.create_table(
        "alert_marks",
        sa.Column("key", sa.String(length=160), nullable=False),
        _when("created_at"),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_alert_marks")),
    )
    op.create_index(op.f("ix_alert_marks_created_at"), "alert_marks", ["created_at"])
    op.create_table(
        "staff_telegram",
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("telegram_user_id", sa.String(length=32), nullable=False),
        _when("linked_at"),
        _staff("staff_telegram"),
        sa.PrimaryKeyConstraint("staff_id", name=op.f("pk_staff_telegram")),
        sa.UniqueConstraint("telegram_user_id", name=op.f("uq_staff_telegram_telegram_user_id")),
    )
    op.create_table(
        "staff_telegram_codes",
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        _when("expires_at"),
        _staff("staff_telegram_codes"),
        sa.PrimaryKeyConstraint("code_hash", name=op.f("pk_staff_telegram_codes")),
        sa.UniqueConstraint("staff_id", name=op.f("uq_staff_telegram_codes_staff_id")),
    )
    op.create_index(
        op.f("ix_staff_telegram_codes_expires_at"), "staff_telegram_codes", ["expires_at"]
    )


def downgrade() -> None:
    op.drop_table("staff_telegram_codes")
    op.drop_table("staff_telegram")
    op.drop_table("alert_marks")
