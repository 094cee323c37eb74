"""The capabilities behind the conversation intents.

Requests and bookings start their flows (`bot/flows/request/`, `bot/flows/booking/`); "my
requests" lists them (`bot/skills/status.py`). Asking for a person opens a ticket in the staff
queue (`bot/flows/handoff.py`).
"""

from __future__ import annotations

import logging

from bot.conversation.payloads import Guide, Menu, option
from bot.conversation.turn import Outcome, Turn
from bot.conversation.types import Outbound
from bot.flows import FLOWS, begin
from bot.flows import handoff as flows_handoff
from bot.flows.request.asking import types_menu
from bot.skills.menu import main_menu
from bot.skills.status import status
from intents.decision import Intent
from intents.examples import GUIDE, GUIDES

log = logging.getLogger(__name__)


async def handoff(turn: Turn, decision: Intent) -> Outbound:
    """A person was asked for, or must step in (distress, threats, anger: urgent, county)."""
    urgent = flows_handoff.is_urgent(decision)
    return await flows_handoff.hand_over(turn, reason=decision.reason or "asked", urgent=urgent)


def cancel(turn: Turn) -> Outbound:
    if turn.state.flow is None:
        return main_menu(turn, turn.text("cancel.nothing"))
    if turn.state.flow == flows_handoff.HandoffFlow.name:
        # Leaving the chat does not withdraw the matter: staff still answer here.
        turn.state.leave_flow()
        return main_menu(turn, turn.text("handoff.left"))
    turn.state.leave_flow()
    return main_menu(turn, turn.text("cancel.done"))


async def intent(turn: Turn, decision: Intent) -> Outbound:
    """Act on a conversation intent (`policies/topics.yaml`, "intents")."""
    name = decision.name
    outcome: Outcome
    if name.startswith(GUIDE):  # a guide's `asks` matched: "我能不能安排工作"
        first, *_ = await FLOWS["guide"].start(turn, Guide(name.removeprefix(GUIDE)))
        turn.outcome = "intent:guide"
        return first
    if name == "@human":
        return await handoff(turn, decision)  # it sets the outcome: "handoff" or "urgent"
    if name == "@greet":
        reply, outcome = main_menu(turn, turn.text("greet")), "intent:greet"
    elif name == "@help":
        reply, outcome = main_menu(turn), "intent:help"
    elif name == "@book_appointment":
        reply, outcome = await begin(turn, "booking"), "intent:book_appointment"
    elif name == "@file_request":
        reply, outcome = types_menu(turn), "intent:file_request"
    elif name == "@my_status":
        reply, outcome = await status(turn), "intent:my_status"
    elif name == "@cancel":
        reply, outcome = cancel(turn), "intent:cancel"
    elif name == GUIDES:
        reply, outcome = guides_menu(turn), "intent:guide"
    elif name == "@thanks":
        back = turn.option("menu.back", Menu())
        reply, outcome = turn.reply(turn.text("thanks"), options=[back]), "intent:thanks"
    elif name == "@out_of_scope":
        reply, outcome = main_menu(turn, _declined(turn, decision)), "intent:out_of_scope"
    else:
        log.warning("understanding returned an intent the engine does not know: %s", name)
        reply, outcome = main_menu(turn), "intent:unknown"
    turn.outcome = outcome
    return reply


def guides_menu(turn: Turn) -> Outbound:
    """Every eligibility guide to pick from (payload `guide:<id>`)."""
    options = [
        option(g.title.en if turn.english else g.title.zh, Guide(g.id)) for g in turn.kb.guides
    ]
    back = turn.option("menu.back", Menu())
    return turn.reply(turn.text("guide.choose"), options=[*options, back])


def _declined(turn: Turn, decision: Intent) -> str:
    """Why we do not answer, and where to ask instead when the question's subject belongs to
    another office (household registration, medical insurance…): never a number or address."""
    if decision.office is None:
        return turn.text("out_of_scope")
    office = decision.office.en if turn.english else decision.office.zh
    return turn.text("out_of_scope_office", office=office)
