"""The guide flow: one question at a time, then the outcome and its next steps.

Answers are numbered (one digit picks one on every channel) and may also be written: the
answer's words, yes or no, a number with its unit, a date. "Back" returns to the question
before, with its answer shown; from an outcome, to the last question. The answers stay in the
conversation state and are repeated in the outcome, so the transcript a person taking over
reads has them. An outcome's request form starts with what the guide knows filled in.

Not a `StepFlow`: once the outcome is shown the guide is done, and a new question typed then
is understanding's (`receive` answers None), not an aside from a step still waiting.
"""

from __future__ import annotations

from typing import get_args

from bot.conversation.payloads import (
    ChoicePick,
    Command,
    FlowOption,
    FlowValue,
    Guide,
    Handoff,
    Menu,
    NewBooking,
    Payload,
    Request,
    option,
)
from bot.conversation.turn import Turn
from bot.conversation.types import Option, Outbound
from bot.flows.base import Flow, chose
from bot.flows.expected import Expected
from bot.flows.guide.progress import Given, GuideStep, Progress
from bot.flows.guide.reading import (
    Read,
    Unread,
    date_in,
    number_in,
    read_choice,
    read_date,
    read_number,
)
from bot.flows.guide.shown import Shown, known_answers
from bot.flows.request.flow import RequestFlow
from bot.privacy.masking import mask
from bot.skills.menu import main_menu
from policies.guides import Guide as GuideSpec
from policies.guides import Outcome, Question, RequestNext

_NO_ANSWER = Expected(lambda text: False, 0, strict=True)
_BACK = Command("back")


class GuideFlow(Flow):
    name = "guide"
    steps = get_args(GuideStep)

    async def start(self, turn: Turn, picked: Payload | None = None) -> list[Outbound]:
        guide = turn.kb.guide(picked.guide_id) if isinstance(picked, Guide) else None
        if guide is None:  # a stale button from before a reload
            turn.state.leave_flow()
            return [main_menu(turn, turn.text("guide.gone"))]
        turn.state.flow = self.name
        return await self._to(turn, Progress(guide.id, guide.start), "question")

    async def receive(
        self, turn: Turn, text: str | None, picked: FlowValue | None
    ) -> list[Outbound] | None:
        progress, guide = self._progress(turn)
        step = next((s for s in self.steps if s == turn.state.step), None)
        if guide is None or step is None or not _knows(guide, progress, step):
            # guides.yaml was edited (or the guide removed) since this one began.
            turn.state.leave_flow()
            return [main_menu(turn, turn.text("guide.changed"))]
        turn.outcome = "flow"
        if picked == Command("cancel"):
            turn.state.leave_flow()
            return [main_menu(turn, turn.text("cancel.done"))]
        if chose(turn, text, picked, "back", "back"):
            return await self.back(turn, progress)
        if chose(turn, text, picked, "resume", "resume"):
            return await self._to(turn, progress, step)  # back from a question asked between
        if step == "outcome":
            if text is not None:  # the guide is done: what is typed now is a new question
                turn.state.leave_flow()
                return None
            outcome = guide.outcome(progress.at)
            assert outcome is not None
            return await self._next_step(turn, guide, outcome, progress, picked)
        question = guide.question(progress.at)
        assert question is not None
        return await self._answered(turn, guide, question, progress, text, picked)

    def lets_go(self, turn: Turn, text: str) -> bool:
        if turn.state.step != "question" or turn.messages.means(text, "back", "resume"):
            return False
        return not self.expects(turn).is_answer(text, turn.decision)

    def expects(self, turn: Turn) -> Expected:
        """What an answer to the question asked looks like (a question typed instead is let
        go, answered, and the guide offered to go on)."""
        progress, guide = self._progress(turn)
        question = guide.question(progress.at) if guide else None
        if question is None:
            return _NO_ANSWER
        shown = self._shown(turn)
        names = [shown.branch(b) for b in question.branches()]
        if question.kind == "yes_no":
            said = lambda text: turn.messages.means(text, "yes_answer", "no_answer")  # noqa: E731
            return Expected(said, 6)
        if question.kind == "number":
            return Expected(lambda text: number_in(text) is not None, 12)
        if question.kind == "date":
            return Expected(lambda text: date_in(text, turn.today) is not None, 16)
        return Expected.naming(names)

    def reads_number(self, turn: Turn, number: int) -> bool:
        """A number question numbers only its ranges: any other number is the value."""
        progress, guide = self._progress(turn)
        question = guide.question(progress.at) if guide else None
        return turn.state.step == "question" and question is not None and question.kind == "number"

    async def _answered(
        self,
        turn: Turn,
        guide: GuideSpec,
        question: Question,
        progress: Progress,
        text: str | None,
        picked: FlowValue | None,
    ) -> list[Outbound]:
        read = self._read(turn, question, text, picked)
        if isinstance(read, Unread):
            return [self._ask(turn, guide, question, progress, turn.text(read.reason))]
        given = Given(read.pick, read.typed)
        progress.answers[question.id] = given
        progress.path.append(question.id)
        typed = turn.inbound.text
        if typed is not None:  # the log shows what the digit or the words answered
            answer = self._shown(turn).answer(question, given)
            turn.logged_as = mask(typed if answer == typed else f"{typed}（{answer}）")
        progress.at = question.branches()[read.pick].next
        step: GuideStep = "question" if guide.question(progress.at) else "outcome"
        return await self._to(turn, progress, step)

    async def back(self, turn: Turn, progress: Progress) -> list[Outbound]:
        """The question before; before the first, the main menu."""
        if not progress.path:
            turn.state.leave_flow()
            return [main_menu(turn)]
        progress.at = progress.path.pop()  # its answer stays, shown as the current one
        return await self._to(turn, progress, "question")

    def _read(
        self, turn: Turn, question: Question, text: str | None, picked: FlowValue | None
    ) -> Read | Unread:
        branches = question.branches()
        if isinstance(picked, ChoicePick):
            return (
                Read(picked.index)
                if picked.index < len(branches)
                else Unread("guide.invalid.choice")
            )
        if text is None:
            return Unread("guide.invalid.choice")
        if question.kind == "yes_no":
            if turn.messages.means(text, "yes_answer"):
                return Read(0)
            return (
                Read(1)
                if turn.messages.means(text, "no_answer")
                else Unread("guide.invalid.yes_no")
            )
        by_words = read_choice(question, text)
        if question.kind == "number" and isinstance(by_words, Unread):
            return read_number(question, text)
        if question.kind == "date" and isinstance(by_words, Unread):
            return read_date(question, text, turn.today)
        return by_words

    async def _next_step(
        self,
        turn: Turn,
        guide: GuideSpec,
        outcome: Outcome,
        progress: Progress,
        picked: FlowValue | None,
    ) -> list[Outbound]:
        """The outcome's request form, picked: it starts with the guide's answers filled in."""
        steps = dict(outcome.requests())
        if not isinstance(picked, ChoicePick) or picked.index not in steps:
            return [self._show(turn, guide, outcome, progress)]
        step = steps[picked.index]
        request_type = turn.kb.request_type(step.request)
        if request_type is None:
            return [self._show(turn, guide, outcome, progress)]
        known = known_answers(step, request_type, guide, progress, self._shown(turn))
        return await RequestFlow().start(turn, Request(request_type.id), known=known)

    async def _to(self, turn: Turn, progress: Progress, step: GuideStep) -> list[Outbound]:
        """Move to `step` of `progress` and ask its question (or show the outcome)."""
        turn.state.step, turn.state.values = step, progress.to_state()
        turn.outcome = "flow"
        guide = turn.kb.guide(progress.guide_id)
        assert guide is not None
        outcome = guide.outcome(progress.at) if step == "outcome" else None
        if outcome is not None:
            return [self._show(turn, guide, outcome, progress)]
        question = guide.question(progress.at)
        assert question is not None
        return [self._ask(turn, guide, question, progress)]

    def option(self, label: str, value: FlowValue) -> Option:
        return option(label, FlowOption(self.name, value))

    def _ask(
        self, turn: Turn, guide: GuideSpec, question: Question, progress: Progress, *before: str
    ) -> Outbound:
        shown = self._shown(turn)
        lines = list(before)
        if not progress.path and guide.intro is not None and not before:
            lines.append(shown.words(guide.intro))
        lines += [
            turn.text(
                "guide.question", title=shown.words(guide.title), number=len(progress.path) + 1
            ),
            shown.words(question.text),
        ]
        given = progress.answers.get(question.id)
        if given is not None:
            lines.append(turn.text("guide.current", answer=shown.answer(question, given)))
        lines.append(turn.text(f"guide.hint.{question.kind}"))
        branches = question.branches()
        options = [self.option(shown.branch(b), ChoicePick(i)) for i, b in enumerate(branches)]
        navigation = [
            self.option(turn.text("flow.back"), _BACK),
            self.option(turn.text("flow.cancel"), Command("cancel")),
        ]
        if question.kind == "number":
            # Only the ranges are numbered: 3 typed for three years must not pick "back" (the
            # hint says to type 上一步 or 取消); a number past them is the value itself.
            navigation = []
        return turn.reply(*lines, options=[*options, *navigation])

    def _show(self, turn: Turn, guide: GuideSpec, outcome: Outcome, progress: Progress) -> Outbound:
        shown = self._shown(turn)
        options: list[Option] = []
        for index, step in enumerate(outcome.next):
            if isinstance(step, RequestNext) or step.startswith("request:"):
                request = dict(outcome.requests())[index]
                request_type = turn.kb.request_type(request.request)
                if request_type is not None:
                    options.append(self.option(shown.words(request_type.title), ChoicePick(index)))
            elif step == "booking":
                options.append(turn.option("menu.booking", NewBooking()))
            elif step == "handoff":  # the guide's entry says which queue
                options.append(turn.option("menu.handoff", Handoff(guide.entry)))
        options += [
            self.option(turn.text("guide.change"), _BACK),
            turn.option("menu.back", Menu()),
        ]
        lines = [*shown.outcome(guide, outcome, progress), turn.text("guide.next")]
        return turn.reply(*lines, options=options)

    def _progress(self, turn: Turn) -> tuple[Progress, GuideSpec | None]:
        progress = Progress.from_state(turn.state.values)
        return progress, turn.kb.guide(progress.guide_id)

    def _shown(self, turn: Turn) -> Shown:
        return Shown(turn.state.language, turn.messages)


def _knows(guide: GuideSpec, progress: Progress, step: str | None) -> bool:
    """Whether the stored progress still fits the guide as guides.yaml has it now."""
    at = guide.outcome(progress.at) if step == "outcome" else guide.question(progress.at)
    return at is not None and all(guide.question(q) is not None for q in progress.path)
