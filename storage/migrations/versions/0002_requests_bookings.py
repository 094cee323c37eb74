"""Requests with their state history, numbering counters, booking slots and bookings.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from storage.models.base import UTCDateTime

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _when(name: str, nullable: bool = False) -> sa.Column[object]:
    return sa.Column(name, UTCDateTime(timezone=True), nullable=nullable)


def _reach_back() -> list[sa.Column[object]]:
    """Where to tell the user about changes: the conversation they filed or booked in."""
    return [
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("channel", sa.String(length=32), nullable=False),
        sa.Column("chat_id", sa.String(length=128), nullable=False),
        sa.Column("external_user_id", sa.String(length=128), nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "counters",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_counters")),
    )
    op.create_table(
        "requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=32), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("type_id", sa.String(length=64), nullable=False),
        sa.Column("station_id", sa.String(length=64), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        *_reach_back(),
        _when("created_at"),
        _when("updated_at"),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_requests_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_requests")),
        sa.UniqueConstraint("number", name=op.f("uq_requests_number")),
    )
    op.create_index(op.f("ix_requests_user_id"), "requests", ["user_id"])
    op.create_index("ix_requests_station_id_state", "requests", ["station_id", "state"])
    op.create_table(
        "request_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("actor", sa.String(length=128), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        _when("created_at"),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["requests.id"],
            name=op.f("fk_request_events_request_id_requests"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_request_events")),
    )
    op.create_index(op.f("ix_request_events_request_id"), "request_events", ["request_id"])
    op.create_table(
        "booking_slots",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("station_id", sa.String(length=64), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("slot", sa.String(length=32), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("booked", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "booked >= 0 AND booked <= capacity",
            name=op.f("ck_booking_slots_within_capacity"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_booking_slots")),
        sa.UniqueConstraint(
            "station_id", "day", "slot", name=op.f("uq_booking_slots_station_id_day_slot")
        ),
    )
    op.create_table(
        "bookings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=32), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("slot_id", sa.Integer(), nullable=False),
        sa.Column("service", sa.String(length=64), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        *_reach_back(),
        _when("remind_at", nullable=True),
        _when("reminded_at", nullable=True),
        _when("created_at"),
        _when("updated_at"),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_bookings_user_id_users"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["slot_id"], ["booking_slots.id"], name=op.f("fk_bookings_slot_id_booking_slots")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bookings")),
        sa.UniqueConstraint("number", name=op.f("uq_bookings_number")),
    )
    op.create_index(op.f("ix_bookings_user_id"), "bookings", ["user_id"])
    op.create_index(op.f("ix_bookings_slot_id"), "bookings", ["slot_id"])
    op.create_index("ix_bookings_reminders", "bookings", ["state", "reminded_at", "remind_at"])


def downgrade() -> None:
    for table in ("bookings", "booking_slots", "request_events", "requests", "counters"):
        op.drop_table(table)
