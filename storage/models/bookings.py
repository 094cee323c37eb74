"""Visits booked at the stations, and the places left in each slot of each working day."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, utcnow

# `booked` holds a place; `cancelled` and `no_show` gave it back; `attended` used it.
BookingState = Literal["booked", "cancelled", "no_show", "attended"]


class BookingSlot(Base):
    """One bookable part of one day at one station, created when first booked.

    `booked` only moves by conditional UPDATEs (`booked < capacity`, `booked > 0`), and the
    check constraint backs them: the database, not a read in the application, keeps a slot
    from being overbooked by concurrent requests.
    """

    __tablename__ = "booking_slots"
    __table_args__ = (
        UniqueConstraint("station_id", "day", "slot"),
        CheckConstraint("booked >= 0 AND booked <= capacity", name="within_capacity"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    station_id: Mapped[str] = mapped_column(String(64))
    day: Mapped[date] = mapped_column(Date)
    slot: Mapped[str] = mapped_column(String(32))
    capacity: Mapped[int] = mapped_column()
    booked: Mapped[int] = mapped_column(default=0)


class Booking(Base):
    """One visit: who, which service, which slot, and whether it still holds a place.

    States: `booked` holds a place; `cancelled` and `no_show` gave it back; `attended` used it.
    `remind_at` is when the day-before reminder is due; `reminded_at` when it was queued.
    """

    __tablename__ = "bookings"
    __table_args__ = (Index("ix_bookings_reminders", "state", "reminded_at", "remind_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    slot_id: Mapped[int] = mapped_column(ForeignKey("booking_slots.id"), index=True)
    service: Mapped[str] = mapped_column(String(64))
    state: Mapped[BookingState] = mapped_column(String(16), default="booked")
    language: Mapped[str] = mapped_column(String(8), default="zh")
    channel: Mapped[str] = mapped_column(String(32))
    chat_id: Mapped[str] = mapped_column(String(128))
    external_user_id: Mapped[str] = mapped_column(String(128))
    remind_at: Mapped[datetime | None] = mapped_column()
    reminded_at: Mapped[datetime | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
