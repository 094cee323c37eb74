"""The request flow's questions: the list of types, the town, the consent, each field, the
summary to submit or correct, and the field to correct."""

from __future__ import annotations

from bot.conversation.payloads import (
    ChoicePick,
    Command,
    FieldPick,
    Menu,
    Request,
    StationPick,
    TownPick,
    option,
)
from bot.conversation.turn import Turn
from bot.conversation.types import Option, Outbound
from bot.flows.base import StepFlow
from bot.flows.request import proxy
from bot.flows.request.filling import Filling
from bot.flows.request.form import BEHALF_STOPS, RequestStep, asked_about, field_named
from bot.flows.request.shown import Shown

Asker = StepFlow[RequestStep]


def types_menu(turn: Turn, *before: str) -> Outbound:
    """Every request type to pick from (payload `request:<type>`)."""
    turn.outcome = "menu"
    options = [
        option(t.title.en if turn.english else t.title.zh, Request(t.id))
        for t in turn.kb.request_types
    ]
    return turn.reply(
        *before, turn.text("form.choose_type"), options=[*options, turn.option("menu.back", Menu())]
    )


def ask(flow: Asker, at: Filling, step: RequestStep, *before: str) -> Outbound:
    """The question of `step`, after the `before` lines (what was wrong with the last answer)."""
    turn, form = at.turn, at.form
    if step == "town":
        return _town(flow, at, before)
    if step == "consent":
        return _consent(flow, at, before)
    if step == "confirm":
        return _summary(flow, at, before)
    if asked_about(form.at) and step in ("behalf", "correct"):
        assert form.behalf is not None
        asked = asked_about(form.at)
        return proxy.ask(turn, form.behalf, asked, flow.option, flow.navigation(turn), before)
    if step == "fix":
        return _which_field(flow, at, before)
    return _field(flow, at, before)


def _town(flow: Asker, at: Filling, before: tuple[str, ...]) -> Outbound:
    turn, shown = at.turn, at.shown()
    towns = [s for s in turn.kb.stations if s.level == "town"]
    options = [flow.option(shown.station(s.id), TownPick(s.id)) for s in towns]
    lines = [turn.text("form.town", title=shown.title(at.request_type))]
    return turn.reply(*before, *lines, options=[*options, *flow.navigation(turn)])


def _consent(flow: Asker, at: Filling, before: tuple[str, ...]) -> Outbound:
    turn = at.turn
    station = at.shown().station(at.station().id)
    options = [
        flow.option(turn.text("family.agree_self"), Command("yes")),
        flow.option(turn.text("family.agree_other"), Command("proxy")),
        flow.option(turn.text("form.disagree"), Command("no")),
        *flow.navigation(turn),
    ]
    years = f"{turn.settings.retention_years:g}"  # the retention the notice states
    notice = (
        turn.text("form.privacy", station=station, years=years),
        turn.text("family.declaration"),
    )
    return turn.reply(*before, *notice, options=options)


def _summary(flow: Asker, at: Filling, before: tuple[str, ...]) -> Outbound:
    """The summary of the form, to submit or correct."""
    turn, form, shown = at.turn, at.form, at.shown()
    station = shown.station(at.station().id)
    lines = [
        turn.text("form.summary", title=shown.title(at.request_type)),
        *(proxy.summary(turn, form.behalf) if form.behalf else ()),
        *shown.lines(at.request_type, form.answers),
        turn.text("form.handled_by", station=station),
        turn.text("form.summary_hint"),
    ]
    options = [
        flow.option(turn.text("form.submit"), Command("submit")),
        flow.option(turn.text("form.fix"), Command("fix")),
        *flow.navigation(turn),
    ]
    return turn.reply(*before, *lines, options=options)


def _which_field(flow: Asker, at: Filling, before: tuple[str, ...]) -> Outbound:
    """The fields to pick one to correct, the questions about the veteran among them."""
    turn, shown = at.turn, at.shown()
    options = [flow.option(shown.label(f), FieldPick(f.name)) for f in at.request_type.fields]
    if at.form.behalf is not None:
        for stop in BEHALF_STOPS:
            label = shown.label(proxy.question_field(turn.messages, asked_about(stop)))
            options.append(flow.option(label, FieldPick(stop)))
    return turn.reply(
        *before, turn.text("form.fix_which"), options=[*options, *flow.navigation(turn)]
    )


def _field(flow: Asker, at: Filling, before: tuple[str, ...]) -> Outbound:
    turn, form, shown = at.turn, at.form, at.shown()
    fields = at.request_type.fields
    form_field = field_named(at.request_type, form.at)
    number = [f.name for f in fields].index(form_field.name) + 1
    lines = [
        *before,
        turn.text("form.progress", number=number, total=len(fields)),
        shown.words(form_field.prompt),
    ]
    first_personal = next((f for f in fields if f.personal), None)
    if form.behalf is not None and form_field == first_personal:
        lines.insert(len(before), turn.text("family.own_fields"))  # "您" is the filer here
    current = form.answers.get(form_field.name)
    if current:
        lines.append(turn.text("form.current", value=shown.value(form_field, current)))
    options = _field_options(flow, at, shown, lines)
    if not form_field.required:
        lines.append(turn.text("form.optional"))
        options.append(flow.option(turn.text("form.skip"), Command("skip")))
    if current:
        options.append(flow.option(turn.text("flow.keep"), Command("keep")))
    reply = turn.reply(*lines, options=[*options, *flow.navigation(turn)])
    if form_field.type == "phone":
        return Outbound(reply.text, reply.options, request_contact=True)
    return reply


def _field_options(flow: Asker, at: Filling, shown: Shown, lines: list[str]) -> list[Option]:
    """The options a field's own type offers (its choices, the stations); a hint for a phone
    on Telegram, where the user can share theirs with a button."""
    turn = at.turn
    form_field = field_named(at.request_type, at.form.at)
    if form_field.type == "choice":
        return [
            flow.option(shown.words(choice), ChoicePick(index))
            for index, choice in enumerate(form_field.choices)
        ]
    if form_field.type == "station":
        stations = [s for s in turn.kb.stations if s.level in ("county", "town")]
        return [flow.option(shown.station(s.id), StationPick(s.id)) for s in stations]
    if form_field.type == "phone" and turn.inbound.channel == "telegram":
        lines.append(turn.text("form.share_phone_hint"))
    return []
