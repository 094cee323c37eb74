"""The request form: any type in requests.yaml, asked field by field, checked, confirmed, filed.

Where the form stands is a list of stops: the user's town (only when the type is handled
below the county and we do not know it yet), the privacy consent (just before the first
personal field), then each field. "Back" walks the stops backwards; the summary lets the user
correct any field and comes back to itself. Filing stores the request with its tracking
number in the queue of the user's station at the type's level, in the turn's transaction.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from bot.conversation.turn import Turn
from bot.conversation.types import Option, Outbound
from bot.flows import handoff
from bot.flows.base import Flow
from bot.flows.request.fields import Invalid, check, check_phone, find_station, normalise
from bot.flows.request.shown import Shown
from bot.privacy.sealing import data_key
from bot.skills.menu import main_menu
from policies.schema import FormField, RequestType, Station
from storage.repositories.requests import Requests

log = logging.getLogger(__name__)

TOWN, CONSENT = "@town", "@consent"
YES = frozenset({"同意", "是", "是的", "好", "好的", "可以", "行", "yes", "y", "ok", "agree"})
NO = frozenset({"不同意", "不", "否", "不要", "不行", "算了", "no", "n", "disagree"})
SUBMIT = frozenset(
    {"确认", "提交", "确认提交", "确定", "是", "对", "yes", "ok", "confirm", "submit"}
)
SKIP = frozenset({"跳过", "略过", "无", "没有", "skip", "none", "-"})
FIX = frozenset({"修改", "改", "更正", "fix", "change", "edit"})


@dataclass
class Form:
    """A form in progress, kept in the conversation state between messages."""

    type_id: str
    at: str = ""  # the current stop: TOWN, CONSENT or a field name
    answers: dict[str, str] = field(default_factory=dict)  # ID numbers sealed
    ask_town: bool = False
    fixing: bool = False  # correcting one field from the summary: back to it afterwards

    def to_state(self) -> dict[str, Any]:
        return {
            "type": self.type_id,
            "at": self.at,
            "answers": dict(self.answers),
            "ask_town": self.ask_town,
            "fixing": self.fixing,
        }

    @classmethod
    def from_state(cls, values: dict[str, Any]) -> Form:
        return cls(
            type_id=str(values.get("type", "")),
            at=str(values.get("at", "")),
            answers={str(k): str(v) for k, v in dict(values.get("answers") or {}).items()},
            ask_town=bool(values.get("ask_town")),
            fixing=bool(values.get("fixing")),
        )


def stops(request_type: RequestType, ask_town: bool) -> list[str]:
    names = [TOWN] if ask_town else []
    personal = next((f.name for f in request_type.fields if f.personal), None)
    for form_field in request_type.fields:
        if form_field.name == personal:
            names.append(CONSENT)
        names.append(form_field.name)
    return names


def handling_station(turn: Turn, request_type: RequestType) -> Station:
    """Whose queue the request goes to: the user's own station at the type's level."""
    if request_type.urgent:
        return turn.kb.county_station()
    return turn.kb.station_at(turn.state.station_id, request_type.station_level)


def types_menu(turn: Turn, *before: str) -> Outbound:
    """Every request type to pick from (payload `request:<type>`)."""
    turn.outcome = "menu"
    options = [
        Option(_words(turn, t.title.zh, t.title.en), f"request:{t.id}")
        for t in turn.kb.request_types
    ]
    return turn.reply(
        *before, turn.text("form.choose_type"), options=[*options, turn.option("menu.back", "menu")]
    )


class RequestFlow(Flow):
    name = "request"
    steps = ("town", "consent", "field", "confirm", "fix")

    async def start(self, turn: Turn, argument: str = "") -> list[Outbound]:
        request_type = turn.kb.request_type(argument)
        if request_type is None:
            turn.state.leave_flow()
            return [types_menu(turn)]
        ask_town = (
            request_type.station_level != "county"
            and not request_type.urgent
            and turn.state.station_id is None
        )
        form = Form(request_type.id, ask_town=ask_town)
        turn.state.flow = self.name
        return await self._to(turn, form, stops(request_type, ask_town)[0])

    async def receive(self, turn: Turn, text: str | None, picked: str | None) -> list[Outbound]:
        form, request_type = self._form(turn)
        if request_type is None or not _knows(request_type, form):
            # The form was edited (or removed) in requests.yaml since this one began.
            turn.state.leave_flow()
            return [types_menu(turn, turn.text("form.changed"))]
        return await super().receive(turn, text, picked)

    async def prompt(self, turn: Turn, step: str) -> list[Outbound]:
        form, request_type = self._form(turn)
        assert request_type is not None
        return [self._ask(turn, form, request_type, step)]

    async def handle(
        self, turn: Turn, step: str, text: str | None, picked: str | None
    ) -> list[Outbound]:
        form, request_type = self._form(turn)
        assert request_type is not None
        typed = normalise(text or "").lower()
        if step == "town":
            station = turn.kb.station(picked[5:]) if picked and picked.startswith("town:") else None
            station = station or find_station(turn.kb, text or "", county=False)
            if station is None:
                return [self._ask(turn, form, request_type, step, turn.text("form.invalid.town"))]
            turn.state.station_id = station.id
            return await self._next(turn, form, request_type)
        if step == "consent":
            if picked == "yes" or typed in YES:
                return await self._next(turn, form, request_type)
            if picked == "no" or typed in NO:
                turn.state.leave_flow()  # nothing of this form was stored anywhere
                return [main_menu(turn, turn.text("form.refused"))]
            return [self._ask(turn, form, request_type, step, turn.text("form.consent_again"))]
        if step == "confirm":
            if picked == "submit" or typed in SUBMIT:
                return await self._file(turn, form, request_type)
            if picked == "fix" or typed in FIX:
                return await self.go(turn, "fix")
            return [self._ask(turn, form, request_type, step, turn.text("form.confirm_again"))]
        if step == "fix":
            chosen = picked[2:] if picked and picked.startswith("f:") else None
            names = {f.name for f in request_type.fields}
            if chosen not in names:
                return [self._ask(turn, form, request_type, step)]
            form.fixing = True
            return await self._to(turn, form, str(chosen))
        return await self._answer(turn, form, request_type, text, picked)

    async def back(self, turn: Turn, step: str) -> list[Outbound]:
        form, request_type = self._form(turn)
        assert request_type is not None
        if step == "fix" or form.fixing:
            form.fixing = False
            return await self._confirm(turn, form)
        order = stops(request_type, form.ask_town)
        if step == "confirm":
            return await self._to(turn, form, order[-1])
        index = order.index(form.at)
        if index == 0:
            turn.state.leave_flow()
            return [types_menu(turn)]
        return await self._to(turn, form, order[index - 1])

    async def _answer(
        self,
        turn: Turn,
        form: Form,
        request_type: RequestType,
        text: str | None,
        picked: str | None,
    ) -> list[Outbound]:
        form_field = _field(request_type, form.at)
        typed = normalise(text or "").lower()
        contact = turn.inbound.contact
        if picked == "skip" or (typed in SKIP and not form_field.required and contact is None):
            if form_field.required:
                return [self._ask(turn, form, request_type, "field", turn.text("form.required"))]
            form.answers[form_field.name] = ""
            return await self._next(turn, form, request_type)
        if contact is not None and form_field.type == "phone":
            # Only the sender's own number may answer (the Telegram adapter checks it too).
            own = contact.user_id in (None, turn.inbound.key.user_id)
            checked = check_phone(contact.phone) if own else Invalid("form.invalid.phone")
        elif picked is not None and picked.startswith("c:") and form_field.type == "choice":
            index = picked[2:]
            valid = index.isdigit() and int(index) < len(form_field.choices)
            checked = check(form_field, _choice(form_field, int(index)), turn.today, turn.kb)
            checked = checked if valid else Invalid("form.invalid.choice")
        elif picked is not None and picked.startswith("s:") and form_field.type == "station":
            station = turn.kb.station(picked[2:])
            checked = check(form_field, station.name if station else "", turn.today, turn.kb)
        elif contact is not None or picked is not None or text is None:
            checked = Invalid(f"form.invalid.{form_field.type}")
        else:
            checked = check(form_field, text, turn.today, turn.kb)
        if isinstance(checked, Invalid):
            problem = turn.text(checked.reason, **checked.params)
            return [self._ask(turn, form, request_type, "field", problem)]
        value = checked.value
        if form_field.type == "id_number":
            value = data_key(turn.settings).seal(value)
        form.answers[form_field.name] = value
        return await self._next(turn, form, request_type)

    async def _next(self, turn: Turn, form: Form, request_type: RequestType) -> list[Outbound]:
        if form.fixing:
            form.fixing = False
            return await self._confirm(turn, form)
        order = stops(request_type, form.ask_town)
        index = order.index(form.at) + 1
        if index < len(order):
            return await self._to(turn, form, order[index])
        return await self._confirm(turn, form)

    async def _to(self, turn: Turn, form: Form, stop: str) -> list[Outbound]:
        form.at = stop
        turn.state.values = form.to_state()
        step = {TOWN: "town", CONSENT: "consent"}.get(stop, "field")
        return await self.go(turn, step)

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
        )
        log.info(
            "request filed",
            extra={"number": filed.number, "type": request_type.id, "station": station.id},
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
        return [
            turn.reply(
                turn.text("form.filed", number=filed.number, station=shown.station(station.id)),
                staff,
                turn.text("form.after_filing"),
                options=[turn.option("menu.status", "status"), turn.option("menu.back", "menu")],
            )
        ]

    def _ask(
        self, turn: Turn, form: Form, request_type: RequestType, step: str, *before: str
    ) -> Outbound:
        shown = self._shown(turn)
        if step == "town":
            towns = [s for s in turn.kb.stations if s.level == "town"]
            options = [self.option(shown.station(s.id), f"town:{s.id}") for s in towns]
            lines = [turn.text("form.town", title=shown.title(request_type))]
            return turn.reply(*before, *lines, options=[*options, *self.navigation(turn)])
        if step == "consent":
            station = shown.station(handling_station(turn, request_type).id)
            options = [
                self.option(turn.text("form.agree"), "yes"),
                self.option(turn.text("form.disagree"), "no"),
                *self.navigation(turn),
            ]
            return turn.reply(*before, turn.text("form.privacy", station=station), options=options)
        if step == "confirm":
            station = shown.station(handling_station(turn, request_type).id)
            lines = [
                turn.text("form.summary", title=shown.title(request_type)),
                *shown.lines(request_type, form.answers),
                turn.text("form.handled_by", station=station),
                turn.text("form.summary_hint"),
            ]
            options = [
                self.option(turn.text("form.submit"), "submit"),
                self.option(turn.text("form.fix"), "fix"),
                *self.navigation(turn),
            ]
            return turn.reply(*before, *lines, options=options)
        if step == "fix":
            options = [self.option(shown.label(f), f"f:{f.name}") for f in request_type.fields]
            return turn.reply(
                *before, turn.text("form.fix_which"), options=[*options, *self.navigation(turn)]
            )
        return self._ask_field(turn, form, request_type, before, shown)

    def _ask_field(
        self,
        turn: Turn,
        form: Form,
        request_type: RequestType,
        before: tuple[str, ...],
        shown: Shown,
    ) -> Outbound:
        form_field = _field(request_type, form.at)
        number = [f.name for f in request_type.fields].index(form_field.name) + 1
        lines = [
            *before,
            turn.text("form.progress", number=number, total=len(request_type.fields)),
            shown.words(form_field.prompt),
        ]
        if form.answers.get(form_field.name):
            lines.append(
                turn.text(
                    "form.current", value=shown.value(form_field, form.answers[form_field.name])
                )
            )
        options: list[Option] = []
        if form_field.type == "choice":
            options = [
                self.option(shown.words(choice), f"c:{index}")
                for index, choice in enumerate(form_field.choices)
            ]
        elif form_field.type == "station":
            stations = [s for s in turn.kb.stations if s.level in ("county", "town")]
            options = [self.option(shown.station(s.id), f"s:{s.id}") for s in stations]
        elif form_field.type == "phone" and turn.inbound.channel == "telegram":
            lines.append(turn.text("form.share_phone_hint"))
        if not form_field.required:
            lines.append(turn.text("form.optional"))
            options.append(self.option(turn.text("form.skip"), "skip"))
        reply = turn.reply(*lines, options=[*options, *self.navigation(turn)])
        if form_field.type == "phone":
            return Outbound(reply.text, reply.options, request_contact=True)
        return reply

    def _form(self, turn: Turn) -> tuple[Form, RequestType | None]:
        form = Form.from_state(turn.state.values)
        return form, turn.kb.request_type(form.type_id)

    def _shown(self, turn: Turn) -> Shown:
        return Shown(turn.state.language, turn.kb, turn.settings, turn.messages)


def _knows(request_type: RequestType, form: Form) -> bool:
    """Whether the stored form still fits the type as requests.yaml has it now."""
    names = {f.name for f in request_type.fields}
    return form.at in (*names, TOWN, CONSENT) and set(form.answers) <= names


def _field(request_type: RequestType, name: str) -> FormField:
    return next(f for f in request_type.fields if f.name == name)


def _choice(form_field: FormField, index: int) -> str:
    return form_field.choices[index].zh if index < len(form_field.choices) else ""


def _words(turn: Turn, zh: str, en: str) -> str:
    return en if turn.english else zh
