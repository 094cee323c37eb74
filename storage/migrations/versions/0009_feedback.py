"""Veterans' feedback on answers and the admin's unanswered inbox.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from storage.models.base import UTCDateTime

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _when(name: str, *, nullable: bool = True) -> sa.Column[object]:
    return sa.Column(name, UTCDateTime(timezone=True), nullable=nullable)


def _conversation(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["conversation_id"],
        ["conversations.id"],
        name=op.f(f"fk_{table}_conversation_id_conversations"),
        ondelete="SET NULL",
    )


def upgrade() -> None:
    op.create_table(
        "feedback",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.Integer(), nullable=True),
        sa.Column("entry_id", sa.String(length=128), nullable=False),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("kb_version", sa.String(length=32), nullable=False),
        sa.Column("station_id", sa.String(length=64), nullable=True),
        sa.Column("channel", sa.String(length=32), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("helpful", sa.Boolean(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        _when("created_at", nullable=False),
        _when("rated_at"),
        _conversation("feedback"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feedback")),
    )
    op.create_index("ix_feedback_entry_id_created_at", "feedback", ["entry_id", "created_at"])
    op.create_index("ix_feedback_conversation_id_id", "feedback", ["conversation_id", "id"])
    op.create_table(
        "unanswered",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("candidates", sa.JSON(), nullable=False),
        sa.Column("entry_id", sa.String(length=128), nullable=True),
        sa.Column("picked", sa.Boolean(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("station_id", sa.String(length=64), nullable=True),
        sa.Column("kb_version", sa.String(length=32), nullable=False),
        sa.Column("mark", sa.String(length=16), nullable=False),
        _when("marked_at"),
        sa.Column("marked_by", sa.Integer(), nullable=True),
        _when("created_at", nullable=False),
        _conversation("unanswered"),
        sa.ForeignKeyConstraint(
            ["marked_by"],
            ["staff.id"],
            name=op.f("fk_unanswered_marked_by_staff"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_unanswered")),
    )
    op.create_index("ix_unanswered_created_at", "unanswered", ["created_at"])
    op.create_index("ix_unanswered_conversation_id_id", "unanswered", ["conversation_id", "id"])


def downgrade() -> None:
    op.drop_table("unanswered")
    op.drop_table("feedback")
