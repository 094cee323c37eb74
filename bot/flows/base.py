"""What a flow is: a conversation that takes the user's messages for a while, its place kept in
the conversation state (`flow`, `step`, `values`) so the server can stop between any two.

`Flow` is what the route talks to: `start`, and `receive` for each message while the
conversation is in the flow, which may answer "not mine" (None) to let understanding answer it
as if no flow were running (the handoff flow does, for a question the bot can answer).

`StepFlow` is a small state machine with explicit, named steps (typed as a `Literal`): each
step has a prompt (what to ask) and a handler for what the user sent: typed text, or an option
the flow offered (`payloads.FlowOption`). The town, request and booking flows subclass it, keep
their collected values in a small dataclass with `to_state` / `from_state`, and are registered
in `bot/flows/__init__.py`.

Every step flow understands going back (the `back` words, or its `back` option) and cancelling
(its `cancel` option; the typed `cancel` words are handled before any flow sees the message).

Each step also says what a plausible answer to it looks like (`Expected`), so the route can tell
a message that is no answer at all — a question, a sentence far longer than any answer, another
topic, a request for a person, danger — from a wrong answer: such a message is not eaten by the
step (the route answers it and offers to go on, `resume`); a wrong answer is asked again.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import ClassVar, Generic, TypeVar

from bot.conversation.payloads import (
    Command,
    CommandName,
    FlowName,
    FlowOption,
    FlowValue,
    Payload,
    option,
)
from bot.conversation.turn import Turn
from bot.conversation.types import Option, Outbound
from bot.flows.expected import FREE_TEXT, Expected
from bot.messages import Word
from bot.skills.menu import main_menu
from storage.repositories.conversations import ConversationState

Step = TypeVar("Step", bound=str)


class Flow(ABC):
    name: ClassVar[FlowName]

    @abstractmethod
    async def start(self, turn: Turn, picked: Payload | None = None) -> list[Outbound]:
        """Begin the flow; `picked` is the option that started it, when one did (it may name a
        form type, a booking to change, the entry a person is wanted for)."""

    @abstractmethod
    async def receive(
        self, turn: Turn, text: str | None, picked: FlowValue | None
    ) -> list[Outbound] | None:
        """The user's message while in the flow: `text` typed, or `picked`, the value of an
        option the flow offered. None when the message is not the flow's: the route then hands
        it to understanding."""

    def lets_go(self, turn: Turn, text: str) -> bool:
        """Whether the typed `text` is clearly no answer to what the flow asked, so the route
        answers it instead and offers to go on. Flows without steps take everything."""
        return False

    def reads_number(self, turn: Turn, number: int) -> bool:
        """Whether typed digits that number none of the options offered answer the step
        instead (years of service typed as 12 when two ranges are offered)."""
        return False


class StepFlow(Flow, Generic[Step]):
    # In order, the first where the flow starts: `get_args` of the flow's step `Literal`.
    steps: tuple[Step, ...]

    async def start(self, turn: Turn, picked: Payload | None = None) -> list[Outbound]:
        turn.state.flow, turn.state.values = self.name, {}
        return await self.go(turn, self.steps[0])

    async def go(self, turn: Turn, step: Step) -> list[Outbound]:
        """Move to `step` and ask its question."""
        turn.state.step = step
        turn.outcome = "flow"
        return await self.prompt(turn, step)

    async def receive(
        self, turn: Turn, text: str | None, picked: FlowValue | None
    ) -> list[Outbound]:
        """Hand the user's message to the current step.

        A step name the code no longer has (state saved by an older version) restarts the flow
        rather than failing on every message the user sends.
        """
        self.upgrade(turn.state)
        step = self.step_of(turn.state)
        if step is None:
            return await self.start(turn)
        turn.outcome = "flow"
        if picked == Command("cancel"):
            return self.cancel(turn)
        if chose(turn, text, picked, "back", "back"):
            return await self.back(turn, step)
        if chose(turn, text, picked, "resume", "resume"):
            return await self.go(turn, step)  # back from a question asked in between
        return await self.handle(turn, step, text, picked)

    def lets_go(self, turn: Turn, text: str) -> bool:
        step = self.step_of(turn.state)
        if step is None or turn.messages.means(text, "back", "resume", "skip", "keep"):
            return False
        return not self.expects(turn, step).is_answer(text, turn.decision)

    def expects(self, turn: Turn, step: Step) -> Expected:
        """What an answer to `step` looks like; free text unless the flow says otherwise."""
        return FREE_TEXT

    def step_of(self, state: ConversationState) -> Step | None:
        """The stored step as one of this flow's, None when the code no longer has it."""
        return next((step for step in self.steps if step == state.step), None)

    def upgrade(self, state: ConversationState) -> None:
        """Bring a state saved by an older version up to date: a saved state outlives a deploy.
        Nothing to do unless a flow renamed its steps or values."""

    async def back(self, turn: Turn, step: Step) -> list[Outbound]:
        """The step before `step`; before the first, the main menu."""
        index = self.steps.index(step)
        if index == 0:
            turn.state.leave_flow()
            return [main_menu(turn)]
        return await self.go(turn, self.steps[index - 1])

    def cancel(self, turn: Turn) -> list[Outbound]:
        turn.state.leave_flow()
        return [main_menu(turn, turn.text("cancel.done"))]

    def option(self, label: str, value: FlowValue) -> Option:
        return option(label, FlowOption(self.name, value))

    def navigation(self, turn: Turn, *, back: bool = True) -> list[Option]:
        """The "back" and "cancel" options every step ends with."""
        options = [self.option(turn.text("flow.back"), Command("back"))] if back else []
        return [*options, self.option(turn.text("flow.cancel"), Command("cancel"))]

    @abstractmethod
    async def prompt(self, turn: Turn, step: Step) -> list[Outbound]:
        """The question of `step`, with its options."""

    @abstractmethod
    async def handle(
        self, turn: Turn, step: Step, text: str | None, picked: FlowValue | None
    ) -> list[Outbound]:
        """What the user sent at `step`: `text` typed, or `picked`, the value of an option."""


def chose(
    turn: Turn, text: str | None, picked: FlowValue | None, command: CommandName, word: Word
) -> bool:
    """Whether the user picked the flow's `command` option, or typed one of the `word` words."""
    return picked == Command(command) or turn.messages.means(text, word)
