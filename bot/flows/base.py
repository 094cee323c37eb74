"""What a flow is: a small state machine with explicit, named steps that outlive a restart.

A flow's place is kept in the conversation state (`flow`, `step`, `values`), so the server can
stop between any two messages. Each step has a prompt (what to ask) and a handler for what
the user sent: typed text, or an option the flow offered (payload `flow:<name>:<value>`).
The request form and the booking flow plug in the same way: subclass `Flow`, name the steps,
keep the collected values in a small dataclass with `to_state` / `from_state`, and register
the instance in `bot/flows/__init__.py`.

Every flow understands going back ("上一步", or its `back` option) and cancelling (its `cancel`
option; the typed word `取消` is handled before any flow sees the message).
"""

from __future__ import annotations

import unicodedata
from abc import ABC, abstractmethod
from typing import ClassVar

from bot.conversation.turn import Turn
from bot.conversation.types import Option, Outbound
from bot.skills.menu import main_menu

BACK_WORDS = frozenset({"上一步", "返回", "后退", "返回上一步", "back", "/back", "go back"})


class Flow(ABC):
    name: ClassVar[str]
    steps: ClassVar[tuple[str, ...]]  # in order; the first is where the flow starts

    async def start(self, turn: Turn, argument: str = "") -> list[Outbound]:
        """Begin the flow; `argument` is what the payload that started it named (a form type)."""
        turn.state.flow, turn.state.values = self.name, {}
        return await self.go(turn, self.steps[0])

    async def go(self, turn: Turn, step: str) -> list[Outbound]:
        """Move to `step` and ask its question."""
        if step not in self.steps:
            raise ValueError(f"flow '{self.name}' has no step '{step}'")
        turn.state.step = step
        turn.outcome = "flow"
        return await self.prompt(turn, step)

    async def receive(self, turn: Turn, text: str | None, picked: str | None) -> list[Outbound]:
        """Hand the user's message to the current step.

        A step name the code no longer has (state saved by an older version) restarts the flow
        rather than failing on every message the user sends.
        """
        step = turn.state.step
        if step not in self.steps:
            return await self.start(turn)
        turn.outcome = "flow"
        if picked == "cancel":
            return self.cancel(turn)
        if picked == "back" or (text is not None and is_back(text)):
            return await self.back(turn, step)
        return await self.handle(turn, step, text, picked)

    async def back(self, turn: Turn, step: str) -> list[Outbound]:
        """The step before `step`; before the first, the main menu."""
        index = self.steps.index(step)
        if index == 0:
            turn.state.leave_flow()
            return [main_menu(turn)]
        return await self.go(turn, self.steps[index - 1])

    def cancel(self, turn: Turn) -> list[Outbound]:
        turn.state.leave_flow()
        return [main_menu(turn, turn.text("cancel.done"))]

    def option(self, label: str, value: str) -> Option:
        return Option(label, f"flow:{self.name}:{value}")

    def navigation(self, turn: Turn, *, back: bool = True) -> list[Option]:
        """The "back" and "cancel" options every step ends with."""
        options = [self.option(turn.text("flow.back"), "back")] if back else []
        return [*options, self.option(turn.text("flow.cancel"), "cancel")]

    @abstractmethod
    async def prompt(self, turn: Turn, step: str) -> list[Outbound]:
        """The question of `step`, with its options."""

    @abstractmethod
    async def handle(
        self, turn: Turn, step: str, text: str | None, picked: str | None
    ) -> list[Outbound]:
        """What the user sent at `step`: `text` typed, or `picked`, the value of an option."""


def is_back(text: str) -> bool:
    return unicodedata.normalize("NFKC", text).strip(" .。!！").lower() in BACK_WORDS
