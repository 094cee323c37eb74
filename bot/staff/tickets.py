"""What staff do with a ticket: claim, reply, transfer, resolve, reopen, reveal.

Each action (a `TicketWork` method; `reveal` and `seen` only read) runs in the caller's
transaction and does the whole action there: checks the member may see the ticket, changes it,
writes the audit entry and any message to the user (message log and outbox), so all of it
happens or none. Locks are taken conversation first, then ticket, the order a turn takes them,
so a staff action and the user's next message never deadlock; the user's message simply waits
for the action, or the action for the message.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.conversation.payloads import STARS, Rate, option
from bot.conversation.types import Outbound
from bot.errors import ActionRefused
from bot.insights.record import staff_answered
from bot.outbox.notify import STAFF, notify, reach
from bot.privacy.masking import mask
from bot.staff.audit import audit
from bot.staff.desk import Desk, ticket_number
from bot.staff.intake import HANDOFF
from bot.staff.permissions import may_take_over, seen_by
from storage.models import Ticket
from storage.repositories.staff import StaffAccount
from storage.repositories.tickets import Recipient, Tickets

MAX_REPLY = 2000
MAX_NOTE = 2000


@dataclass(frozen=True, slots=True)
class TicketWork:
    """What `staff` does to tickets in `session` at `now`: claim, reply, transfer, resolve,
    reopen. Each action opens the ticket as `_visible` has it (conversation, then ticket,
    locked) and writes its audit entry."""

    session: AsyncSession
    desk: Desk
    staff: StaffAccount
    now: datetime

    async def claim(self, ticket_id: int) -> Ticket:
        ticket, to = await self._open(ticket_id)
        if ticket.status == "live" and ticket.claimed_by == self.staff.id:
            return ticket
        await self._take(ticket, to)
        return ticket

    async def reply(self, ticket_id: int, text: str) -> Ticket:
        """Send `text` to the user on their channel; replying to a waiting ticket claims it."""
        text = _said(text, MAX_REPLY, "staff.error.reply_length")
        ticket, to = await self._open(ticket_id)
        if ticket.claimed_by != self.staff.id or ticket.status != "live":
            await self._take(ticket, to)
        desk, now = self.desk, self.now
        station = desk.station_name(to.language, ticket.station_id)
        words = desk.text(to.language, "handoff.staff_reply", station=station, text=text)
        await notify(self.session, reach(to), [Outbound(words)], outcome=STAFF)
        ticket.last_staff_at = ticket.staff_seen_at = ticket.updated_at = now
        await _enter(self.session, to, "talk", ticket.id)
        await _audit(self.session, self.staff, "reply", ticket, now, chars=len(text))
        return ticket

    async def transfer(self, ticket_id: int, station_id: str, note: str = "") -> Ticket:
        """Hand the ticket to another station's queue, unclaimed, with a fresh deadline."""
        desk, now = self.desk, self.now
        target = desk.kb.station(station_id)
        if target is None or not target.on_record:  # no one works a queue not on record
            raise ActionRefused("staff.error.no_station")
        ticket, to = await self._open(ticket_id)
        if target.id == ticket.station_id:
            raise ActionRefused("staff.error.same_station")
        # Moving a ticket unclaims it: sent to a station below and claimed there, it would be
        # a take-over by another name.
        _may_change_hands(self.staff, ticket)
        # Audited before the move: the entry belongs to the station the ticket leaves.
        await _audit(
            self.session, self.staff, "transfer", ticket, now, to=target.id, note=mask(note.strip())
        )
        ticket.station_id, ticket.status = target.id, "waiting"
        ticket.claimed_by = ticket.claimed_at = None
        ticket.deadline_at = desk.deadline(ticket.urgent, now)
        ticket.updated_at = now
        name = desk.station_name(to.language, target.id)
        moved = desk.text(to.language, "handoff.transferred", station=name)
        await notify(self.session, reach(to), [Outbound(moved)])
        return ticket

    async def resolve(self, ticket_id: int, note: str) -> Ticket:
        """Close the ticket with a note the user reads, and ask them to rate the help."""
        note = _said(note, MAX_NOTE, "staff.error.note")
        ticket, to = await self._open(ticket_id)
        desk, staff, now = self.desk, self.staff, self.now
        _may_change_hands(staff, ticket)
        ticket.status, ticket.resolution = "resolved", note
        ticket.resolved_at = ticket.updated_at = now
        ticket.deadline_at = None
        if ticket.claimed_by is None:
            ticket.claimed_by, ticket.claimed_at = staff.id, now
        lang, number = to.language, ticket_number(ticket.id)
        stars = [
            option(desk.text(lang, "handoff.stars", stars=n), Rate(ticket.id, n)) for n in STARS
        ]
        await notify(
            self.session,
            reach(to),
            [
                Outbound(desk.text(lang, "handoff.resolved", number=number, note=note)),
                Outbound(desk.text(lang, "handoff.rate_ask"), options=tuple(stars)),
            ],
        )
        await _enter(self.session, to, "rate", ticket.id)
        # An entry sent: the likely right answer.
        await staff_answered(self.session, desk.kb, ticket)
        await _audit(self.session, staff, "resolve", ticket, now, note=mask(note))
        return ticket

    async def reopen(self, ticket_id: int) -> Ticket:
        """Take a resolved ticket up again, claimed by whoever reopens it."""
        ticket, to = await _visible(self.session, self.desk, self.staff, ticket_id)
        if ticket.status != "resolved":
            raise ActionRefused("staff.error.not_resolved")
        if await Tickets(self.session).open_for(ticket.conversation_id) is not None:
            raise ActionRefused("staff.error.other_open")
        now = self.now
        ticket.status, ticket.claimed_by, ticket.claimed_at = "live", self.staff.id, now
        ticket.resolved_at, ticket.rating, ticket.rated_at = None, None, None
        ticket.staff_seen_at = ticket.updated_at = now
        again = self.desk.text(to.language, "handoff.reopened", number=ticket_number(ticket.id))
        await notify(self.session, reach(to), [Outbound(again)])
        await _enter(self.session, to, "talk", ticket.id)
        await _audit(self.session, self.staff, "reopen", ticket, now)
        return ticket

    async def _take(self, ticket: Ticket, to: Recipient) -> None:
        """Claim a waiting ticket, or take over a live one (station heads and admins only)."""
        staff, now = self.staff, self.now
        _may_change_hands(staff, ticket)
        taken = ticket.status == "live" and ticket.claimed_by not in (None, staff.id)
        action = "take_over" if taken else "claim"
        first = ticket.status == "waiting"
        ticket.status, ticket.claimed_by, ticket.claimed_at = "live", staff.id, now
        ticket.deadline_at, ticket.staff_seen_at, ticket.updated_at = None, now, now
        await _audit(self.session, staff, action, ticket, now)
        if first:
            name = self.desk.station_name(to.language, ticket.station_id)
            claimed = self.desk.text(to.language, "handoff.claimed", station=name)
            await notify(self.session, reach(to), [Outbound(claimed)])
            await _enter(self.session, to, "talk", ticket.id)

    async def _open(self, ticket_id: int) -> tuple[Ticket, Recipient]:
        """The ticket as `_visible` has it, refused once it is resolved."""
        ticket, to = await _visible(self.session, self.desk, self.staff, ticket_id)
        if ticket.status == "resolved":
            raise ActionRefused("staff.error.resolved")
        return ticket, to


async def reveal(
    session: AsyncSession, desk: Desk, staff: StaffAccount, ticket_id: int, now: datetime
) -> Ticket:
    """Record that `staff` asked to see the ticket's personal data unmasked."""
    ticket = await _peek(session, desk, staff, ticket_id)
    await _audit(session, staff, "reveal", ticket, now)
    return ticket


async def seen(
    session: AsyncSession, desk: Desk, staff: StaffAccount, ticket_id: int, now: datetime
) -> Ticket:
    """The ticket for `staff` to read; its claimer reading it clears its "new message" mark."""
    ticket = await _peek(session, desk, staff, ticket_id)
    if ticket.claimed_by == staff.id and ticket.status == "live":
        ticket.staff_seen_at = now
    return ticket


def _may_change_hands(staff: StaffAccount, ticket: Ticket) -> None:
    """The take-over rule, for every action that takes a live ticket from whoever claimed it
    (claim, reply, transfer, resolve): station heads and admins only."""
    claimed = ticket.status == "live" and ticket.claimed_by not in (None, staff.id)
    if claimed and not may_take_over(staff):
        raise ActionRefused("staff.error.claimed")


async def _peek(session: AsyncSession, desk: Desk, staff: StaffAccount, ticket_id: int) -> Ticket:
    found = await Tickets(session).get(ticket_id)
    return seen_by(desk.kb, staff, found, lambda t: t.station_id, f"ticket {ticket_id}")


async def _visible(
    session: AsyncSession, desk: Desk, staff: StaffAccount, ticket_id: int
) -> tuple[Ticket, Recipient]:
    """The ticket, locked after its conversation, if `staff` sees it."""
    peek = await _peek(session, desk, staff, ticket_id)
    tickets = Tickets(session)
    to = await tickets.recipient_locked(peek.conversation_id)
    ticket = await tickets.get_locked(ticket_id)  # seen again: it may have moved meanwhile
    return seen_by(desk.kb, staff, ticket, lambda t: t.station_id, f"ticket {ticket_id}"), to


def _said(text: str, limit: int, refused: str) -> str:
    """`text` without its surrounding spaces, refused when empty or longer than `limit`."""
    text = text.strip()
    if not text or len(text) > limit:
        raise ActionRefused(refused)
    return text


async def _enter(session: AsyncSession, to: Recipient, step: str, ticket_id: int) -> None:
    """Put the user's conversation in the handoff flow at `step`, unless they are busy in
    another flow (a half-filled form is not thrown away for a staff message)."""
    if to.flow in (None, HANDOFF):
        await Tickets(session).set_flow(to.conversation_id, HANDOFF, step, {"ticket": ticket_id})


async def _audit(
    session: AsyncSession,
    staff: StaffAccount,
    action: str,
    ticket: Ticket,
    now: datetime,
    **detail: Any,
) -> None:
    await audit(
        session, staff, action, now, station_id=ticket.station_id, ticket_id=ticket.id, **detail
    )
