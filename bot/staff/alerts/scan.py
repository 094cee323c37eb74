"""The alerts job: every few seconds, in every server process, find what staff should hear of
and queue each alert once in the outbox.

Each alert has a key naming what it is about (`new:<ticket>:<station>:<u|n>`,
`up:<ticket>:<station>:<level>`, `warn:<ticket>:<station>:<deadline>`,
`said:<ticket>:<quarter hour>`, `digest:<station>:<day>`). Marking the key and queueing the
alert commit together, and a key marked by another process is not queued again (the unique
key decides), so however many processes run, each alert goes out once. The outbox delivers it
with retries; nothing here runs inside a veteran's turn, so a failing robot never slows one.

When: urgent tickets at once, at any hour; a normal ticket opened outside working hours waits
for the morning digest (it is a call-back); warnings, escalations and new messages while on
duty. The digest goes at the first round of each working day's working time.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from bot.calendar.workdays import COUNTY_TIME
from bot.conversation.types import Outbound
from bot.outbox.notify import queue
from bot.staff.alerts.compose import Digest, Wording
from bot.staff.alerts.targets import alerted_stations, destinations
from bot.staff.desk import Desk
from storage.database import Database
from storage.models import Ticket
from storage.repositories.alerts import AlertMarks
from storage.repositories.bookings import Bookings
from storage.repositories.requests import Requests
from storage.repositories.tickets import Tickets

log = logging.getLogger(__name__)

INTERVAL = 10.0  # seconds between rounds: an urgent ticket is announced within this
WARN_AT = 0.75  # of a deadline's working time gone, the warning
NEW_FOR = timedelta(days=1)  # a ticket older than this is not "new" (the digest lists it)
SAID_BUCKET = timedelta(minutes=15)  # one "new message" alert per ticket per quarter hour
FIRST_WORDS = timedelta(minutes=1)  # messages this soon after opening are the opening itself
KEEP_MARKS = timedelta(days=60)
MAX_WAITING = 1000


async def scan(database: Database, desk: Desk, now: datetime) -> int:
    """Queue every alert due at `now` not queued before; the number queued."""
    stations = alerted_stations(desk.kb, desk.settings)
    if not stations:
        return 0
    async with database.transaction() as session:
        round_ = _Round(session, desk, now)
        waiting = await Tickets(session).queue(frozenset(stations), ("waiting",), limit=MAX_WAITING)
        for ticket in waiting:
            await round_.ticket(ticket)
        if desk.hours.on_duty(now):
            for station_id in stations:
                await round_.digest(station_id, [t for t in waiting if t.station_id == station_id])
    if round_.queued:
        log.info("staff alerts queued", extra={"count": round_.queued})
    return round_.queued


class _Round:
    def __init__(self, session: AsyncSession, desk: Desk, now: datetime) -> None:
        self.session, self.desk, self.now = session, desk, now
        self.words = Wording(desk)
        self.on_duty = desk.hours.on_duty(now)
        self.marks = AlertMarks(session)
        self.queued = 0

    async def ticket(self, ticket: Ticket) -> None:
        now, where = self.now, f"{ticket.id}:{ticket.station_id}"
        if ticket.escalations:
            await self.send(
                ticket.station_id,
                f"up:{where}:{ticket.escalations}",
                self.words.escalated(ticket, now),
            )
        elif now - ticket.created_at <= NEW_FOR and (ticket.urgent or not ticket.callback):
            kind = "u" if ticket.urgent else "n"
            await self.send(ticket.station_id, f"new:{where}:{kind}", self.words.new(ticket, now))
        if self.on_duty and self._nearly_due(ticket):
            assert ticket.deadline_at is not None
            deadline = ticket.deadline_at.isoformat(timespec="seconds")
            await self.send(
                ticket.station_id, f"warn:{where}:{deadline}", self.words.warning(ticket, now)
            )
        said = ticket.last_user_at
        if (
            said is not None
            and (self.on_duty or ticket.urgent)
            and said - ticket.created_at > FIRST_WORDS
            and now - said <= SAID_BUCKET
        ):
            bucket = int(said.timestamp() // SAID_BUCKET.total_seconds())
            await self.send(
                ticket.station_id, f"said:{ticket.id}:{bucket}", self.words.said(ticket, now)
            )

    def _nearly_due(self, ticket: Ticket) -> bool:
        """Past 75 % of its deadline's working time, not yet past it, below the top."""
        station = self.desk.kb.station(ticket.station_id)
        if ticket.deadline_at is None or station is None or not station.parent:
            return False  # the top station's tickets move nowhere: the digest counts them
        settings = self.desk.settings
        allowed = settings.claim_hours_urgent if ticket.urgent else settings.claim_hours_normal
        left = self.desk.hours.between(self.now, ticket.deadline_at)
        return timedelta(0) < left <= timedelta(hours=allowed * (1 - WARN_AT))

    async def digest(self, station_id: str, waiting: list[Ticket]) -> None:
        today = self.now.astimezone(COUNTY_TIME).date()
        key = f"digest:{station_id}:{today.isoformat()}"
        if not await self.marks.first(key, self.now):
            return
        visits = await Bookings(self.session).at_station(station_id, today, today)
        digest = Digest(
            station_id,
            today,
            waiting,
            overdue=sum(1 for t in waiting if t.deadline_at and t.deadline_at <= self.now),
            requests=len(await Requests(self.session).queue([station_id], limit=1000)),
            bookings=sum(1 for v in visits if v.state == "booked"),
        )
        if digest.waiting or digest.requests or digest.bookings:  # a quiet day needs no word
            await self._queue(station_id, self.words.digest(digest, self.now))

    async def send(self, station_id: str, key: str, alert: Outbound) -> None:
        if await self.marks.first(key, self.now):
            await self._queue(station_id, alert)

    async def _queue(self, station_id: str, alert: Outbound) -> None:
        for to in destinations(self.desk.kb, self.desk.settings, station_id):
            await queue(self.session, to, [alert])
            self.queued += 1
