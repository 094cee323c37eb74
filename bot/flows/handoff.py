"""Handing a conversation to staff, and the conversation while it is with them.

`hand_over` opens a ticket in the right station's queue (or joins the one already open), and tells
the user plainly what happens next and when: on duty, by when staff will answer; off duty, that
it waits as a call-back request until working time begins; in distress, the emergency numbers
and the crisis line first. The conversation then stays in the `handoff` flow:

    talk   the ticket is open. Waiting for staff, the bot still answers what it can and notes
           the rest for staff; live with a staff member, every message is relayed to them and
           the bot keeps quiet.
    rate   the ticket was resolved (staff put the conversation here): a digit 1-5 rates it;
           anything else leaves the flow and is handled as usual.

A message the bot can answer while the user waits is "not mine" to the flow: understanding
answers it, and the conversation stays with staff.

Joining the open ticket is free; opening a new one counts against the `ticket` rate limit
(`bot.conversation.limits`), so a flood of invented identities cannot fill a queue. Past it,
someone in distress still gets the emergency numbers and the crisis line, and no new ticket.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Literal

from bot.conversation.limits import within
from bot.conversation.payloads import STARS, FlowValue, Handoff, Menu, Payload
from bot.conversation.turn import Turn
from bot.conversation.types import Outbound
from bot.flows.base import Flow
from bot.privacy.masking import mask_id_numbers
from bot.skills.contact import contact_lines
from bot.staff.desk import Desk, ticket_number
from bot.staff.intake import Opened, open_or_join, rate
from bot.staff.routing import route
from intents.decision import Answer, Clarify, Intent
from policies.schema import Level, Station
from storage.repositories.tickets import Tickets

HandoffStep = Literal["talk", "rate"]
_STARS = frozenset(str(stars) for stars in STARS)
# Why a person must step in at once (`Intent.reason`): danger to life gets the emergency numbers;
# anger gets an apology. Asking for a person, or being left without help, is never urgent.
DANGER = frozenset({"distress", "threat"})
URGENT = DANGER | {"anger"}
RELAYED_AGAIN_AFTER = timedelta(minutes=2)  # one "passed on" for a burst of messages


class HandoffFlow(Flow):
    name = "handoff"  # what staff write too (`bot.staff.intake.HANDOFF`) when they resolve

    async def start(self, turn: Turn, picked: Payload | None = None) -> list[Outbound]:
        """ "Contact staff" picked from the menu, or after an entry's answer: the entry's category
        and level say which queue."""
        entry_id = picked.entry_id if isinstance(picked, Handoff) else ""
        entry = turn.kb.entry(entry_id) if entry_id else None
        if entry is None:
            return [await hand_over(turn, reason="asked")]
        level = entry.station_level
        return [await hand_over(turn, reason="asked", category=entry.category, level=level)]

    async def receive(
        self, turn: Turn, text: str | None, picked: FlowValue | None
    ) -> list[Outbound] | None:
        """A typed message while in the flow (the flow offers no options of its own)."""
        decision = turn.decision
        if isinstance(decision, Intent) and is_urgent(decision):
            return [await hand_over(turn, reason=decision.reason, urgent=True)]
        step: HandoffStep = "rate" if turn.state.step == "rate" else "talk"
        if step == "rate":
            return await _rating(turn, (text or "").strip())
        return await _talk(turn, text or "")


def is_urgent(decision: Intent) -> bool:
    """Whether a person must step in at once: danger to life, or anger; a plain 转人工 never."""
    return decision.urgent and decision.reason in URGENT


async def hand_over(
    turn: Turn,
    *,
    reason: str,
    urgent: bool = False,
    category: str | None = None,
    level: Level = "village",
    lead: tuple[str, ...] = (),
) -> Outbound:
    """Open or join the conversation's ticket and say what happens next.

    `level` is where the matter is handled (an entry's or request type's `station_level`);
    "village" keeps it at the user's own station. `lead` lines come first.
    """
    station = route(turn.kb, turn.state.station_id, level, urgent=urgent)
    turn.outcome = "urgent" if urgent else "handoff"
    lines = [*lead, *_urgent_lines(turn, reason if urgent else "")]
    if not await _may_open(turn):
        if not urgent:  # distress is answered as such, ticket or not
            turn.outcome = "limited"
        return turn.reply(*lines, turn.text("limit.ticket"), *contact_lines(turn))
    desk, opened = await _open(turn, station, category or reason, reason, urgent, None)
    lines += [_next_steps(turn, desk, opened), *contact_lines(turn), turn.text("handoff.menu_hint")]
    # No options: while staff have the matter, a digit the user types is a word for staff.
    return turn.reply(*lines)


def _urgent_lines(turn: Turn, reason: str) -> list[str]:
    """What comes first for an urgent matter: for danger to life the emergency numbers (and,
    in distress, the crisis lines, at any hour); for anger an apology."""
    if reason == "anger":
        return [turn.text("urgent.anger")]
    if reason not in DANGER:
        return []
    lines = [turn.text("urgent.danger")]
    if reason == "distress":
        lines.append(turn.text("urgent.crisis_line"))
        if turn.settings.crisis_contact:
            lines.append(turn.text("urgent.crisis", contact=turn.settings.crisis_contact))
    return lines


async def for_request(
    turn: Turn, *, request_id: int, station: Station, category: str, urgent: bool
) -> str:
    """A filed request whose type needs staff (`needs_staff`: grievances, complaints) gets a
    ticket in the queue of the station handling it; the line saying what happens next."""
    where = turn.kb.county_station() if urgent else station
    if not await _may_open(turn):
        return turn.text("limit.ticket")  # the request is on file all the same
    desk, opened = await _open(turn, where, category, "request", urgent, request_id)
    return _next_steps(turn, desk, opened)


async def _may_open(turn: Turn) -> bool:
    """Whether this turn may have a ticket: the open one is joined freely; a new one counts."""
    if await Tickets(turn.session).open_for(turn.state.id) is not None:
        return True
    return await within(turn, "ticket")


async def _open(
    turn: Turn,
    station: Station,
    category: str,
    reason: str,
    urgent: bool,
    request_id: int | None,
) -> tuple[Desk, Opened]:
    desk = Desk.of(turn.kb, turn.settings, turn.messages)
    opened = await open_or_join(
        turn.session,
        desk,
        conversation_id=turn.state.id,
        user_id=turn.state.user_id,
        station=station,
        category=category,
        reason=reason,
        urgent=urgent,
        summary=turn.inbound.text or "",
        now=turn.inbound.received_at,
        request_id=request_id,
    )
    talk: HandoffStep = "talk"
    turn.state.flow, turn.state.step = HandoffFlow.name, talk
    turn.state.values = {"ticket": opened.ticket.id}
    return desk, opened


async def _rating(turn: Turn, typed: str) -> list[Outbound] | None:
    """A digit 1-5 rates the resolved ticket; anything else leaves the flow, not ours."""
    ticket_id = turn.state.values.get("ticket")
    turn.state.leave_flow()
    if typed in _STARS and isinstance(ticket_id, int):
        return [await rated(turn, ticket_id, int(typed))]
    return None


async def _talk(turn: Turn, text: str) -> list[Outbound] | None:
    """Relayed to the staff member when one is live; noted for staff while waiting, unless the
    bot can answer it (then not ours: understanding answers)."""
    ticket = await Tickets(turn.session).open_for(turn.state.id)
    if ticket is None:  # resolved while the user was elsewhere
        turn.state.leave_flow()
        return None
    ticket.last_user_at = ticket.updated_at = turn.inbound.received_at
    if not ticket.summary:  # opened from a button: the first words tell staff what it is about
        ticket.summary = mask_id_numbers(text)[:500]  # at rest, like the message log
    if ticket.status == "live":
        turn.outcome = "relayed"  # the staff member sees it in the console
        return _relayed(turn)
    if isinstance(turn.decision, Answer | Clarify):
        return None
    turn.outcome = "handoff"
    return [turn.reply(turn.text("handoff.noted", number=ticket_number(ticket.id)))]


def _relayed(turn: Turn) -> list[Outbound]:
    """A short "passed on" for the first message of a burst; then the bot keeps out of the way
    until the user has been quiet a while."""
    now = turn.inbound.received_at
    last = turn.state.values.get("relayed_at")
    if isinstance(last, str) and now - datetime.fromisoformat(last) < RELAYED_AGAIN_AFTER:
        return []
    turn.state.values = {**turn.state.values, "relayed_at": now.isoformat()}
    return [turn.reply(turn.text("handoff.relayed"))]


async def rated(turn: Turn, ticket_id: int, stars: int) -> Outbound:
    """Record the user's rating (from a typed digit or a button) and thank them."""
    recorded = await rate(turn.session, turn.state.id, ticket_id, stars, turn.inbound.received_at)
    if turn.state.flow == HandoffFlow.name:
        turn.state.leave_flow()
    turn.outcome = "rated" if recorded else "stale"
    key = "handoff.rated" if recorded else "handoff.rate_closed"
    return turn.reply(turn.text(key), options=[turn.option("menu.back", Menu())])


def _next_steps(turn: Turn, desk: Desk, opened: Opened) -> str:
    ticket, lang = opened.ticket, turn.state.language
    number = ticket_number(ticket.id)
    station = desk.station_name(lang, ticket.station_id)
    hours = desk.hours.describe()
    if opened.joined and not ticket.urgent:
        return turn.text("handoff.joined", number=number)
    if opened.on_duty:
        key = "handoff.urgent" if ticket.urgent else "handoff.opened"
        deadline = ticket.deadline_at or turn.inbound.received_at
        return turn.text(
            key, station=station, number=number, hours=hours, by=desk.when(lang, deadline)
        )
    opens = desk.when(lang, desk.hours.next_open(turn.inbound.received_at))
    key = "handoff.urgent_callback" if ticket.urgent else "handoff.callback"
    return turn.text(key, station=station, number=number, hours=hours, opens=opens)
