"""Tickets from the conversation's side: open one (or join the open one), and rate it.

These run inside a turn, in its transaction, after the turn locked the conversation.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.conversation.payloads import STARS
from bot.privacy.masking import mask_id_numbers
from bot.staff.desk import Desk
from policies.schema import Station
from storage.models import Ticket
from storage.repositories.audit import AuditLog
from storage.repositories.tickets import Tickets

HANDOFF = "handoff"  # the conversation flow of a user whose ticket is open (bot/flows/handoff.py)


@dataclass(frozen=True)
class Opened:
    ticket: Ticket
    joined: bool  # the conversation already had an open ticket; this message joined it
    on_duty: bool


async def open_or_join(
    session: AsyncSession,
    desk: Desk,
    *,
    conversation_id: int,
    user_id: int,
    station: Station,
    category: str,
    reason: str,
    urgent: bool,
    summary: str,
    now: datetime,
    request_id: int | None = None,
) -> Opened:
    """The conversation's open ticket, joined, or a new one in `station`'s queue."""
    on_duty = desk.hours.on_duty(now)
    current = await Tickets(session).open_for(conversation_id)
    if current is not None:
        current.last_user_at = current.updated_at = now
        if request_id is not None and current.request_id is None:
            current.request_id = request_id
        if urgent and not current.urgent:
            await _make_urgent(session, desk, current, station, reason, now)
        return Opened(current, True, on_duty)
    ticket = await Tickets(session).add(
        Ticket(
            user_id=user_id,
            conversation_id=conversation_id,
            station_id=station.id,
            category=category,
            reason=reason,
            urgent=urgent,
            status="waiting",
            callback=not on_duty,
            request_id=request_id,
            summary=mask_id_numbers(summary)[:500],  # at rest, like the message log
            deadline_at=desk.deadline(urgent, now),
            last_user_at=now,
            created_at=now,
            updated_at=now,
        )
    )
    await AuditLog(session).add(
        "open",
        station_id=station.id,
        ticket_id=ticket.id,
        detail={"reason": reason, "category": category, "urgent": urgent, "callback": not on_duty},
        at=now,
    )
    return Opened(ticket, False, on_duty)


async def _make_urgent(
    session: AsyncSession, desk: Desk, ticket: Ticket, station: Station, reason: str, now: datetime
) -> None:
    """Distress outranks whatever the open ticket was about: to `station` (the county), at
    once."""
    moved_from = ticket.station_id
    ticket.urgent, ticket.reason, ticket.station_id = True, reason, station.id
    if ticket.status == "waiting":
        ticket.deadline_at = desk.deadline(True, now)
    await AuditLog(session).add(
        "urgent",
        station_id=station.id,
        ticket_id=ticket.id,
        detail={"from": moved_from, "reason": reason},
        at=now,
    )


async def rate(
    session: AsyncSession, conversation_id: int, ticket_id: int, stars: int, now: datetime
) -> bool:
    """The user's 1-5 for a resolved ticket of theirs; False when it cannot be rated (not
    theirs, not resolved, already rated)."""
    ticket = await Tickets(session).get_locked(ticket_id)
    if (
        ticket is None
        or ticket.conversation_id != conversation_id
        or ticket.status != "resolved"
        or ticket.rating is not None
        or stars not in STARS
    ):
        return False
    ticket.rating, ticket.rated_at = stars, now
    await AuditLog(session).add(
        "rate", station_id=ticket.station_id, ticket_id=ticket.id, detail={"stars": stars}, at=now
    )
    return True
