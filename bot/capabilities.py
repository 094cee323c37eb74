"""The capabilities behind the menu and the conversation intents.

Requests, bookings and live staff handoff arrive in later work; until then each says plainly
that it is coming and gives the station's contact instead. Never pretend something was filed.
"""

from __future__ import annotations

import logging

from bot.channels.base import Outbound
from bot.contact import contact_lines, contact_options
from bot.menu import main_menu
from bot.turn import Turn
from intents.decision import Intent

log = logging.getLogger(__name__)


def coming_soon(turn: Turn, capability: str) -> Outbound:
    """`capability` is 'request', 'booking' or 'handoff'."""
    turn.outcome = capability
    return turn.reply(
        turn.text(f"coming.{capability}"), *contact_lines(turn), options=contact_options(turn)
    )


def handoff(turn: Turn, *, urgent: bool = False) -> Outbound:
    if not urgent:
        return coming_soon(turn, "handoff")
    turn.outcome = "urgent"
    lines = [turn.text("urgent.danger")]
    if turn.settings.crisis_contact:
        lines.append(turn.text("urgent.crisis", contact=turn.settings.crisis_contact))
    lines += [turn.text("coming.handoff"), *contact_lines(turn)]
    return turn.reply(*lines, options=contact_options(turn))


def status(turn: Turn) -> Outbound:
    turn.outcome = "status"
    return turn.reply(turn.text("status.none"), options=[turn.option("menu.back", "menu")])


def cancel(turn: Turn) -> Outbound:
    if turn.state.flow is None:
        return main_menu(turn, turn.text("cancel.nothing"))
    turn.state.leave_flow()
    return main_menu(turn, turn.text("cancel.done"))


def intent(turn: Turn, decision: Intent) -> Outbound:
    """Act on a conversation intent (`policies/topics.yaml`, "intents")."""
    name = decision.name
    if name == "@human":
        reply = handoff(turn, urgent=decision.urgent)
    elif name == "@greet":
        reply = main_menu(turn, turn.text("greet"))
    elif name == "@help":
        reply = main_menu(turn)
    elif name == "@book_appointment":
        reply = coming_soon(turn, "booking")
    elif name == "@file_request":
        reply = coming_soon(turn, "request")
    elif name == "@my_status":
        reply = status(turn)
    elif name == "@cancel":
        reply = cancel(turn)
    elif name == "@thanks":
        reply = turn.reply(turn.text("thanks"), options=[turn.option("menu.back", "menu")])
    elif name == "@out_of_scope":
        reply = main_menu(turn, turn.text("out_of_scope"))
    else:
        log.warning("understanding returned an intent the engine does not know: %s", name)
        reply = main_menu(turn)
    turn.outcome = "urgent" if decision.urgent else f"intent{name.replace('@', ':')}"
    return reply
