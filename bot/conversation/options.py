"""Picked options: what each payload does, whether it came from a button or a typed digit.

The payloads and their types are in `payloads.py`. A Telegram `#` token is mapped back to the
option it stands for first; a payload the grammar does not know is logged and answered as a
stale option.
"""

from __future__ import annotations

import logging
from typing import assert_never

from bot.conversation.payloads import (
    Categories,
    Category,
    ChangeBooking,
    Destination,
    FlowOption,
    Guide,
    Handoff,
    Helped,
    Languages,
    Link,
    LinkAnswer,
    Menu,
    MyData,
    NewBooking,
    Rate,
    ReadEntry,
    Request,
    SetLanguage,
    Status,
    Town,
    Unknown,
    is_token,
    option,
    parse,
    picked_option,
)
from bot.conversation.turn import Turn
from bot.conversation.types import Option, Outbound
from bot.flows import FLOWS, handoff
from bot.flows.request.asking import types_menu
from bot.messages import LANGUAGES
from bot.privacy.pseudonyms import pseudonym
from bot.skills import answers, linking, menu, mydata, status

log = logging.getLogger(__name__)


async def pick(turn: Turn, payload: str) -> list[Outbound]:
    if is_token(payload):
        offered = [Option(label, value) for label, value in turn.state.options]
        chosen = picked_option(payload, offered)
        if chosen is None:
            return [stale(turn)]  # a token from an older menu
        payload = chosen.payload
    picked = parse(payload)
    if isinstance(picked, Unknown):
        key = pseudonym(turn.inbound.key)
        log.warning("an option payload no menu makes: %r", payload, extra={"key": key})
        return [stale(turn)]
    if isinstance(picked, FlowOption):
        return await _flow_option(turn, picked)
    # The user went elsewhere: a half-done flow is abandoned. Not for answering a link another
    # channel asked for: that question came in between, not from the user.
    if turn.state.flow is not None and not isinstance(picked, LinkAnswer):
        turn.state.leave_flow()
    reply = await _go(turn, picked)
    return [stale(turn)] if reply is None else reply


async def _go(turn: Turn, picked: Destination) -> list[Outbound] | None:
    """Where a payload other than a flow's option leads; None when it no longer leads anywhere
    (a category or entry gone since a reload)."""
    match picked:
        case Menu():
            return [menu.main_menu(turn)]
        case Categories():
            return [menu.categories(turn)]
        case Category(category):
            return _one(menu.category(turn, category))
        case ReadEntry(entry_id):
            return _one(answers.answer(turn, entry_id))
        case Request(""):
            return [types_menu(turn)]
        case Request():
            return await FLOWS["request"].start(turn, picked)
        case NewBooking() | ChangeBooking():
            return await FLOWS["booking"].start(turn, picked)
        case Handoff():
            return await FLOWS["handoff"].start(turn, picked)
        case Town():
            return await FLOWS["town"].start(turn, picked)
        case Guide():
            return await FLOWS["guide"].start(turn, picked)
        case Status():
            return [await status.status(turn)]
        case Rate(ticket_id, stars):
            return [await handoff.rated(turn, ticket_id, stars)]
        case Helped():
            return await FLOWS["feedback"].start(turn, picked)
        case Languages():
            return [_choose_language(turn)]
        case SetLanguage(language):
            turn.state.language = language
            turn.outcome = "language"
            return [menu.main_menu(turn, turn.text("language.set"))]
        case Link():
            return [await linking.offer(turn)]
        case LinkAnswer(allow):
            return [await linking.answer(turn, allow)]
        case MyData():
            return [await mydata.ask(turn)]
    assert_never(picked)


def _one(reply: Outbound | None) -> list[Outbound] | None:
    return None if reply is None else [reply]


async def _flow_option(turn: Turn, picked: FlowOption) -> list[Outbound]:
    if turn.state.flow != picked.flow:
        return [stale(turn)]  # a button from a flow the user has already left
    replies = await FLOWS[picked.flow].receive(turn, None, picked.value)
    return [stale(turn)] if replies is None else replies


def _choose_language(turn: Turn) -> Outbound:
    turn.outcome = "menu"
    options = [option(turn.text(f"language.{code}"), SetLanguage(code)) for code in LANGUAGES]
    return turn.reply(turn.text("language.choose"), options=options)


def stale(turn: Turn) -> Outbound:
    """An option that no longer leads anywhere: say so and show the menu's options."""
    reply = menu.main_menu(turn)
    turn.outcome = "stale"
    return turn.reply(turn.text("options.stale"), options=reply.options)
