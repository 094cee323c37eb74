"""The request form: any type in requests.yaml, asked field by field, checked, confirmed, filed.

Where the form stands is a list of stops: the user's town (only when the type is handled
below the county and we do not know it yet), the privacy consent (just before the first
personal field, where the user also says whether they file it for themselves or for someone
else: then the questions about that veteran follow, `proxy`), then each field. "Back" walks the stops backwards; the summary lets the user
correct any field and comes back to itself. Filing stores the request with its tracking
number in the queue of the user's station at the type's level, in the turn's transaction.
"""

from __future__ import annotations

import logging
from typing import get_args

from bot.conversation.payloads import (
    ChoicePick,
    Command,
    FieldPick,
    FlowValue,
    Menu,
    Payload,
    Request,
    StationPick,
    Status,
    TownPick,
    option,
)
from bot.conversation.turn import Turn
from bot.conversation.types import Option, Outbound
from bot.flows import handoff
from bot.flows.base import StepFlow, chose
from bot.flows.expected import Expected, field_answer, town_answer
from bot.flows.request import proxy
from bot.flows.request.fields import Checked, Invalid, check, check_phone, find_station
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
from bot.flows.request.shown import Shown, logged_answer
from bot.privacy.sealing import data_key
from bot.skills.menu import main_menu
from policies.schema import FormField, RequestType, Station
from storage.repositories.conversations import ConversationState
from storage.repositories.requests import Requests

log = logging.getLogger(__name__)


def handling_station(turn: Turn, request_type: RequestType) -> Station:
    """Whose queue the request goes to: the user's own station at the type's level."""
    if request_type.urgent:
        return turn.kb.county_station()
    return turn.kb.station_at(turn.state.station_id, request_type.station_level)


def types_menu(turn: Turn, *before: str) -> Outbound:
    """Every request type to pick from (payload `request:<type>`)."""
    turn.outcome = "menu"
    options = [
        option(_words(turn, t.title.zh, t.title.en), Request(t.id)) for t in turn.kb.request_types
    ]
    return turn.reply(
        *before, turn.text("form.choose_type"), options=[*options, turn.option("menu.back", Menu())]
    )


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
        return await self._to(turn, form, stops(request_type, ask_town)[0])

    def upgrade(self, state: ConversationState) -> None:
        # Before `correct` was a step of its own, a correction was the `field` step with a flag.
        if state.values.pop("fixing", False) and state.step == "field":
            state.step = "correct"

    async def receive(
        self, turn: Turn, text: str | None, picked: FlowValue | None
    ) -> list[Outbound]:
        form, request_type = self._form(turn)
        if request_type is None or not knows(request_type, form):
            # The form was edited (or removed) in requests.yaml since this one began.
            turn.state.leave_flow()
            return [types_menu(turn, turn.text("form.changed"))]
        return await super().receive(turn, text, picked)

    async def prompt(self, turn: Turn, step: RequestStep) -> list[Outbound]:
        form, request_type = self._form(turn)
        assert request_type is not None
        return [self._ask(turn, form, request_type, step)]

    def expects(self, turn: Turn, step: RequestStep) -> Expected:
        form, request_type = self._form(turn)
        if request_type is None or not knows(request_type, form):
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
            labels = (f.label or f.prompt for f in request_type.fields)
            return Expected.naming(n for label in labels for n in (label.zh, label.en))
        if asked_about(form.at):
            return proxy.expects(turn, asked_about(form.at))
        return field_answer(field_named(request_type, form.at), turn.today, turn.kb)

    async def handle(
        self, turn: Turn, step: RequestStep, text: str | None, picked: FlowValue | None
    ) -> list[Outbound]:
        form, request_type = self._form(turn)
        assert request_type is not None
        if asked_about(form.at) and step in ("behalf", "correct"):
            return await self._behalf(turn, form, request_type, step, text, picked)
        kept = form.answers.get(form.at) and chose(turn, text, picked, "keep", "keep")
        if step in ("field", "correct") and kept:  # back to a field: no need to retype it
            if step == "correct":
                return await self._confirm(turn, form)
            return await self._next(turn, form, request_type)
        if step == "town":
            return await self._town(turn, form, request_type, text, picked)
        if step == "consent":
            return await self._consent(turn, form, request_type, text, picked)
        if step == "confirm":
            return await self._confirmed(turn, form, request_type, text, picked)
        if step == "fix":
            return await self._fix(turn, form, request_type, picked)
        problem = self._answer(turn, form, request_type, step, text, picked)
        if problem is not None:
            return [problem]
        if step == "correct":
            return await self._confirm(turn, form)
        return await self._next(turn, form, request_type)

    async def back(self, turn: Turn, step: RequestStep) -> list[Outbound]:
        form, request_type = self._form(turn)
        assert request_type is not None
        if step in ("fix", "correct"):  # a correction left unchanged
            return await self._confirm(turn, form)
        order = self._stops(form, request_type)
        if step == "confirm":
            return await self._to(turn, form, order[-1])
        index = order.index(form.at)
        if index == 0:
            turn.state.leave_flow()
            return [types_menu(turn)]
        return await self._to(turn, form, order[index - 1])

    async def _town(
        self,
        turn: Turn,
        form: Form,
        request_type: RequestType,
        text: str | None,
        picked: FlowValue | None,
    ) -> list[Outbound]:
        station = turn.kb.station(picked.station_id) if isinstance(picked, TownPick) else None
        station = station or find_station(turn.kb, text or "", county=False)
        if station is None:
            return [self._ask(turn, form, request_type, "town", turn.text("form.invalid.town"))]
        turn.state.station_id = station.id
        return await self._next(turn, form, request_type)

    async def _consent(
        self,
        turn: Turn,
        form: Form,
        request_type: RequestType,
        text: str | None,
        picked: FlowValue | None,
    ) -> list[Outbound]:
        if chose(turn, text, picked, "yes", "agree"):
            form.behalf = None
            return await self._next(turn, form, request_type)
        if picked == Command("proxy") or (picked is None and proxy.for_someone(turn, text)):
            form.behalf = form.behalf or proxy.Behalf.declared()
            return await self._next(turn, form, request_type)
        if chose(turn, text, picked, "no", "refuse"):
            turn.state.leave_flow()  # nothing of this form was stored anywhere
            return [main_menu(turn, turn.text("form.refused"))]
        again = turn.text("form.consent_again")
        return [self._ask(turn, form, request_type, "consent", again)]

    async def _confirmed(
        self,
        turn: Turn,
        form: Form,
        request_type: RequestType,
        text: str | None,
        picked: FlowValue | None,
    ) -> list[Outbound]:
        """What the user said to the summary: submit it, or correct a field."""
        if chose(turn, text, picked, "submit", "confirm"):
            return await self._file(turn, form, request_type)
        if chose(turn, text, picked, "fix", "fix"):
            return await self.go(turn, "fix")
        again = turn.text("form.confirm_again")
        return [self._ask(turn, form, request_type, "confirm", again)]

    async def _fix(
        self, turn: Turn, form: Form, request_type: RequestType, picked: FlowValue | None
    ) -> list[Outbound]:
        """The field to correct, picked from the list."""
        names = {f.name for f in request_type.fields}
        names |= set(BEHALF_STOPS) if form.behalf else set()
        if not isinstance(picked, FieldPick) or picked.name not in names:
            return [self._ask(turn, form, request_type, "fix")]
        form.at = picked.name
        turn.state.values = form.to_state()
        return await self.go(turn, "correct")

    def _answer(
        self,
        turn: Turn,
        form: Form,
        request_type: RequestType,
        step: RequestStep,
        text: str | None,
        picked: FlowValue | None,
    ) -> Outbound | None:
        """Take the answer to the field asked: None when it is kept, else the question again
        with what was wrong."""
        form_field = field_named(request_type, form.at)
        contact = turn.inbound.contact
        skip = turn.messages.means(text, "skip") and not form_field.required and contact is None
        if picked == Command("skip") or skip:
            if form_field.required:
                return self._ask(turn, form, request_type, step, turn.text("form.required"))
            form.answers[form_field.name] = ""
            return None
        checked = self._check(turn, form_field, text, picked)
        if text is not None and picked is None:
            turn.logged_as = logged_answer(form_field, text, checked)
        if isinstance(checked, Invalid):
            problem = turn.text(checked.reason, **checked.params)
            return self._ask(turn, form, request_type, step, problem)
        value = checked.value
        if form_field.type == "id_number":
            value = data_key(turn.settings).seal(value)
        form.answers[form_field.name] = value
        return None

    async def _behalf(
        self,
        turn: Turn,
        form: Form,
        request_type: RequestType,
        step: RequestStep,
        text: str | None,
        picked: FlowValue | None,
    ) -> list[Outbound]:
        """An answer about the veteran the form is filed for (`correct`: from the summary)."""
        assert form.behalf is not None
        asked = asked_about(form.at)
        kept = form.behalf.answered(asked) and chose(turn, text, picked, "keep", "keep")
        problem = None if kept else proxy.take(turn, form.behalf, asked, text, picked)
        if problem is not None:
            return [self._ask(turn, form, request_type, step, problem)]
        if step == "correct":
            return await self._confirm(turn, form)
        return await self._next(turn, form, request_type)

    def _stops(self, form: Form, request_type: RequestType) -> list[str]:
        return stops(request_type, form.ask_town, behalf=form.behalf is not None)

    def _check(
        self, turn: Turn, form_field: FormField, text: str | None, picked: FlowValue | None
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

    async def _next(self, turn: Turn, form: Form, request_type: RequestType) -> list[Outbound]:
        order = self._stops(form, request_type)
        index = order.index(form.at) + 1
        if index < len(order):
            return await self._to(turn, form, order[index])
        return await self._confirm(turn, form)

    async def _to(self, turn: Turn, form: Form, stop: str) -> list[Outbound]:
        form.at = stop
        turn.state.values = form.to_state()
        return await self.go(turn, step_at(stop))

    async def _confirm(self, turn: Turn, form: Form) -> list[Outbound]:
        turn.state.values = form.to_state()
        return await self.go(turn, "confirm")

    async def _file(self, turn: Turn, form: Form, request_type: RequestType) -> list[Outbound]:
        station = handling_station(turn, request_type)
        key = turn.inbound.key
        filed = await Requests(turn.session).file(
            prefix=turn.settings.number_prefix,
            year=turn.today.year,
            user_id=turn.state.user_id,
            type_id=request_type.id,
            station_id=station.id,
            answers=form.answers,
            language=turn.state.language,
            channel=key.channel,
            chat_id=key.chat_id,
            external_user_id=key.user_id,
            filed_for=form.behalf.veteran() if form.behalf else None,
        )
        log.info(
            "request filed",
            extra={
                "number": filed.number,
                "type": request_type.id,
                "station": station.id,
                "for_someone": form.behalf is not None,
            },
        )
        turn.state.leave_flow()
        turn.outcome = "request"
        shown = self._shown(turn)
        staff = ""
        if request_type.needs_staff or request_type.urgent:  # a person takes it up: a ticket
            staff = await handoff.for_request(
                turn,
                request_id=filed.id,
                station=station,
                category=request_type.id,
                urgent=request_type.urgent,
            )
        behalf = ""
        if form.behalf is not None:
            lang, name = turn.state.language, form.behalf.name
            on_behalf = proxy.on_behalf(turn.messages, lang, form.behalf.kin, name)
            behalf = turn.text("family.filed", on_behalf=on_behalf)
        return [
            turn.reply(
                turn.text("form.filed", number=filed.number, station=shown.station(station.id)),
                behalf,
                staff,
                turn.text("form.after_filing"),
                options=[turn.option("menu.status", Status()), turn.option("menu.back", Menu())],
            )
        ]

    def _ask(
        self, turn: Turn, form: Form, request_type: RequestType, step: RequestStep, *before: str
    ) -> Outbound:
        shown = self._shown(turn)
        if step == "town":
            towns = [s for s in turn.kb.stations if s.level == "town"]
            options = [self.option(shown.station(s.id), TownPick(s.id)) for s in towns]
            lines = [turn.text("form.town", title=shown.title(request_type))]
            return turn.reply(*before, *lines, options=[*options, *self.navigation(turn)])
        if step == "consent":
            station = shown.station(handling_station(turn, request_type).id)
            options = [
                self.option(turn.text("family.agree_self"), Command("yes")),
                self.option(turn.text("family.agree_other"), Command("proxy")),
                self.option(turn.text("form.disagree"), Command("no")),
                *self.navigation(turn),
            ]
            years = f"{turn.settings.retention_years:g}"  # the retention the notice states
            notice = (
                turn.text("form.privacy", station=station, years=years),
                turn.text("family.declaration"),
            )
            return turn.reply(*before, *notice, options=options)
        if step == "confirm":
            return self._ask_confirm(turn, form, request_type, before, shown)
        if asked_about(form.at) and step in ("behalf", "correct"):
            assert form.behalf is not None
            asked = asked_about(form.at)
            return proxy.ask(turn, form.behalf, asked, self.option, self.navigation(turn), before)
        if step == "fix":
            options = [self.option(shown.label(f), FieldPick(f.name)) for f in request_type.fields]
            if form.behalf is not None:
                for stop in BEHALF_STOPS:
                    label = shown.label(proxy.question_field(turn.messages, asked_about(stop)))
                    options.append(self.option(label, FieldPick(stop)))
            return turn.reply(
                *before, turn.text("form.fix_which"), options=[*options, *self.navigation(turn)]
            )
        return self._ask_field(turn, form, request_type, before, shown)

    def _ask_confirm(
        self,
        turn: Turn,
        form: Form,
        request_type: RequestType,
        before: tuple[str, ...],
        shown: Shown,
    ) -> Outbound:
        """The summary of the form, to submit or correct."""
        station = shown.station(handling_station(turn, request_type).id)
        lines = [
            turn.text("form.summary", title=shown.title(request_type)),
            *(proxy.summary(turn, form.behalf) if form.behalf else ()),
            *shown.lines(request_type, form.answers),
            turn.text("form.handled_by", station=station),
            turn.text("form.summary_hint"),
        ]
        options = [
            self.option(turn.text("form.submit"), Command("submit")),
            self.option(turn.text("form.fix"), Command("fix")),
            *self.navigation(turn),
        ]
        return turn.reply(*before, *lines, options=options)

    def _ask_field(
        self,
        turn: Turn,
        form: Form,
        request_type: RequestType,
        before: tuple[str, ...],
        shown: Shown,
    ) -> Outbound:
        form_field = field_named(request_type, form.at)
        number = [f.name for f in request_type.fields].index(form_field.name) + 1
        lines = [
            *before,
            turn.text("form.progress", number=number, total=len(request_type.fields)),
            shown.words(form_field.prompt),
        ]
        first_personal = next((f for f in request_type.fields if f.personal), None)
        if form.behalf is not None and form_field == first_personal:
            lines.insert(len(before), turn.text("family.own_fields"))  # "您" is the filer here
        if form.answers.get(form_field.name):
            lines.append(
                turn.text(
                    "form.current", value=shown.value(form_field, form.answers[form_field.name])
                )
            )
        options: list[Option] = []
        if form_field.type == "choice":
            options = [
                self.option(shown.words(choice), ChoicePick(index))
                for index, choice in enumerate(form_field.choices)
            ]
        elif form_field.type == "station":
            stations = [s for s in turn.kb.stations if s.level in ("county", "town")]
            options = [self.option(shown.station(s.id), StationPick(s.id)) for s in stations]
        elif form_field.type == "phone" and turn.inbound.channel == "telegram":
            lines.append(turn.text("form.share_phone_hint"))
        if not form_field.required:
            lines.append(turn.text("form.optional"))
            options.append(self.option(turn.text("form.skip"), Command("skip")))
        if form.answers.get(form_field.name):
            options.append(self.option(turn.text("flow.keep"), Command("keep")))
        reply = turn.reply(*lines, options=[*options, *self.navigation(turn)])
        if form_field.type == "phone":
            return Outbound(reply.text, reply.options, request_contact=True)
        return reply

    def _form(self, turn: Turn) -> tuple[Form, RequestType | None]:
        form = Form.from_state(turn.state.values)
        return form, turn.kb.request_type(form.type_id)

    def _shown(self, turn: Turn) -> Shown:
        return Shown(turn.state.language, turn.kb, turn.settings, turn.messages)


def _words(turn: Turn, zh: str, en: str) -> str:
    return en if turn.english else zh
