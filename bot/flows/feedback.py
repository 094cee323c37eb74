"""What a veteran says of an answer: 有帮助 is thanked; 没帮助 asks once, optionally, what was
missing (the next message, or skip) and offers a person.

The ask is one step, `missing`, taking the next message. A message that is a question rather
than an account of what was missing (the flows' let-go rule, `Expected.is_answer`) leaves the
step and is answered as usual: the ask is not repeated.
"""

from __future__ import annotations

import re

from bot.conversation.payloads import (
    Command,
    FlowOption,
    FlowValue,
    Handoff,
    Helped,
    Menu,
    Payload,
    option,
)
from bot.conversation.turn import Turn
from bot.conversation.types import Option, Outbound
from bot.flows.base import Flow, chose
from bot.flows.expected import Expected
from bot.insights import record
from bot.skills.menu import main_menu

STEP = "missing"  # the flow's one step: what was missing from the answer
# What a question looks like: it is asked, not told. Anything else may say what was missing,
# and so does what starts as an account of a lack (没说要带什么材料 asks nothing).
_ASKS = re.compile(r"[吗呢？?]|怎么|什么|如何|为什么|为啥|能不能|可不可以|哪里|多少")
_TOLD = re.compile(r"^(没|不|缺|少|漏|希望|应该|最好|太|想知道)")
_REASON = Expected(lambda text: bool(_TOLD.match(text)) or not _ASKS.search(text), 200)


class FeedbackFlow(Flow):
    name = "feedback"

    async def start(self, turn: Turn, picked: Payload | None = None) -> list[Outbound]:
        assert isinstance(picked, Helped), picked
        turn.outcome = "feedback"
        entry = turn.kb.entry(picked.entry_id)
        if entry is None:  # gone since a reload, or a forged button: nothing to say it of
            return [main_menu(turn)]
        entry_id = entry.id
        noted = await record.verdict(turn, entry_id, picked.helped)
        if picked.helped:
            options = [turn.option("menu.back", Menu())]
            return [turn.reply(turn.text("feedback.thanks"), options=options)]
        turn.state.flow, turn.state.step = self.name, STEP
        turn.state.values = {"entry_id": entry_id, "feedback": noted}
        skip = option(turn.text("feedback.skip"), FlowOption(self.name, Command("skip")))
        options = [*_person(turn), skip, turn.option("menu.back", Menu())]
        return [turn.reply(turn.text("feedback.ask_missing"), options=options)]

    async def receive(
        self, turn: Turn, text: str | None, picked: FlowValue | None
    ) -> list[Outbound] | None:
        if text is not None and not _REASON.is_answer(text, turn.decision):
            turn.state.leave_flow()
            return None  # a question: understanding answers it as if no one had asked
        person, noted = _person(turn), turn.state.values.get("feedback")
        turn.state.leave_flow()
        turn.outcome = "feedback"
        if picked == Command("cancel") or chose(turn, text, picked, "back", "back"):
            return [main_menu(turn)]
        options = [*person, turn.option("menu.back", Menu())]
        if chose(turn, text, picked, "skip", "skip") or not (text or "").strip():
            return [turn.reply(turn.text("feedback.skipped"), options=options)]
        if isinstance(noted, int):
            await record.missing(turn, noted, text or "")
        return [turn.reply(turn.text("feedback.noted"), options=options)]


def _person(turn: Turn) -> list[Option]:
    """A person for the entry's matter (its category and level say which queue)."""
    entry_id = str(turn.state.values.get("entry_id") or "")
    return [turn.option("menu.handoff", Handoff(entry_id))]
