"""How days, slots and bookings are named to the user, in their language."""

from __future__ import annotations

from datetime import date

from bot.messages import Catalogue
from policies.loader import KnowledgeBase
from storage.repositories.bookings import Visit

# The default half-days have English names; other slot names an admin writes are shown as is.
_SLOT_KEYS = {"上午": "booking.morning", "下午": "booking.afternoon"}


def day_label(messages: Catalogue, lang: str, day: date) -> str:
    """12月1日（周二） / Tue 1 Dec 2026."""
    weekday = messages.text(lang, "booking.weekdays").split()[day.weekday()]
    return messages.text(
        lang, "booking.day", year=day.year, month=day.month, day=day.day, weekday=weekday
    )


def slot_label(messages: Catalogue, lang: str, slot: str) -> str:
    key = _SLOT_KEYS.get(slot)
    return messages.text(lang, key) if key else slot


def station_name(kb: KnowledgeBase, lang: str, station_id: str) -> str:
    station = kb.station(station_id)
    if station is None:
        return station_id
    return station.name_en if lang == "en" and station.name_en else station.name


def visit_line(messages: Catalogue, kb: KnowledgeBase, lang: str, visit: Visit) -> str:
    """PJY-2026-000045 · 12月1日（周二） 上午 · 童市镇退役军人服务站 · 优待证."""
    return messages.text(
        lang,
        "booking.visit",
        number=visit.number,
        day=day_label(messages, lang, visit.place.day),
        slot=slot_label(messages, lang, visit.place.slot),
        station=station_name(kb, lang, visit.place.station_id),
        service=visit.service,
    )


def confirmation(messages: Catalogue, kb: KnowledgeBase, lang: str, key: str, visit: Visit) -> str:
    """The one sentence that confirms a booking (`booking.booked`) or a move (`booking.moved`):
    the number once, the day, the slot, the station and the service.

    It used to be the "booked, your number is X:" sentence followed by `visit_line`, which
    starts with the number again: "…预约号是 PJY-2026-000001：PJY-2026-000001：…" on every
    channel that runs lines together."""
    return messages.text(
        lang,
        key,
        number=visit.number,
        day=day_label(messages, lang, visit.place.day),
        slot=slot_label(messages, lang, visit.place.slot),
        station=station_name(kb, lang, visit.place.station_id),
        service=visit.service,
    )
