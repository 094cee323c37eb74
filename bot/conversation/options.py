"""Picked options: what each payload does, whether it came from a button or a typed digit.

Payloads: `menu`, `policy`, `cat:<category>`, `entry:<entry id>`, `request`,
`request:<request type>`, `booking`, `booking:cancel:<number>`, `booking:move:<number>`,
`status`, `handoff`, `handoff:<entry id>`, `rate:<ticket id>:<1-5>`, `town`, `language`,
`lang:<zh|en>`, `link` (a code for linking another channel), and `flow:<flow>:<value>` for
options a flow offered. Telegram sends a payload over 64 bytes as a `#` token
(`render.button_data`), mapped back here.
"""

from __future__ import annotations

from bot.channels.render import TOKEN_PREFIX, picked_option
from bot.conversation.turn import Turn
from bot.conversation.types import Option, Outbound
from bot.flows import FLOWS, handoff
from bot.flows.request.flow import types_menu
from bot.messages import LANGUAGES
from bot.skills import actions, answers, linking, menu, status


async def pick(turn: Turn, payload: str) -> list[Outbound]:
    if payload.startswith(TOKEN_PREFIX):
        offered = [Option(label, value) for label, value in turn.state.options]
        option = picked_option(payload, offered)
        if option is None:
            return [stale(turn)]  # a token from an older menu
        payload = option.payload
    kind, _, argument = payload.partition(":")
    if kind == "flow":
        return await _flow_option(turn, argument)
    if turn.state.flow is not None:
        turn.state.leave_flow()  # the user went elsewhere: a half-done flow is abandoned
    if kind == "request" and not argument:
        return [types_menu(turn)]
    if kind in ("request", "booking"):
        return await FLOWS[kind].start(turn, argument)
    if kind == "status":
        return [await status.status(turn)]
    if kind == "handoff":
        return [await actions.handoff_from(turn, argument)]
    if kind == "rate":
        return [await _rate(turn, argument)]
    if kind == "link":
        return [await linking.offer(turn)]
    reply = _navigate(turn, kind, argument)
    if reply is None:
        return await _start_flow(turn, kind) if kind in FLOWS else [stale(turn)]
    return [reply]


def _navigate(turn: Turn, kind: str, argument: str) -> Outbound | None:
    if kind == "menu":
        return menu.main_menu(turn)
    if kind == "policy":
        return menu.categories(turn)
    if kind == "cat":
        return menu.category(turn, argument)
    if kind == "entry":
        return answers.answer(turn, argument)
    if kind == "language":
        return _choose_language(turn)
    if kind == "lang" and argument in LANGUAGES:
        turn.state.language = argument
        turn.outcome = "language"
        return menu.main_menu(turn, turn.text("language.set"))
    return None


async def _start_flow(turn: Turn, name: str) -> list[Outbound]:
    return await FLOWS[name].start(turn)


async def _flow_option(turn: Turn, argument: str) -> list[Outbound]:
    name, _, value = argument.partition(":")
    if turn.state.flow != name or name not in FLOWS:
        return [stale(turn)]  # a button from a flow the user has already left
    return await FLOWS[name].receive(turn, None, value)


async def _rate(turn: Turn, argument: str) -> Outbound:
    """A rating button: `rate:<ticket id>:<1-5>`."""
    ticket, _, stars = argument.partition(":")
    if not (ticket.isdigit() and stars in handoff.STAR_WORDS):
        return stale(turn)
    return await handoff.rated(turn, int(ticket), int(stars))


def _choose_language(turn: Turn) -> Outbound:
    turn.outcome = "menu"
    options = [Option(turn.text(f"language.{code}"), f"lang:{code}") for code in LANGUAGES]
    return turn.reply(turn.text("language.choose"), options=options)


def stale(turn: Turn) -> Outbound:
    """An option that no longer leads anywhere: say so and show the menu's options."""
    reply = menu.main_menu(turn)
    turn.outcome = "stale"
    return turn.reply(turn.text("options.stale"), options=reply.options)
