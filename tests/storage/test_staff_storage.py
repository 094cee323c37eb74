"""Staff storage: accounts and sessions, tickets' queue order, counts and due deadlines, and an
audit log the database itself keeps append-only."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import delete, update
from sqlalchemy.exc import DBAPIError, IntegrityError

from storage.database import Database
from storage.models import AuditEntry, Ticket
from storage.repositories.audit import AuditLog
from storage.repositories.conversations import Conversations
from storage.repositories.staff import StaffAccounts, StaffSessions
from storage.repositories.tickets import Tickets

T0 = datetime(2025, 12, 1, 2, 0, tzinfo=UTC)


async def _ticket(
    database: Database, station: str, *, urgent: bool = False, minutes: int = 0
) -> int:
    async with database.transaction() as session:
        state = await Conversations(session).open(
            "test", f"u{station}{minutes}", f"u{station}{minutes}"
        )
        ticket = await Tickets(session).add(
            Ticket(
                user_id=state.user_id,
                conversation_id=state.id,
                station_id=station,
                category="asked",
                reason="asked",
                urgent=urgent,
                status="waiting",
                deadline_at=T0 + timedelta(hours=1),
                created_at=T0 + timedelta(minutes=minutes),
                updated_at=T0,
            )
        )
        return ticket.id


async def test_the_audit_log_refuses_updates_and_deletes(database: Database) -> None:
    async with database.transaction() as session:
        await AuditLog(session).add("login", staff_id=1, username="li", station_id="county")
    for statement in (update(AuditEntry).values(action="forged"), delete(AuditEntry)):
        with pytest.raises(DBAPIError, match="append-only"):
            async with database.transaction() as session:
                await session.execute(statement)
    async with database.transaction() as session:
        [entry] = await AuditLog(session).recent(None)
    assert (entry.action, entry.username) == ("login", "li")


async def test_usernames_are_unique(database: Database) -> None:
    async with database.transaction() as session:
        await StaffAccounts(session).add("li", "Li", "county", "staff", "hash")
    with pytest.raises(IntegrityError):
        async with database.transaction() as session:
            await StaffAccounts(session).add("li", "Other", "tongshi", "staff", "hash")


async def test_sessions_expire_and_end_and_die_with_a_disabled_account(database: Database) -> None:
    async with database.transaction() as session:
        account = await StaffAccounts(session).add("li", "Li", "county", "staff", "hash")
        await StaffSessions(session).add("a" * 64, account.id, "csrf", T0 + timedelta(hours=1))
        await StaffSessions(session).add("b" * 64, account.id, "csrf", T0 + timedelta(hours=1))
    async with database.transaction() as session:
        sessions = StaffSessions(session)
        assert await sessions.find("a" * 64, T0) == (account, "csrf")
        assert await sessions.find("a" * 64, T0 + timedelta(hours=1)) is None  # expired
        await sessions.end("a" * 64)
        assert await sessions.find("a" * 64, T0) is None
        await StaffAccounts(session).set_active(account.id, False)
        assert await sessions.find("b" * 64, T0) is None


async def test_lockout_counts_failures_in_a_row(database: Database) -> None:
    async with database.transaction() as session:
        accounts = StaffAccounts(session)
        account = await accounts.add("li", "Li", "county", "staff", "hash")
        until = T0 + timedelta(minutes=15)
        assert [await accounts.failed_login(account.id, 3, until) for _ in range(3)] == [
            False,
            False,
            True,
        ]
        found = await accounts.credentials("li")
        assert found is not None and found[2] == until
        await accounts.logged_in(account.id)
        found = await accounts.credentials("li")
        assert found is not None and found[2] is None


async def test_queue_is_urgent_first_then_longest_waiting(database: Database) -> None:
    late = await _ticket(database, "tongshi", minutes=30)
    early = await _ticket(database, "tongshi", minutes=10)
    urgent = await _ticket(database, "county", urgent=True, minutes=50)
    elsewhere = await _ticket(database, "wukou", minutes=0)
    async with database.transaction() as session:
        tickets = Tickets(session)
        assert [t.id for t in await tickets.queue(None, ("waiting",))] == [
            urgent,
            elsewhere,
            early,
            late,
        ]
        mine = frozenset({"tongshi", "county"})
        assert [t.id for t in await tickets.queue(mine, ("waiting",))] == [urgent, early, late]
        assert await tickets.counts(mine) == {"waiting": 3, "urgent": 1, "live": 0, "resolved": 0}


async def test_due_skips_the_top_and_those_not_yet_due(database: Database) -> None:
    town = await _ticket(database, "tongshi")
    await _ticket(database, "county")
    async with database.transaction() as session:
        tickets = Tickets(session)
        assert await tickets.due(T0, skip=frozenset({"county"})) == []
        due = await tickets.due(T0 + timedelta(hours=1), skip=frozenset({"county"}))
        assert [t.id for t in due] == [town]
