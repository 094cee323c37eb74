"""The booking being put together: its steps, the values kept between messages, and the
stations it may be at."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

from bot.conversation.turn import Turn
from policies.schema import Station
from storage.repositories.bookings import Place

# Three paths through the flow: a new booking (service → station → day → slot → confirm),
# moving one (move_day → move_slot → move_confirm) and cancelling one (cancel). A new booking
# for someone else goes from the service question through the privacy consent
# (behalf_consent) and the questions about the veteran (behalf) back to it.
BookingStep = Literal[
    "service",
    "behalf_consent",
    "behalf",
    "station",
    "day",
    "slot",
    "confirm",
    "move_day",
    "move_slot",
    "move_confirm",
    "cancel",
]
AFTER: dict[BookingStep, BookingStep] = {
    "day": "slot",
    "slot": "confirm",
    "move_day": "move_slot",
    "move_slot": "move_confirm",
}
BEFORE: dict[BookingStep, BookingStep] = {
    "station": "service",
    "slot": "day",
    "confirm": "slot",
    "move_slot": "move_day",
    "move_confirm": "move_slot",
}


@dataclass
class Draft:
    """The booking being put together (or the one being moved or cancelled)."""

    service: str = ""
    station: str = ""
    day: str = ""  # ISO date
    slot: str = ""
    asked_station: bool = False  # a single candidate station is not asked; back skips it
    number: str = ""  # the booking being moved or cancelled
    behalf: dict[str, str] = field(default_factory=dict)  # `proxy.Behalf`; empty: for oneself
    behalf_at: str = ""  # the question about the veteran being asked (`proxy.ASKED`)

    @classmethod
    def from_state(cls, values: dict[str, Any]) -> Draft:
        known = {k: v for k, v in values.items() if k in cls.__dataclass_fields__}
        return cls(**known)

    @property
    def place(self) -> Place:
        return Place(self.station, date.fromisoformat(self.day), self.slot)


def stations_for(turn: Turn, service: str | None = None) -> list[Station]:
    """Where the user can book: their own station and those above it (all stations when
    we do not know their town), each taking bookings for `service`."""
    if turn.state.station_id:
        candidates = turn.kb.chain(turn.state.station_id)
    else:
        candidates = list(turn.kb.stations)
    return [
        s for s in candidates if s.takes_bookings and (service is None or service in s.services)
    ]


def services_for(turn: Turn) -> list[str]:
    """What the user can book a visit for, at any of their stations."""
    services: list[str] = []
    for station in stations_for(turn):
        services += [s for s in station.services if s not in services]
    return services


def station_of(turn: Turn, draft: Draft) -> Station | None:
    """The draft's station, while it still takes bookings."""
    station = turn.kb.station(draft.station) if draft.station else None
    return station if station is not None and station.takes_bookings else None
