"""The capabilities behind the menu and the conversation intents.

Requests and bookings start their flows (`bot/flows/request.py`, `booking.py`); "my
requests" lists them (`bot/status.py`). Asking for a person opens a ticket in the staff queue
(`bot/flows/handoff.py`).
"""

from __future__ import annotations

import logging

from bot.conversation.turn import Turn
from bot.conversation.types import Outbound
from bot.flows import begin
from bot.flows import handoff as flows_handoff
from bot.flows.request.flow import types_menu
from bot.skills.menu import main_menu
from bot.skills.status import status
from intents.decision import Intent

log = logging.getLogger(__name__)


async def handoff(turn: Turn, decision: Intent) -> Outbound:
    """A person was asked for, or must step in (distress, threats, anger: urgent, county)."""
    return await flows_handoff.start(
        turn, reason=decision.reason or "asked", urgent=decision.urgent
    )


async def handoff_from(turn: Turn, entry_id: str = "") -> Outbound:
    """ "Contact staff" picked from the menu, or after an answer: the entry's category and level
    say which queue."""
    entry = turn.kb.entry(entry_id) if entry_id else None
    if entry is None:
        return await flows_handoff.start(turn, reason="asked")
    return await flows_handoff.start(
        turn, reason="asked", category=entry.category, level=entry.station_level
    )


def cancel(turn: Turn) -> Outbound:
    if turn.state.flow is None:
        return main_menu(turn, turn.text("cancel.nothing"))
    if turn.state.flow == flows_handoff.NAME:
        # Leaving the chat does not withdraw the matter: staff still answer here.
        turn.state.leave_flow()
        return main_menu(turn, turn.text("handoff.left"))
    turn.state.leave_flow()
    return main_menu(turn, turn.text("cancel.done"))


async def intent(turn: Turn, decision: Intent) -> Outbound:
    """Act on a conversation intent (`policies/topics.yaml`, "intents")."""
    name = decision.name
    if name == "@human":
        return await handoff(turn, decision)  # it sets the outcome: "handoff" or "urgent"
    if name == "@greet":
        reply = main_menu(turn, turn.text("greet"))
    elif name == "@help":
        reply = main_menu(turn)
    elif name == "@book_appointment":
        reply = await begin(turn, "booking")
    elif name == "@file_request":
        reply = types_menu(turn)
    elif name == "@my_status":
        reply = await status(turn)
    elif name == "@cancel":
        reply = cancel(turn)
    elif name == "@thanks":
        reply = turn.reply(turn.text("thanks"), options=[turn.option("menu.back", "menu")])
    elif name == "@out_of_scope":
        reply = main_menu(turn, turn.text("out_of_scope"))
    else:
        log.warning("understanding returned an intent the engine does not know: %s", name)
        reply = main_menu(turn)
    turn.outcome = f"intent{name.replace('@', ':')}"
    return reply
