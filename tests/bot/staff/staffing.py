"""Test helpers for the staff side: a controllable clock, accounts, and a user with a ticket."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from bot.conversation.engine import Engine
from bot.conversation.types import ConversationKey, Inbound, Outbound
from bot.staff.accounts import hash_password
from storage.database import Database
from storage.models import Ticket
from storage.repositories.conversations import Conversations, ConversationState
from storage.repositories.staff import StaffAccount, StaffAccounts
from storage.repositories.tickets import Tickets

PASSWORD = "correct horse battery"
# Monday 1 December 2025, 10:00 in the county (02:00 UTC): a working day, inside 09:00-17:00.
MONDAY_10 = datetime(2025, 12, 1, 2, 0, tzinfo=UTC)
SUNDAY_10 = datetime(2025, 11, 30, 2, 0, tzinfo=UTC)
_hash = hash_password(PASSWORD)  # hashing takes a while: once per run


@dataclass
class Clock:
    """Now, as the code under test sees it; tests move it."""

    now: datetime = field(default=MONDAY_10)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now


async def add_staff(
    database: Database, username: str, station: str, role: str = "staff"
) -> StaffAccount:
    async with database.transaction() as session:
        return await StaffAccounts(session).add(username, username.title(), station, role, _hash)


class Veteran:
    """One user talking to an engine, at the clock's time."""

    _ids = 0

    def __init__(self, engine: Engine, clock: Clock, user: str = "veteran", channel: str = "test"):
        self.engine, self.clock = engine, clock
        self.key = ConversationKey(channel, user, user)

    async def say(self, text: str | None = None, payload: str | None = None) -> list[Outbound]:
        Veteran._ids += 1
        inbound = Inbound(
            self.key, f"s{Veteran._ids}", text=text, payload=payload, received_at=self.clock.now
        )
        return await self.engine.handle(inbound)

    async def conversation(self) -> int:
        async with self.engine.database.transaction() as session:
            found = await Conversations(session).find(*self._parts())
        assert found is not None
        return found

    async def state(self) -> ConversationState:
        async with self.engine.database.transaction() as session:
            return await Conversations(session).open(*self._parts())

    def _parts(self) -> tuple[str, str, str]:
        return self.key.channel, self.key.chat_id, self.key.user_id


async def open_ticket(database: Database, ticket_id: int) -> Ticket:
    async with database.transaction() as session:
        found = await Tickets(session).get(ticket_id)
    assert found is not None
    return found


async def handed_over(engine: Engine, clock: Clock) -> tuple[Veteran, StaffAccount]:
    """A veteran who asked for a person (ticket 1, county queue) and the county's clerk "li"."""
    veteran = Veteran(engine, clock)
    await veteran.say("转人工")
    return veteran, await add_staff(engine.database, "li", "county")
