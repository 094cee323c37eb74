"""Booking a visit: service, station, day, slot, confirm; and cancelling or moving a booking.

Started by the `booking` payload (a new booking), `booking:cancel:<number>` and
`booking:move:<number>` (from the status list). Offered days and slots are only suggestions
read a moment earlier; the booking itself takes its place atomically in the database, and
when the slot filled up meanwhile the user is offered the next free one.
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from bot.calendar.workdays import day_status
from bot.conversation.turn import Turn
from bot.conversation.types import Option, Outbound
from bot.flows.base import Flow
from bot.flows.booking.places import (
    days_with_room,
    free_places,
    is_bookable,
    next_free,
    now_on,
    remind_at,
)
from bot.flows.booking.words import day_label, slot_label, station_name, visit_line
from bot.flows.request.fields import Invalid, normalise, parse_date
from bot.skills.menu import main_menu
from policies.schema import Station
from storage.repositories.bookings import Bookings, Contact, Place

log = logging.getLogger(__name__)

DAYS_OFFERED = 6
YES = frozenset({"确认", "确定", "是", "对", "好", "好的", "可以", "yes", "ok", "confirm"})


@dataclass
class Draft:
    """The booking being put together (or the one being moved or cancelled)."""

    service: str = ""
    station: str = ""
    day: str = ""  # ISO date
    slot: str = ""
    asked_station: bool = False  # a single candidate station is not asked; back skips it
    moving: str = ""  # number of the booking being moved
    cancelling: str = ""  # number of the booking being cancelled

    @classmethod
    def from_state(cls, values: dict[str, Any]) -> Draft:
        known = {k: v for k, v in values.items() if k in cls.__dataclass_fields__}
        return cls(**known)

    @property
    def place(self) -> Place:
        return Place(self.station, date.fromisoformat(self.day), self.slot)


class BookingFlow(Flow):
    name = "booking"
    steps = ("service", "station", "day", "slot", "confirm", "cancel")

    async def start(self, turn: Turn, argument: str = "") -> list[Outbound]:
        turn.state.flow, turn.state.values = self.name, {}
        action, _, number = argument.partition(":")
        if action in ("cancel", "move"):
            visit = await Bookings(turn.session).get(number)
            if visit is None or visit.user_id != turn.state.user_id or visit.state != "booked":
                turn.state.leave_flow()
                return [main_menu(turn, turn.text("booking.not_yours"))]
            draft = Draft(visit.service, visit.place.station_id)
            if action == "cancel":
                draft.cancelling = number
                return await self._to(turn, draft, "cancel")
            draft.moving = number
            return await self._to(turn, draft, "day")
        return await self._to(turn, Draft(), "service")

    async def prompt(self, turn: Turn, step: str) -> list[Outbound]:
        return [await self._ask(turn, Draft.from_state(turn.state.values), step)]

    async def handle(
        self, turn: Turn, step: str, text: str | None, picked: str | None
    ) -> list[Outbound]:
        draft = Draft.from_state(turn.state.values)
        typed = normalise(text or "")
        if step == "service":
            services = self._services(turn)
            chosen = _pick(picked, "v:", typed, services)
            if chosen is None:
                return [await self._ask(turn, draft, step, turn.text("booking.pick_service"))]
            draft.service = chosen
            stations = self._stations(turn, chosen)
            if len(stations) == 1:
                draft.station, draft.asked_station = stations[0].id, False
                return await self._to(turn, draft, "day")
            draft.asked_station = True
            return await self._to(turn, draft, "station")
        if step == "station":
            ids = [s.id for s in self._stations(turn, draft.service)]
            names = {station_name(turn.kb, "zh", i): i for i in ids}
            chosen = _pick(picked, "st:", typed, ids) or names.get(typed)
            if chosen is None:
                return [await self._ask(turn, draft, step, turn.text("booking.pick_station"))]
            draft.station = chosen
            return await self._to(turn, draft, "day")
        if step == "day":
            return await self._day(turn, draft, picked, typed)
        if step == "slot":
            station = self._station(turn, draft)
            chosen = _pick(picked, "sl:", typed, station.slots) if station else None
            if chosen is None:
                return [await self._ask(turn, draft, step, turn.text("booking.pick_slot"))]
            draft.slot = chosen
            return await self._to(turn, draft, "confirm")
        if step == "confirm":
            if picked == "confirm" or typed.lower() in YES:
                return await self._book(turn, draft)
            return [await self._ask(turn, draft, step, turn.text("booking.confirm_again"))]
        if picked == "confirm" or typed.lower() in YES:  # step == "cancel"
            return await self._cancel(turn, draft)
        return [await self._ask(turn, draft, step, turn.text("booking.confirm_again"))]

    async def back(self, turn: Turn, step: str) -> list[Outbound]:
        draft = Draft.from_state(turn.state.values)
        previous = {
            "station": "service",
            "day": "station" if draft.asked_station else "service",
            "slot": "day",
            "confirm": "slot",
        }.get(step)
        if previous is None or (draft.moving and previous in ("station", "service")):
            turn.state.leave_flow()
            return [main_menu(turn)]
        return await self._to(turn, draft, previous)

    async def _day(
        self, turn: Turn, draft: Draft, picked: str | None, typed: str
    ) -> list[Outbound]:
        station = self._station(turn, draft)
        if station is None:
            return await self._to(turn, Draft(), "service")
        if picked and picked.startswith("d:"):
            day: date | Invalid | None = date.fromisoformat(picked[2:])
        else:
            day = parse_date(typed, turn.today) if typed else None
        if day is None or isinstance(day, Invalid):
            return [await self._ask(turn, draft, "day", turn.text("booking.pick_day"))]
        problem = self._closed(turn, day)
        if problem is None:
            free = await free_places(turn.session, station, day, day)
            if not free:
                problem = turn.text(
                    "booking.day_full", day=day_label(turn.messages, turn.state.language, day)
                )
        if problem is not None:
            return [await self._ask(turn, draft, "day", problem)]
        draft.day = day.isoformat()
        return await self._to(turn, draft, "slot")

    def _closed(self, turn: Turn, day: date) -> str | None:
        """Why `day` cannot be booked, or None."""
        shown = day_label(turn.messages, turn.state.language, day)
        status = day_status(day)
        if status != "open":
            return turn.text(f"booking.closed_{status}", day=shown)
        if not is_bookable(day, turn.today):
            return turn.text("booking.out_of_range", day=shown)
        return None

    async def _book(self, turn: Turn, draft: Draft) -> list[Outbound]:
        station = self._station(turn, draft)
        if station is None or not draft.day or not draft.slot:
            return await self._to(turn, Draft(), "service")
        place = draft.place
        bookings = Bookings(turn.session)
        when = remind_at(place.day, turn.settings.reminder_hour, now_on(turn.today))
        if draft.moving:
            try:
                visit = await bookings.move(
                    draft.moving, turn.state.user_id, place, station.booking_capacity, when
                )
            except LookupError:
                turn.state.leave_flow()
                return [main_menu(turn, turn.text("booking.not_yours"))]
        else:
            key = turn.inbound.key
            contact = Contact(
                turn.state.user_id, turn.state.language, key.channel, key.chat_id, key.user_id
            )
            visit = await bookings.book(
                place,
                station.booking_capacity,
                number_prefix=f"{turn.settings.number_prefix}Y",
                service=draft.service,
                contact=contact,
                remind_at=when,
            )
        if visit is None:
            return await self._full(turn, draft, station, place)
        log.info(
            "booking made" if not draft.moving else "booking moved",
            extra={"number": visit.number, "station": station.id, "day": place.day.isoformat()},
        )
        turn.state.leave_flow()
        turn.outcome = "booking"
        line = visit_line(turn.messages, turn.kb, turn.state.language, visit)
        done = "booking.moved" if draft.moving else "booking.booked"
        return [
            turn.reply(
                turn.text(done, number=visit.number),
                line,
                turn.text("booking.after"),
                options=[turn.option("menu.status", "status"), turn.option("menu.back", "menu")],
            )
        ]

    async def _full(
        self, turn: Turn, draft: Draft, station: Station, place: Place
    ) -> list[Outbound]:
        """The slot filled up meanwhile: offer the next free place, ready to confirm."""
        turn.outcome = "booking_full"
        lang = turn.state.language
        full = turn.text(
            "booking.full",
            day=day_label(turn.messages, lang, place.day),
            slot=slot_label(turn.messages, lang, place.slot),
        )
        offer = await next_free(turn.session, station, place, turn.today)
        if offer is None:
            return [await self._ask(turn, draft, "day", full, turn.text("booking.none_free"))]
        draft.day, draft.slot = offer.day.isoformat(), offer.slot
        turn.state.values = asdict(draft)
        turn.state.step = "confirm"
        return [await self._ask(turn, draft, "confirm", full, turn.text("booking.next_free"))]

    async def _cancel(self, turn: Turn, draft: Draft) -> list[Outbound]:
        visit = await Bookings(turn.session).cancel_own(draft.cancelling, turn.state.user_id)
        turn.state.leave_flow()
        if visit is None:
            return [main_menu(turn, turn.text("booking.not_yours"))]
        log.info("booking cancelled", extra={"number": visit.number})
        turn.outcome = "booking_cancelled"
        return [main_menu(turn, turn.text("booking.cancelled", number=visit.number))]

    async def _to(self, turn: Turn, draft: Draft, step: str) -> list[Outbound]:
        turn.state.values = asdict(draft)
        return await self.go(turn, step)

    async def _ask(self, turn: Turn, draft: Draft, step: str, *before: str) -> Outbound:
        lang = turn.state.language
        options: list[Option] = []
        if step == "service":
            lines = [turn.text("booking.ask_service")]
            options = [self.option(s, f"v:{s}") for s in self._services(turn)]
            if not options:
                turn.state.leave_flow()
                return main_menu(turn, *before, turn.text("booking.nowhere"))
            if turn.state.station_id is None:
                lines.append(turn.text("booking.set_town"))
        elif step == "station":
            lines = [turn.text("booking.ask_station", service=draft.service)]
            options = [
                self.option(station_name(turn.kb, lang, s.id), f"st:{s.id}")
                for s in self._stations(turn, draft.service)
            ]
        elif step == "day":
            station = self._station(turn, draft)
            days = (
                await days_with_room(turn.session, station, turn.today, DAYS_OFFERED)
                if station
                else []
            )
            lines = [
                turn.text("booking.ask_day", station=station_name(turn.kb, lang, draft.station))
            ]
            if not days:
                lines.append(turn.text("booking.none_free"))
            options = [
                self.option(day_label(turn.messages, lang, d), f"d:{d.isoformat()}") for d in days
            ]
        elif step == "slot":
            station = self._station(turn, draft)
            day = date.fromisoformat(draft.day)
            free = await free_places(turn.session, station, day, day) if station else {}
            lines = [turn.text("booking.ask_slot", day=day_label(turn.messages, lang, day))]
            options = [
                self.option(
                    turn.text(
                        "booking.slot_free", slot=slot_label(turn.messages, lang, p.slot), free=n
                    ),
                    f"sl:{p.slot}",
                )
                for p, n in free.items()
            ]
        elif step == "confirm":
            lines = [
                turn.text(
                    "booking.summary_move" if draft.moving else "booking.summary",
                    number=draft.moving,
                ),
                turn.text("booking.summary_service", service=draft.service),
                turn.text(
                    "booking.summary_station", station=station_name(turn.kb, lang, draft.station)
                ),
                turn.text(
                    "booking.summary_when",
                    day=day_label(turn.messages, lang, date.fromisoformat(draft.day)),
                    slot=slot_label(turn.messages, lang, draft.slot),
                ),
                turn.text("booking.no_hours"),
            ]
            options = [self.option(turn.text("booking.confirm"), "confirm")]
        else:  # cancel
            visit = await Bookings(turn.session).get(draft.cancelling)
            shown = visit_line(turn.messages, turn.kb, lang, visit) if visit else draft.cancelling
            lines = [turn.text("booking.ask_cancel"), shown]
            options = [self.option(turn.text("booking.confirm_cancel"), "confirm")]
            return turn.reply(
                *before, *lines, options=[*options, *self.navigation(turn, back=False)]
            )
        return turn.reply(*before, *lines, options=[*options, *self.navigation(turn)])

    def _stations(self, turn: Turn, service: str | None = None) -> list[Station]:
        """Where the user can book: their own station and those above it (all stations when
        we do not know their town), each taking bookings for `service`."""
        if turn.state.station_id:
            candidates = turn.kb.chain(turn.state.station_id)
        else:
            candidates = list(turn.kb.stations)
        return [
            s for s in candidates if s.takes_bookings and (service is None or service in s.services)
        ]

    def _services(self, turn: Turn) -> list[str]:
        services: list[str] = []
        for station in self._stations(turn):
            services += [s for s in station.services if s not in services]
        return services

    def _station(self, turn: Turn, draft: Draft) -> Station | None:
        station = turn.kb.station(draft.station) if draft.station else None
        return station if station is not None and station.takes_bookings else None


def _pick(picked: str | None, prefix: str, typed: str, allowed: list[str]) -> str | None:
    """The picked option's value (`prefix` + value), or an allowed value typed out."""
    if picked is not None and picked.startswith(prefix):
        value = picked[len(prefix) :]
        return value if value in allowed else None
    lowered = typed.lower()
    return next((a for a in allowed if lowered and lowered == a.lower()), None)
