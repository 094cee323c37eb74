"""Unclaimed tickets move up one level when their deadline passes, counted in working hours,
with a clock the test controls; every move is in the audit log."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from bot.background import every
from bot.conversation.engine import Engine
from bot.staff import tickets as work
from bot.staff.desk import Desk
from bot.staff.escalation import escalate_due
from bot.web.runtime import prune
from storage.models import Ticket
from storage.repositories.audit import AuditLog
from storage.repositories.conversations import Conversations
from storage.repositories.staff import StaffSessions
from tests.bot.staff.staffing import Clock, Veteran, add_staff, open_ticket


async def _village_ticket(engine: Engine, clock: Clock, user: str = "veteran") -> int:
    veteran = Veteran(engine, clock, user)
    async with engine.database.transaction() as session:
        conversations = Conversations(session)
        state = await conversations.open(*veteran._parts())
        state.station_id = "tongshi_village"
        await conversations.save(state)
    await veteran.say("转人工")
    return 1


async def test_village_to_town_to_county_then_no_further(
    engine: Engine, clock: Clock, desk: Desk
) -> None:
    ticket_id = await _village_ticket(engine, clock)  # Monday 10:00, 8 working hours
    clock.advance(hours=23, minutes=59)  # Tuesday 09:59: one working minute short
    assert await escalate_due(engine.database, desk, clock.now) == 0
    clock.advance(minutes=1)
    assert await escalate_due(engine.database, desk, clock.now) == 1
    ticket = await open_ticket(engine.database, ticket_id)
    assert (ticket.station_id, ticket.escalations) == ("tongshi", 1)
    assert ticket.deadline_at == clock.now.replace(day=3)  # a working day later
    clock.advance(days=4)  # Saturday: past the deadline
    assert await escalate_due(engine.database, desk, clock.now) == 1
    assert (await open_ticket(engine.database, ticket_id)).station_id == "county"
    clock.advance(days=30)
    assert await escalate_due(engine.database, desk, clock.now) == 0  # the top keeps it
    async with engine.database.transaction() as session:
        moves = [(e.action, e.detail) for e in await AuditLog(session).for_ticket(ticket_id)]
    assert moves == [
        ("open", {"reason": "asked", "category": "asked", "urgent": False, "callback": False}),
        ("escalate", {"from": "tongshi_village", "to": "tongshi"}),
        ("escalate", {"from": "tongshi", "to": "county"}),
    ]


async def test_a_claimed_ticket_stays_where_it_is(engine: Engine, clock: Clock, desk: Desk) -> None:
    ticket_id = await _village_ticket(engine, clock)
    staff = await add_staff(engine.database, "cun", "tongshi_village")
    async with engine.database.transaction() as session:
        await work.TicketWork(session, desk, staff, clock.advance(hours=1)).claim(ticket_id)
    clock.advance(days=10)
    assert await escalate_due(engine.database, desk, clock.now) == 0
    assert (await open_ticket(engine.database, ticket_id)).station_id == "tongshi_village"


async def test_a_transfer_gives_a_fresh_deadline(engine: Engine, clock: Clock, desk: Desk) -> None:
    ticket_id = await _village_ticket(engine, clock)
    staff = await add_staff(engine.database, "cun", "tongshi_village")
    async with engine.database.transaction() as session:
        await work.TicketWork(session, desk, staff, clock.advance(hours=7)).transfer(
            ticket_id, "wukou"
        )
    clock.advance(hours=2)  # past the first deadline, not the new one
    assert await escalate_due(engine.database, desk, clock.now) == 0
    ticket = await open_ticket(engine.database, ticket_id)
    assert (ticket.station_id, ticket.status, ticket.claimed_by) == ("wukou", "waiting", None)


async def test_a_station_no_longer_listed_hands_its_tickets_to_the_county(
    engine: Engine, clock: Clock, desk: Desk
) -> None:
    ticket_id = await _village_ticket(engine, clock)
    async with engine.database.transaction() as session:
        ticket = await session.get(Ticket, ticket_id)
        assert ticket is not None
        ticket.station_id = "closed_station"
    clock.advance(days=2)
    assert await escalate_due(engine.database, desk, clock.now) == 1
    assert (await open_ticket(engine.database, ticket_id)).station_id == "county"


async def test_the_escalation_round_moves_due_tickets_and_pruning_ends_expired_sessions(
    engine: Engine, clock: Clock, desk: Desk
) -> None:
    """The server's rounds: escalation every minute, and the hourly prune that deletes console
    sessions past their end."""
    ticket_id = await _village_ticket(engine, clock)
    staff = await add_staff(engine.database, "li", "county")
    async with engine.database.transaction() as session:
        await StaffSessions(session).add("a" * 64, staff.id, "csrf", clock.now)
    clock.advance(days=2)
    stop = asyncio.Event()

    async def round_() -> None:
        await escalate_due(engine.database, desk, clock.now)

    job = asyncio.create_task(every(0.01, round_, stop, skipped="escalation"))
    for _ in range(200):
        if (await open_ticket(engine.database, ticket_id)).station_id != "tongshi_village":
            break
        await asyncio.sleep(0.01)
    stop.set()
    await job
    assert (await open_ticket(engine.database, ticket_id)).station_id == "tongshi"
    await prune(engine.database, clock.now)
    async with engine.database.transaction() as session:
        assert await StaffSessions(session).find("a" * 64, clock.now - timedelta(days=3)) is None
