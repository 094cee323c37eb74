"""One-time codes that link a second channel to a user, and the wrong guesses at them.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from storage.models.base import UTCDateTime

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _when(name: str, nullable: bool = False) -> sa.Column[object]:
    return sa.Column(name, UTCDateTime(timezone=True), nullable=nullable)


def _conversation(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["conversation_id"],
        ["conversations.id"],
        name=op.f(f"fk_{table}_conversation_id_conversations"),
        ondelete="CASCADE",
    )


def upgrade() -> None:
    op.create_table(
        "link_codes",
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.Integer(), nullable=False),
        _when("created_at"),
        _when("expires_at"),
        _conversation("link_codes"),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_link_codes_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("code_hash", name=op.f("pk_link_codes")),
    )
    op.create_index(op.f("ix_link_codes_expires_at"), "link_codes", ["expires_at"])
    op.create_index(op.f("ix_link_codes_user_id"), "link_codes", ["user_id"])
    op.create_table(
        "link_attempts",
        sa.Column("conversation_id", sa.Integer(), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        _when("locked_until", nullable=True),
        _when("updated_at"),
        _conversation("link_attempts"),
        sa.PrimaryKeyConstraint("conversation_id", name=op.f("pk_link_attempts")),
    )
    op.create_index(op.f("ix_link_attempts_updated_at"), "link_attempts", ["updated_at"])


def downgrade() -> None:
    op.drop_table("link_attempts")
    op.drop_table("link_codes")
