"""The booking flow's questions: the service (or booking for someone else), the consent and the
questions about the veteran, the station, the day, the slot, the summary to confirm, and the
booking to cancel."""

from __future__ import annotations

from datetime import date

from bot.conversation.payloads import Command, DayPick, ServicePick, SlotPick, StationPick
from bot.conversation.turn import Turn
from bot.conversation.types import Outbound
from bot.flows.base import StepFlow
from bot.flows.booking.draft import BookingStep, Draft, services_for, station_of, stations_for
from bot.flows.booking.places import days_with_room, free_places
from bot.flows.booking.words import day_label, slot_label, station_name, visit_line
from bot.flows.request import proxy
from bot.skills.menu import main_menu
from storage.repositories.bookings import Bookings

Asker = StepFlow[BookingStep]
DAYS_OFFERED = 6


async def ask(flow: Asker, turn: Turn, draft: Draft, step: BookingStep, *before: str) -> Outbound:
    """The question of `step`, after the `before` lines (what was wrong, what happened)."""
    if step == "service":
        return _service(flow, turn, draft, before)
    if step == "behalf_consent":
        return _behalf_consent(flow, turn, before)
    if step == "behalf":
        return _behalf(flow, turn, draft, before)
    if step == "station":
        return _station(flow, turn, draft, before)
    if step in ("day", "move_day"):
        return await _day(flow, turn, draft, before)
    if step in ("slot", "move_slot"):
        return await _slot(flow, turn, draft, before)
    if step == "cancel":
        return await _cancel(flow, turn, draft, before)
    heading = (
        turn.text("booking.summary_move", number=draft.number)
        if step == "move_confirm"
        else turn.text("booking.summary")
    )
    return _summary(flow, turn, draft, heading, before)


def _service(flow: Asker, turn: Turn, draft: Draft, before: tuple[str, ...]) -> Outbound:
    options = [flow.option(s, ServicePick(s)) for s in services_for(turn)]
    if not options:
        turn.state.leave_flow()
        return main_menu(turn, *before, turn.text("booking.nowhere"))
    lines = [turn.text("booking.ask_service")]
    behalf = proxy.Behalf.from_state(draft.behalf)
    if behalf is not None:
        on_behalf = proxy.on_behalf(turn.messages, turn.state.language, behalf.kin, behalf.name)
        lines.insert(0, turn.text("family.booking_for", on_behalf=on_behalf))
    else:  # after the services, so their numbers stay what they were
        options.append(flow.option(turn.text("family.booking_option"), Command("proxy")))
    if turn.state.station_id is None:
        lines.append(turn.text("booking.set_town"))
    return turn.reply(*before, *lines, options=[*options, *flow.navigation(turn)])


def _behalf_consent(flow: Asker, turn: Turn, before: tuple[str, ...]) -> Outbound:
    options = [
        flow.option(turn.text("family.booking_agree"), Command("yes")),
        flow.option(turn.text("form.disagree"), Command("no")),
        *flow.navigation(turn),
    ]
    notice = turn.text("family.booking_privacy"), turn.text("family.declaration")
    return turn.reply(*before, *notice, options=options)


def _behalf(flow: Asker, turn: Turn, draft: Draft, before: tuple[str, ...]) -> Outbound:
    behalf = proxy.Behalf.from_state(draft.behalf)
    assert behalf is not None
    navigation = flow.navigation(turn)
    return proxy.ask(turn, behalf, draft.behalf_at, flow.option, navigation, before)


def _station(flow: Asker, turn: Turn, draft: Draft, before: tuple[str, ...]) -> Outbound:
    lang = turn.state.language
    options = [
        flow.option(station_name(turn.kb, lang, s.id), StationPick(s.id))
        for s in stations_for(turn, draft.service)
    ]
    question = turn.text("booking.ask_station", service=draft.service)
    return turn.reply(*before, question, options=[*options, *flow.navigation(turn)])


async def _day(flow: Asker, turn: Turn, draft: Draft, before: tuple[str, ...]) -> Outbound:
    lang, station = turn.state.language, station_of(turn, draft)
    days = await days_with_room(turn.session, station, turn.today, DAYS_OFFERED) if station else []
    lines = [turn.text("booking.ask_day", station=station_name(turn.kb, lang, draft.station))]
    if not days:
        lines.append(turn.text("booking.none_free"))
    options = [flow.option(day_label(turn.messages, lang, d), DayPick(d)) for d in days]
    return turn.reply(*before, *lines, options=[*options, *flow.navigation(turn)])


async def _slot(flow: Asker, turn: Turn, draft: Draft, before: tuple[str, ...]) -> Outbound:
    lang, station = turn.state.language, station_of(turn, draft)
    day = date.fromisoformat(draft.day)
    free = await free_places(turn.session, station, day, day) if station else {}
    options = [
        flow.option(
            turn.text("booking.slot_free", slot=slot_label(turn.messages, lang, p.slot), free=n),
            SlotPick(p.slot),
        )
        for p, n in free.items()
    ]
    question = turn.text("booking.ask_slot", day=day_label(turn.messages, lang, day))
    return turn.reply(*before, question, options=[*options, *flow.navigation(turn)])


def _summary(
    flow: Asker, turn: Turn, draft: Draft, heading: str, before: tuple[str, ...]
) -> Outbound:
    lang = turn.state.language
    lines = [
        heading,
        turn.text("booking.summary_service", service=draft.service),
        turn.text("booking.summary_station", station=station_name(turn.kb, lang, draft.station)),
        turn.text(
            "booking.summary_when",
            day=day_label(turn.messages, lang, date.fromisoformat(draft.day)),
            slot=slot_label(turn.messages, lang, draft.slot),
        ),
        turn.text("booking.no_hours"),
    ]
    behalf = proxy.Behalf.from_state(draft.behalf)  # a move's draft has none
    if behalf is not None:
        lines[1:1] = proxy.summary(turn, behalf)
    options = [flow.option(turn.text("booking.confirm"), Command("confirm"))]
    return turn.reply(*before, *lines, options=[*options, *flow.navigation(turn)])


async def _cancel(flow: Asker, turn: Turn, draft: Draft, before: tuple[str, ...]) -> Outbound:
    visit = await Bookings(turn.session).get(draft.number)
    lang = turn.state.language
    shown = visit_line(turn.messages, turn.kb, lang, visit) if visit else draft.number
    options = [
        flow.option(turn.text("booking.confirm_cancel"), Command("confirm")),
        *flow.navigation(turn, back=False),
    ]
    return turn.reply(*before, turn.text("booking.ask_cancel"), shown, options=options)
