"""One turn of conversation: from the user's message (and the state) to the replies.

Order matters: menu, cancel and account-linking words (the catalogue's `words:`) work
everywhere; a digit picks from the options last offered; a flow in progress takes what is left,
unless it says the message is not its own; otherwise understanding decides.

A message that is clearly no answer to the step a flow asked (`Flow.lets_go`: a question, a
long sentence, another topic, a request for a person) is answered as if no flow were running,
with the step kept waiting and an option to go on with it or leave.
"""

from __future__ import annotations

import re

from bot.conversation import options
from bot.conversation.payloads import Command, FlowOption, Link, Menu, MyData, build, option
from bot.conversation.turn import Turn
from bot.conversation.types import Option, Outbound
from bot.flows import Flow, handoff, running
from bot.insights import record as unanswered
from bot.messages import Catalogue, command_word
from bot.skills import actions, answers, linking
from intents.decision import Answer, Clarify, Fallback, Intent
from intents.normalize import is_english

_NUMBER = re.compile(r"^\d{1,2}$")
_CJK = re.compile(r"[\u3400-\u9fff]")


async def respond(turn: Turn) -> list[Outbound]:
    replies = await _respond(turn)
    if turn.outcome != "fallback":
        turn.state.fallbacks = 0
    await unanswered.turn_ended(turn)  # the admin's inbox and answers' feedback (bot/insights)
    return replies


def may_need_understanding(text: str | None, messages: Catalogue) -> bool:
    """Whether understanding might be asked about this text (menu words and digits never are).

    The engine asks understanding inside the conversation's lock, once the message is known to
    be new; on SQLite before its transaction, so the database's one writer is not held while a
    long letter is read.
    """
    if not text:
        return False
    word = command_word(text)
    if not word or messages.means(text, "menu", "cancel", "link", "mydata"):
        return False
    return not _NUMBER.match(word) and linking.typed_code(word) is None


async def _respond(turn: Turn) -> list[Outbound]:
    text = turn.inbound.text or ""
    payload = turn.inbound.payload
    if payload is None:
        if turn.messages.means(text, "menu"):
            payload = build(Menu())
        elif turn.messages.means(text, "cancel"):
            return [actions.cancel(turn)]
        elif turn.messages.means(text, "link"):
            payload = build(Link())
        elif turn.messages.means(text, "mydata"):
            payload = build(MyData())
    word = command_word(text)
    code = linking.typed_code(word) if payload is None else None
    if code is not None:  # a command like the menu words: whatever was half done is left
        turn.state.leave_flow()
        return [await linking.redeem(turn, code)]
    if payload is None and _NUMBER.match(word):
        picked = _numbered(turn, int(word))
        if isinstance(picked, Outbound):
            return [picked]
        payload = picked
    if payload is not None:
        return await options.pick(turn, payload)
    if turn.inbound.contact is not None and turn.state.flow is None:
        return [turn.reply(turn.text("input.unreadable"))]  # no form asks for a phone now
    flow = running(turn.state.flow)
    if flow is not None:
        if flow.lets_go(turn, text):
            return [await _aside(turn, flow, text)]
        replies = await flow.receive(turn, text, None)
        if replies is not None:
            return replies  # else not the flow's: understanding answers it
    elif turn.state.flow is not None:
        turn.state.leave_flow()  # a flow this version no longer has
    return [await _understand(turn, text)]


def _numbered(turn: Turn, number: int) -> str | Outbound | None:
    """The payload of option `number`; a reply when there is no such option; None when the
    digits are for the flow in progress (it offered nothing to pick, so it asked for input)."""
    offered = turn.state.options
    if not offered:
        if turn.state.flow is not None:
            return None
        turn.outcome = "invalid_option"
        return turn.reply(turn.text("options.nothing_offered"))
    if 1 <= number <= len(offered):
        return offered[number - 1][1]
    flow = running(turn.state.flow)
    if flow is not None and flow.reads_number(turn, number):
        return None  # the value the step asks for, not an option's number
    turn.outcome = "invalid_option"
    return turn.reply(
        turn.text("options.unknown_number", number=number),
        options=[Option(label, payload) for label, payload in offered],
    )


async def _aside(turn: Turn, flow: Flow, text: str) -> Outbound:
    """`text` answered while the flow's step waits, with options to go on or leave. When the
    answer leads elsewhere (a person took over, another flow began), the step is left."""
    waiting = (turn.state.flow, turn.state.step, dict(turn.state.values))
    reply = await _understand(turn, text)
    if (turn.state.flow, turn.state.step, turn.state.values) != waiting:
        return reply
    resume = option(turn.text("flow.resume"), FlowOption(flow.name, Command("resume")))
    leave = option(turn.text("flow.cancel"), FlowOption(flow.name, Command("cancel")))
    lines = (turn.text("flow.paused"), reply.text, turn.text("flow.paused_hint"))
    return turn.reply(*lines, options=[resume, *reply.options, leave])


async def _understand(turn: Turn, text: str) -> Outbound:
    # Reply in the language the user writes; digits and symbols change nothing.
    if is_english(text):
        turn.state.language = "en"
    elif _CJK.search(text):
        turn.state.language = "zh"
    decision = turn.decision or turn.knowledge.understanding.decide(text)
    if isinstance(decision, Answer):
        reply = answers.answer(turn, decision.entry_id, decision.also)
        return reply if reply is not None else answers.fallback(turn)
    if isinstance(decision, Clarify):
        return answers.clarify(turn, decision.options)
    if isinstance(decision, Intent):
        return await actions.intent(turn, decision)
    assert isinstance(decision, Fallback)
    reply = answers.fallback(turn)
    if turn.state.fallbacks >= 2:  # not understood twice in a row: a person takes over
        lead = (turn.text("fallback.repeated"),)
        return await handoff.hand_over(turn, reason="fallback", lead=lead)
    return reply
