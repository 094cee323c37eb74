"""Booking a visit: service, station, day, slot, confirm; and cancelling or moving a booking.

The service question also offers booking for someone else (a family member, or a village
cadre for a villager): the privacy consent with its declaration that the veteran agreed, the
veteran's relationship, name, ID number and phone (`request.proxy`), then the service again.

Started by the `booking` payload (a new booking), `booking:cancel:<number>` and
`booking:move:<number>` (from the status list). Offered days and slots are only suggestions
read a moment earlier; the booking itself takes its place atomically in the database, and
when the slot filled up meanwhile the user is offered the next free one.
"""

from __future__ import annotations

import logging
from dataclasses import asdict
from datetime import date, datetime
from typing import NamedTuple, get_args

from bot.calendar.workdays import day_status
from bot.conversation.payloads import (
    ChangeBooking,
    Command,
    DayPick,
    FlowValue,
    Menu,
    Payload,
    ServicePick,
    SlotPick,
    StationPick,
    Status,
)
from bot.conversation.turn import Turn
from bot.conversation.types import Outbound
from bot.flows.base import chose
from bot.flows.booking import quota
from bot.flows.booking.asking import ask
from bot.flows.booking.behalf import BehalfSteps
from bot.flows.booking.draft import (
    AFTER,
    BEFORE,
    BookingStep,
    Draft,
    services_for,
    station_of,
    stations_for,
)
from bot.flows.booking.places import (
    free_places,
    is_bookable,
    next_free,
    now_on,
    remind_at,
)
from bot.flows.booking.words import (
    confirmation,
    day_label,
    slot_label,
    station_name,
)
from bot.flows.expected import Expected, date_answer
from bot.flows.request import proxy
from bot.flows.request.fields import Invalid, normalise, parse_date
from bot.skills.menu import main_menu
from policies.schema import Station
from storage.repositories.bookings import Bookings, Contact, Visit
from storage.repositories.conversations import ConversationState

log = logging.getLogger(__name__)


class Answer(NamedTuple):
    """What the user sent at a step: the option picked, or the text typed (normalised)."""

    picked: FlowValue | None
    typed: str


class BookingFlow(BehalfSteps):
    name = "booking"
    steps = get_args(BookingStep)

    async def start(self, turn: Turn, picked: Payload | None = None) -> list[Outbound]:
        """A new booking; cancelling or moving one of the user's own when `picked` says so."""
        turn.state.flow, turn.state.values = self.name, {}
        if not isinstance(picked, ChangeBooking):
            held = await quota.holding_too_many(turn)
            if held is not None:  # said before the questions, not after them
                return [quota.refuse(turn, held)]
            return await self._to(turn, Draft(), "service")
        visit = await Bookings(turn.session).get(picked.number)
        if visit is None or visit.user_id != turn.state.user_id or visit.state != "booked":
            turn.state.leave_flow()
            return [main_menu(turn, turn.text("booking.not_yours"))]
        draft = Draft(visit.service, visit.place.station_id, number=picked.number)
        return await self._to(turn, draft, "cancel" if picked.action == "cancel" else "move_day")

    def upgrade(self, state: ConversationState) -> None:
        # Before moving had steps of its own, a move took the new-booking steps with `moving`
        # set; a cancel kept its number in `cancelling`.
        moving, cancelling = state.values.pop("moving", ""), state.values.pop("cancelling", "")
        if moving and state.step in ("day", "slot", "confirm"):
            state.step = f"move_{state.step}"
        if moving or cancelling:
            state.values["number"] = moving or cancelling

    def expects(self, turn: Turn, step: BookingStep) -> Expected:
        draft = Draft.from_state(turn.state.values)
        if step == "service":
            names = Expected.naming(services_for(turn))
            shape = names.shape

            def service_or_behalf(text: str) -> bool:
                return (shape is not None and shape(text)) or proxy.for_someone(turn, text)

            return Expected(service_or_behalf, names.longest)
        if step == "behalf_consent":
            return Expected(lambda text: turn.messages.means(text, "agree", "refuse"), 8)
        if step == "behalf":
            return proxy.expects(turn, draft.behalf_at)
        if step == "station":
            return Expected.naming(s.name for s in stations_for(turn, draft.service))
        if step in ("day", "move_day"):
            return date_answer(turn.today)
        if step in ("slot", "move_slot"):
            station = station_of(turn, draft)
            return Expected.naming(station.slots if station else ())
        return Expected(lambda text: turn.messages.means(text, "confirm"), 8)

    async def prompt(self, turn: Turn, step: BookingStep) -> list[Outbound]:
        return [await ask(self, turn, Draft.from_state(turn.state.values), step)]

    async def handle(
        self, turn: Turn, step: BookingStep, text: str | None, picked: FlowValue | None
    ) -> list[Outbound]:
        draft = Draft.from_state(turn.state.values)
        got = Answer(picked, normalise(text or ""))
        if step == "service":
            return await self._service(turn, draft, got)
        if step == "behalf_consent":
            return await self._behalf_consent(turn, draft, text, picked)
        if step == "behalf":
            return await self._behalf(turn, draft, text, picked)
        if step == "station":
            return await self._at_station(turn, draft, got)
        if step in ("day", "move_day"):
            return await self._day(turn, draft, step, got)
        if step in ("slot", "move_slot"):
            return await self._slot(turn, draft, step, got)
        if not chose(turn, text, picked, "confirm", "confirm"):
            return [await ask(self, turn, draft, step, turn.text("booking.confirm_again"))]
        if step == "cancel":
            return await self._cancel(turn, draft)
        return await self._book(turn, draft, step)

    async def back(self, turn: Turn, step: BookingStep) -> list[Outbound]:
        draft = Draft.from_state(turn.state.values)
        previous = BEFORE.get(step)
        if step == "day":
            previous = "station" if draft.asked_station else "service"
        if step in ("service", "behalf") and draft.behalf:
            return await self._behalf_back(turn, draft, step)
        if previous is None:  # the first step of its path
            turn.state.leave_flow()
            return [main_menu(turn)]
        return await self._to(turn, draft, previous)

    async def _service(self, turn: Turn, draft: Draft, got: Answer) -> list[Outbound]:
        picked, typed = got
        services = services_for(turn)
        if not draft.behalf and (picked == Command("proxy") or proxy.for_someone(turn, typed)):
            return await self._to(turn, draft, "behalf_consent")
        service = picked.service if isinstance(picked, ServicePick) else None
        chosen = _chosen(service, typed, services)
        if chosen is None:
            return [await ask(self, turn, draft, "service", turn.text("booking.pick_service"))]
        draft.service = chosen
        stations = stations_for(turn, chosen)
        if len(stations) == 1:
            draft.station, draft.asked_station = stations[0].id, False
            return await self._to(turn, draft, "day")
        draft.asked_station = True
        return await self._to(turn, draft, "station")

    async def _at_station(self, turn: Turn, draft: Draft, got: Answer) -> list[Outbound]:
        picked, typed = got
        ids = [s.id for s in stations_for(turn, draft.service)]
        names = {station_name(turn.kb, "zh", i): i for i in ids}
        station = picked.station_id if isinstance(picked, StationPick) else None
        chosen = _chosen(station, typed, ids) or names.get(typed)
        if chosen is None:
            return [await ask(self, turn, draft, "station", turn.text("booking.pick_station"))]
        draft.station = chosen
        return await self._to(turn, draft, "day")

    async def _day(
        self, turn: Turn, draft: Draft, step: BookingStep, got: Answer
    ) -> list[Outbound]:
        picked, typed = got
        station = station_of(turn, draft)
        if station is None:
            return await self._to(turn, Draft(), "service")
        if isinstance(picked, DayPick):
            day: date | Invalid | None = picked.day
        else:
            day = parse_date(typed, turn.today) if typed else None
        if day is None or isinstance(day, Invalid):
            return [await ask(self, turn, draft, step, turn.text("booking.pick_day"))]
        problem = self._closed(turn, day)
        if problem is None:
            free = await free_places(turn.session, station, day, day)
            if not free:
                problem = turn.text(
                    "booking.day_full", day=day_label(turn.messages, turn.state.language, day)
                )
        if problem is not None:
            return [await ask(self, turn, draft, step, problem)]
        draft.day = day.isoformat()
        return await self._to(turn, draft, AFTER[step])

    async def _slot(
        self, turn: Turn, draft: Draft, step: BookingStep, got: Answer
    ) -> list[Outbound]:
        picked, typed = got
        station = station_of(turn, draft)
        slot = picked.slot if isinstance(picked, SlotPick) else None
        chosen = _chosen(slot, typed, station.slots) if station else None
        if chosen is None:
            return [await ask(self, turn, draft, step, turn.text("booking.pick_slot"))]
        draft.slot = chosen
        return await self._to(turn, draft, AFTER[step])

    def _closed(self, turn: Turn, day: date) -> str | None:
        """Why `day` cannot be booked, or None."""
        shown = day_label(turn.messages, turn.state.language, day)
        status = day_status(day)
        if status != "open":
            return turn.text(f"booking.closed_{status}", day=shown)
        if not is_bookable(day, turn.today):
            return turn.text("booking.out_of_range", day=shown)
        return None

    async def _book(self, turn: Turn, draft: Draft, step: BookingStep) -> list[Outbound]:
        """Confirmed: take the place (a new booking at `confirm`, a move at `move_confirm`)."""
        station = station_of(turn, draft)
        if station is None or not draft.day or not draft.slot:
            return await self._to(turn, Draft(), "service")
        when = remind_at(draft.place.day, turn.settings.reminder_hour, now_on(turn.today))
        if step == "move_confirm":
            try:
                visit = await Bookings(turn.session).move(
                    draft.number, turn.state.user_id, draft.place, station.booking_capacity, when
                )
            except LookupError:
                turn.state.leave_flow()
                return [main_menu(turn, turn.text("booking.not_yours"))]
            done = "booking.moved"
        else:
            refused = await quota.refusal(turn)
            if refused is not None:
                return [quota.refuse(turn, refused)]
            visit = await self._book_new(turn, draft, station, when)
            done = "booking.booked"
        if visit is None:
            return await self._full(turn, draft, station, step)
        log.info(
            "booking moved" if step == "move_confirm" else "booking made",
            extra={"number": visit.number, "station": station.id, "day": draft.day},
        )
        turn.state.leave_flow()
        turn.outcome = "booking"
        lang = turn.state.language
        behalf = ""
        if visit.filed_for is not None:
            veteran = visit.filed_for
            on_behalf = proxy.on_behalf(turn.messages, lang, veteran.kin, veteran.name)
            behalf = turn.text("family.booked", on_behalf=on_behalf)
        return [
            turn.reply(
                confirmation(turn.messages, turn.kb, lang, done, visit),
                behalf,
                turn.text("booking.after"),
                options=[turn.option("menu.status", Status()), turn.option("menu.back", Menu())],
            )
        ]

    async def _book_new(
        self, turn: Turn, draft: Draft, station: Station, when: datetime | None
    ) -> Visit | None:
        key = turn.inbound.key
        contact = Contact(
            turn.state.user_id, turn.state.language, key.channel, key.chat_id, key.user_id
        )
        behalf = proxy.Behalf.from_state(draft.behalf)
        return await Bookings(turn.session).book(
            draft.place,
            station.booking_capacity,
            number_prefix=f"{turn.settings.number_prefix}Y",
            service=draft.service,
            contact=contact,
            remind_at=when,
            filed_for=behalf.veteran() if behalf else None,
        )

    async def _full(
        self, turn: Turn, draft: Draft, station: Station, step: BookingStep
    ) -> list[Outbound]:
        """The slot filled up meanwhile: offer the next free place, ready to confirm (`step`)."""
        turn.outcome = "booking_full"
        lang, place = turn.state.language, draft.place
        full = turn.text(
            "booking.full",
            day=day_label(turn.messages, lang, place.day),
            slot=slot_label(turn.messages, lang, place.slot),
        )
        offer = await next_free(turn.session, station, place, turn.today)
        if offer is None:  # nothing later is free: another day, then
            day_step: BookingStep = "move_day" if step == "move_confirm" else "day"
            turn.state.step = day_step
            return [await ask(self, turn, draft, day_step, full, turn.text("booking.none_free"))]
        draft.day, draft.slot = offer.day.isoformat(), offer.slot
        turn.state.values = asdict(draft)
        turn.state.step = step
        return [await ask(self, turn, draft, step, full, turn.text("booking.next_free"))]

    async def _cancel(self, turn: Turn, draft: Draft) -> list[Outbound]:
        visit = await Bookings(turn.session).cancel_own(draft.number, turn.state.user_id)
        turn.state.leave_flow()
        if visit is None:
            return [main_menu(turn, turn.text("booking.not_yours"))]
        log.info("booking cancelled", extra={"number": visit.number})
        turn.outcome = "booking_cancelled"
        return [main_menu(turn, turn.text("booking.cancelled", number=visit.number))]

    async def _to(self, turn: Turn, draft: Draft, step: BookingStep) -> list[Outbound]:
        turn.state.values = asdict(draft)
        return await self.go(turn, step)


def _chosen(picked: str | None, typed: str, allowed: list[str]) -> str | None:
    """The picked option's value if allowed, or an allowed value typed out."""
    if picked is not None:
        return picked if picked in allowed else None
    lowered = typed.lower()
    return next((a for a in allowed if lowered and lowered == a.lower()), None)
