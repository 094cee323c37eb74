"""Staff actions on a ticket: who may do what in which state, and what each one records."""

from __future__ import annotations

import pytest

from bot.conversation.engine import Engine
from bot.errors import ActionRefused, NotVisible
from bot.staff import tickets as work
from bot.staff.desk import Desk
from storage.repositories.audit import AuditLog
from tests.bot.staff.staffing import Clock, Veteran, add_staff, handed_over, open_ticket


async def test_a_claimed_ticket_is_taken_over_only_by_a_head_or_admin(
    engine: Engine, clock: Clock, desk: Desk
) -> None:
    await Veteran(engine, clock).say("转人工")
    first = await add_staff(engine.database, "li", "county")
    second = await add_staff(engine.database, "wang", "county")
    head = await add_staff(engine.database, "zhang", "county", "station_head")
    async with engine.database.transaction() as session:
        await work.TicketWork(session, desk, first, clock.now).claim(1)
    for action in (
        lambda s: work.TicketWork(s, desk, second, clock.now).claim(1),
        lambda s: work.TicketWork(s, desk, second, clock.now).reply(1, "我来"),
        lambda s: work.TicketWork(s, desk, second, clock.now).resolve(1, "好了"),
    ):
        with pytest.raises(ActionRefused, match=r"staff\.error\.claimed"):
            async with engine.database.transaction() as session:
                await action(session)
    async with engine.database.transaction() as session:
        await work.TicketWork(session, desk, head, clock.now).claim(1)
    assert (await open_ticket(engine.database, 1)).claimed_by == head.id


async def test_resolve_needs_a_note_and_reopen_a_resolved_ticket(
    engine: Engine, clock: Clock, desk: Desk
) -> None:
    veteran, staff = await handed_over(engine, clock)
    with pytest.raises(ActionRefused, match=r"staff\.error\.note"):
        async with engine.database.transaction() as session:
            await work.TicketWork(session, desk, staff, clock.now).resolve(1, "  ")
    with pytest.raises(ActionRefused, match=r"staff\.error\.not_resolved"):
        async with engine.database.transaction() as session:
            await work.TicketWork(session, desk, staff, clock.now).reopen(1)
    async with engine.database.transaction() as session:
        await work.TicketWork(session, desk, staff, clock.now).resolve(
            1, "已答复，身份证 430621199001011234"
        )
    with pytest.raises(ActionRefused, match=r"staff\.error\.resolved"):
        async with engine.database.transaction() as session:
            await work.TicketWork(session, desk, staff, clock.now).reply(1, "还有一件事")
    async with engine.database.transaction() as session:
        await work.TicketWork(session, desk, staff, clock.now).reopen(1)
    ticket = await open_ticket(engine.database, 1)
    assert (ticket.status, ticket.claimed_by, ticket.resolved_at) == ("live", staff.id, None)
    assert (await veteran.state()).step == "talk"
    async with engine.database.transaction() as session:
        entries = await AuditLog(session).for_ticket(1)
    assert [e.action for e in entries] == ["open", "resolve", "reopen"]
    assert entries[1].detail["note"] == "已答复，身份证 4306**********1234"  # masked in the log


async def test_reopen_refuses_when_the_user_has_another_open_ticket(
    engine: Engine, clock: Clock, desk: Desk
) -> None:
    veteran, staff = await handed_over(engine, clock)
    async with engine.database.transaction() as session:
        await work.TicketWork(session, desk, staff, clock.now).resolve(1, "好了")
    await veteran.say("取消")
    await veteran.say("转人工")  # ticket 2
    with pytest.raises(ActionRefused, match=r"staff\.error\.other_open"):
        async with engine.database.transaction() as session:
            await work.TicketWork(session, desk, staff, clock.now).reopen(1)


async def test_transfer_checks_the_station(engine: Engine, clock: Clock, desk: Desk) -> None:
    await Veteran(engine, clock).say("转人工")
    staff = await add_staff(engine.database, "li", "county")
    for station, key in (
        ("atlantis", "staff.error.no_station"),
        ("county", "staff.error.same_station"),
    ):
        with pytest.raises(ActionRefused, match=key):
            async with engine.database.transaction() as session:
                await work.TicketWork(session, desk, staff, clock.now).transfer(1, station)


async def test_a_ticket_outside_the_members_stations_does_not_exist_for_them(
    engine: Engine, clock: Clock, desk: Desk
) -> None:
    await Veteran(engine, clock).say("转人工")  # county
    town = await add_staff(engine.database, "tong", "tongshi", "station_head")
    for action in (
        lambda s: work.TicketWork(s, desk, town, clock.now).claim(1),
        lambda s: work.reveal(s, desk, town, 1, clock.now),
        lambda s: work.seen(s, desk, town, 1, clock.now),
        lambda s: work.TicketWork(s, desk, town, clock.now).reopen(1),
    ):
        with pytest.raises(NotVisible):
            async with engine.database.transaction() as session:
                await action(session)
    with pytest.raises(NotVisible):
        async with engine.database.transaction() as session:
            await work.TicketWork(session, desk, town, clock.now).claim(999)


async def test_reveal_is_audited(engine: Engine, clock: Clock, desk: Desk) -> None:
    await Veteran(engine, clock).say("转人工")
    staff = await add_staff(engine.database, "li", "county")
    async with engine.database.transaction() as session:
        await work.reveal(session, desk, staff, 1, clock.now)
    async with engine.database.transaction() as session:
        [_, reveal] = await AuditLog(session).for_ticket(1)
    assert (reveal.action, reveal.username, reveal.at) == ("reveal", "li", clock.now)
