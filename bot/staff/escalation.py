"""Tickets nobody claimed in time move up one level (village → town → county), recorded in
the audit log. Run by the server every minute; the clock is a parameter, so tests drive it."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from bot.staff.desk import Desk
from bot.staff.routing import parent
from storage.database import Database
from storage.repositories.audit import AuditLog
from storage.repositories.tickets import Tickets

Clock = Callable[[], datetime]
INTERVAL = 60.0  # seconds between runs; deadlines are counted in working hours, so ample

log = logging.getLogger(__name__)


async def escalate_due(database: Database, desk: Desk, now: datetime) -> int:
    """Move every waiting ticket past its deadline one level up; the number moved."""
    kb = desk.kb
    top = frozenset(s.id for s in kb.stations if not s.parent)
    moved = 0
    async with database.transaction() as session:
        audit = AuditLog(session)
        for ticket in await Tickets(session).due(now, skip=top):
            known = kb.station(ticket.station_id) is not None
            # A station removed from stations.yaml has no parent to ask: the county takes over.
            up = parent(kb, ticket.station_id) if known else kb.county_station()
            if up is None:
                continue
            moved_from, ticket.station_id = ticket.station_id, up.id
            ticket.escalations += 1
            ticket.deadline_at = desk.deadline(ticket.urgent, now)
            ticket.updated_at = now
            await audit.add(
                "escalate",
                station_id=up.id,
                ticket_id=ticket.id,
                detail={"from": moved_from, "to": up.id},
                at=now,
            )
            moved += 1
    if moved:
        log.info("tickets moved up a level", extra={"moved": moved})
    return moved
