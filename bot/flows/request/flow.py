"""The request form: any type in requests.yaml, asked field by field, checked, confirmed, filed.

Where the form stands is a list of stops: the user's town (only when the type is handled
below the county and we do not know it yet), the privacy consent (just before the first
personal field, where the user also says whether they file it for themselves or for someone
else: then the questions about that veteran follow, `proxy`), then each field. "Back" walks the stops backwards; the summary lets the user
correct any field and comes back to itself. Filing stores the request with its tracking
number in the queue of the user's station at the type's level, in the turn's transaction.
"""

from __future__ import annotations

from typing import get_args

from bot.conversation.payloads import (
    ChoicePick,
    Command,
    FieldPick,
    FlowValue,
    Payload,
    Request,
    StationPick,
    TownPick,
)
from bot.conversation.turn import Turn
from bot.conversation.types import Outbound
from bot.flows.base import StepFlow, chose
from bot.flows.expected import Expected, field_answer, town_answer
from bot.flows.request import proxy
from bot.flows.request.asking import ask, types_menu
from bot.flows.request.fields import Checked, Invalid, check, check_phone, find_station
from bot.flows.request.filing import file
from bot.flows.request.filling import Filling
from bot.flows.request.form import (
    BEHALF_STOPS,
    Form,
    RequestStep,
    asked_about,
    field_named,
    knows,
    step_at,
    stops,
)
from bot.flows.request.shown import logged_answer
from bot.privacy.sealing import data_key
from bot.skills.menu import main_menu
from policies.schema import FormField
from storage.repositories.conversations import ConversationState


class RequestFlow(StepFlow[RequestStep]):
    name = "request"
    steps = get_args(RequestStep)

    async def start(
        self, turn: Turn, picked: Payload | None = None, known: dict[str, str] | None = None
    ) -> list[Outbound]:
        """The form of the type `picked` names; the list of types when it names none.

        `known` answers (a guide's outcome fills some in) are stored as answers already given:
        each field is still asked, showing its value to keep or change."""
        type_id = picked.type_id if isinstance(picked, Request) else ""
        request_type = turn.kb.request_type(type_id)
        if request_type is None:
            turn.state.leave_flow()
            return [types_menu(turn)]
        ask_town = (
            request_type.station_level != "county"
            and not request_type.urgent
            and turn.state.station_id is None
        )
        form = Form(request_type.id, ask_town=ask_town)
        names = {f.name for f in request_type.fields}
        form.answers.update((k, v) for k, v in (known or {}).items() if k in names)
        turn.state.flow = self.name
        return await self._to(Filling(turn, form, request_type), stops(request_type, ask_town)[0])

    def upgrade(self, state: ConversationState) -> None:
        # Before `correct` was a step of its own, a correction was the `field` step with a flag.
        if state.values.pop("fixing", False) and state.step == "field":
            state.step = "correct"

    async def receive(
        self, turn: Turn, text: str | None, picked: FlowValue | None
    ) -> list[Outbound]:
        form, at = Filling.of(turn)
        if at is None or not knows(at.request_type, form):
            # The form was edited (or removed) in requests.yaml since this one began.
            turn.state.leave_flow()
            return [types_menu(turn, turn.text("form.changed"))]
        return await super().receive(turn, text, picked)

    async def prompt(self, turn: Turn, step: RequestStep) -> list[Outbound]:
        return [ask(self, self._filling(turn), step)]

    def expects(self, turn: Turn, step: RequestStep) -> Expected:
        form, at = Filling.of(turn)
        if at is None or not knows(at.request_type, form):
            return super().expects(turn, step)  # `receive` says the form changed
        if step == "town":
            return town_answer(turn.kb)
        if step == "consent":
            return Expected(
                lambda text: (
                    turn.messages.means(text, "agree", "refuse") or proxy.for_someone(turn, text)
                ),
                8,
            )
        if step == "confirm":
            return Expected(lambda text: turn.messages.means(text, "confirm", "fix"), 8)
        if step == "fix":
            labels = (f.label or f.prompt for f in at.request_type.fields)
            return Expected.naming(n for label in labels for n in (label.zh, label.en))
        if asked_about(form.at):
            return proxy.expects(turn, asked_about(form.at))
        return field_answer(field_named(at.request_type, form.at), turn.today, turn.kb)

    async def handle(
        self, turn: Turn, step: RequestStep, text: str | None, picked: FlowValue | None
    ) -> list[Outbound]:
        at = self._filling(turn)
        form = at.form
        if asked_about(form.at) and step in ("behalf", "correct"):
            return await self._behalf(at, step, text, picked)
        kept = form.answers.get(form.at) and chose(turn, text, picked, "keep", "keep")
        if step in ("field", "correct") and kept:  # back to a field: no need to retype it
            return await self._after_answer(at, step)
        if step == "town":
            return await self._town(at, text, picked)
        if step == "consent":
            return await self._consent(at, text, picked)
        if step == "confirm":
            return await self._confirmed(at, text, picked)
        if step == "fix":
            return await self._fix(at, picked)
        problem = self._answer(at, step, text, picked)
        if problem is not None:
            return [problem]
        return await self._after_answer(at, step)

    async def back(self, turn: Turn, step: RequestStep) -> list[Outbound]:
        at = self._filling(turn)
        if step in ("fix", "correct"):  # a correction left unchanged
            return await self._confirm(at)
        order = at.stops()
        if step == "confirm":
            return await self._to(at, order[-1])
        index = order.index(at.form.at)
        if index == 0:
            turn.state.leave_flow()
            return [types_menu(turn)]
        return await self._to(at, order[index - 1])

    async def _town(
        self, at: Filling, text: str | None, picked: FlowValue | None
    ) -> list[Outbound]:
        turn = at.turn
        station = turn.kb.station(picked.station_id) if isinstance(picked, TownPick) else None
        station = station or find_station(turn.kb, text or "", county=False)
        if station is None:
            return [ask(self, at, "town", turn.text("form.invalid.town"))]
        turn.state.station_id = station.id
        return await self._next(at)

    async def _consent(
        self, at: Filling, text: str | None, picked: FlowValue | None
    ) -> list[Outbound]:
        turn, form = at.turn, at.form
        if chose(turn, text, picked, "yes", "agree"):
            form.behalf = None
            return await self._next(at)
        if picked == Command("proxy") or (picked is None and proxy.for_someone(turn, text)):
            form.behalf = form.behalf or proxy.Behalf.declared()
            return await self._next(at)
        if chose(turn, text, picked, "no", "refuse"):
            turn.state.leave_flow()  # nothing of this form was stored anywhere
            return [main_menu(turn, turn.text("form.refused"))]
        return [ask(self, at, "consent", turn.text("form.consent_again"))]

    async def _confirmed(
        self, at: Filling, text: str | None, picked: FlowValue | None
    ) -> list[Outbound]:
        """What the user said to the summary: submit it, or correct a field."""
        turn = at.turn
        if chose(turn, text, picked, "submit", "confirm"):
            return await file(at)
        if chose(turn, text, picked, "fix", "fix"):
            return await self.go(turn, "fix")
        return [ask(self, at, "confirm", turn.text("form.confirm_again"))]

    async def _fix(self, at: Filling, picked: FlowValue | None) -> list[Outbound]:
        """The field to correct, picked from the list."""
        names = {f.name for f in at.request_type.fields}
        names |= set(BEHALF_STOPS) if at.form.behalf else set()
        if not isinstance(picked, FieldPick) or picked.name not in names:
            return [ask(self, at, "fix")]
        at.form.at = picked.name
        at.keep()
        return await self.go(at.turn, "correct")

    def _answer(
        self, at: Filling, step: RequestStep, text: str | None, picked: FlowValue | None
    ) -> Outbound | None:
        """Take the answer to the field asked: None when it is kept, else the question again
        with what was wrong."""
        turn, form = at.turn, at.form
        form_field = field_named(at.request_type, form.at)
        contact = turn.inbound.contact
        skip = turn.messages.means(text, "skip") and not form_field.required and contact is None
        if picked == Command("skip") or skip:
            if form_field.required:
                return ask(self, at, step, turn.text("form.required"))
            form.answers[form_field.name] = ""
            return None
        checked = _check(turn, form_field, text, picked)
        if text is not None and picked is None:
            turn.logged_as = logged_answer(form_field, text, checked)
        if isinstance(checked, Invalid):
            return ask(self, at, step, turn.text(checked.reason, **checked.params))
        value = checked.value
        if form_field.type == "id_number":
            value = data_key(turn.settings).seal(value)
        form.answers[form_field.name] = value
        return None

    async def _behalf(
        self, at: Filling, step: RequestStep, text: str | None, picked: FlowValue | None
    ) -> list[Outbound]:
        """An answer about the veteran the form is filed for (`correct`: from the summary)."""
        behalf = at.form.behalf
        assert behalf is not None
        asked = asked_about(at.form.at)
        kept = behalf.answered(asked) and chose(at.turn, text, picked, "keep", "keep")
        problem = None if kept else proxy.take(at.turn, behalf, asked, text, picked)
        if problem is not None:
            return [ask(self, at, step, problem)]
        return await self._after_answer(at, step)

    async def _after_answer(self, at: Filling, step: RequestStep) -> list[Outbound]:
        """An answer taken: the next stop, or back to the summary after a correction."""
        return await (self._confirm(at) if step == "correct" else self._next(at))

    async def _next(self, at: Filling) -> list[Outbound]:
        order = at.stops()
        index = order.index(at.form.at) + 1
        if index < len(order):
            return await self._to(at, order[index])
        return await self._confirm(at)

    async def _to(self, at: Filling, stop: str) -> list[Outbound]:
        at.form.at = stop
        at.keep()
        return await self.go(at.turn, step_at(stop))

    async def _confirm(self, at: Filling) -> list[Outbound]:
        at.keep()
        return await self.go(at.turn, "confirm")

    def _filling(self, turn: Turn) -> Filling:
        """The form in progress; `receive` has already left a form whose type is gone."""
        _, at = Filling.of(turn)
        assert at is not None
        return at


def _check(
    turn: Turn, form_field: FormField, text: str | None, picked: FlowValue | None
) -> Checked:
    """The value the message gives `form_field`: typed, picked, or a shared contact."""
    contact = turn.inbound.contact
    if contact is not None and form_field.type == "phone":
        # Only the sender's own number may answer (the Telegram adapter checks it too).
        own = contact.user_id in (None, turn.inbound.key.user_id)
        return check_phone(contact.phone) if own else Invalid("form.invalid.phone")
    if isinstance(picked, ChoicePick) and form_field.type == "choice":
        if picked.index >= len(form_field.choices):
            return Invalid("form.invalid.choice")
        return check(form_field, form_field.choices[picked.index].zh, turn.today, turn.kb)
    if isinstance(picked, StationPick) and form_field.type == "station":
        station = turn.kb.station(picked.station_id)
        return check(form_field, station.name if station else "", turn.today, turn.kb)
    if contact is not None or picked is not None or text is None:
        return Invalid(f"form.invalid.{form_field.type}")
    return check(form_field, text, turn.today, turn.kb)
