"""Requests and bookings filed by a family member for a veteran: the `filed_for` table.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from storage.models.base import UTCDateTime

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _case(column: str, table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column],
        [f"{table}.id"],
        name=op.f(f"fk_filed_for_{column}_{table}"),
        ondelete="CASCADE",
    )


def upgrade() -> None:
    op.create_table(
        "filed_for",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=True),
        sa.Column("booking_id", sa.Integer(), nullable=True),
        sa.Column("relationship", sa.String(length=16), nullable=False),
        sa.Column("kin", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("id_number", sa.Text(), nullable=False),
        sa.Column("id_fingerprint", sa.String(length=32), nullable=False),
        sa.Column("phone", sa.String(length=32), nullable=False),
        sa.Column("consented_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "(request_id IS NULL) <> (booking_id IS NULL)",
            name=op.f("ck_filed_for_one_case"),
        ),
        _case("request_id", "requests"),
        _case("booking_id", "bookings"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_filed_for")),
        sa.UniqueConstraint("request_id", name=op.f("uq_filed_for_request_id")),
        sa.UniqueConstraint("booking_id", name=op.f("uq_filed_for_booking_id")),
    )
    op.create_index(op.f("ix_filed_for_id_fingerprint"), "filed_for", ["id_fingerprint"])


def downgrade() -> None:
    op.drop_table("filed_for")
