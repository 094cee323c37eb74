"""Tickets: a user's matter handed to the staff of one station, from opening to rating."""

from __future__ import annotations

from datetime import datetime
from typing import Literal, get_args

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, utcnow

# Waiting in a station's queue until claimed, live while a staff member relays, then resolved.
TicketStatus = Literal["waiting", "live", "resolved"]
TICKET_STATUSES: tuple[TicketStatus, ...] = get_args(TicketStatus)


class Ticket(Base):
    """One handoff. Waiting in a station's queue until claimed; live while a staff member
    relays with the user; resolved with a note, then rated 1-5 by the user.

    The conversation is the one the user was in (its channel is where staff replies go);
    its message log is the ticket's conversation. `deadline_at` is when an unclaimed ticket
    moves up a level; `callback` marks one opened outside working hours.
    """

    __tablename__ = "tickets"
    __table_args__ = (
        Index("ix_tickets_status_station_id", "status", "station_id"),
        Index("ix_tickets_conversation_id_status", "conversation_id", "status"),
        Index("ix_tickets_status_deadline_at", "status", "deadline_at"),
        Index("ix_tickets_created_at", "created_at"),  # the reports (0011)
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"))
    station_id: Mapped[str] = mapped_column(String(64))
    category: Mapped[str] = mapped_column(String(64))  # KB category or request type
    reason: Mapped[str] = mapped_column(String(32))  # asked, fallback, distress, request, …
    urgent: Mapped[bool] = mapped_column(default=False)
    status: Mapped[TicketStatus] = mapped_column(String(16), default="waiting")
    callback: Mapped[bool] = mapped_column(default=False)
    request_id: Mapped[int | None] = mapped_column(index=True)  # the request that needs staff
    summary: Mapped[str] = mapped_column(Text, default="")
    claimed_by: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    claimed_at: Mapped[datetime | None] = mapped_column()
    deadline_at: Mapped[datetime | None] = mapped_column()
    escalations: Mapped[int] = mapped_column(default=0)
    last_user_at: Mapped[datetime | None] = mapped_column()
    last_staff_at: Mapped[datetime | None] = mapped_column()
    staff_seen_at: Mapped[datetime | None] = mapped_column()  # the claimer last opened it
    resolved_at: Mapped[datetime | None] = mapped_column()
    resolution: Mapped[str] = mapped_column(Text, default="")
    rating: Mapped[int | None] = mapped_column()
    rated_at: Mapped[datetime | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
