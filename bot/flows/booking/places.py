"""Free places: what to offer, the next free slot when one is full, and when to remind.

Everything here reads; only `Bookings.book` / `move` decide, atomically, in the database.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from bot.calendar.workdays import COUNTY_TIME
from bot.flows.booking.days import bookable_range, open_days
from policies.schema import Station
from storage.models.base import utcnow
from storage.repositories.bookings import Bookings, Place


async def free_places(
    session: AsyncSession, station: Station, first: date, last: date
) -> dict[Place, int]:
    """Free places per slot on each open day from `first` to `last` (full slots left out)."""
    taken = await Bookings(session).booked(station.id, first, last)
    free = {}
    for day in open_days(first, last):
        for slot in station.slots:
            left = station.booking_capacity - taken.get((day, slot), 0)
            if left > 0:
                free[Place(station.id, day, slot)] = left
    return free


async def days_with_room(
    session: AsyncSession, station: Station, today: date, count: int
) -> list[date]:
    """The first `count` bookable days with a free place."""
    first, last = bookable_range(today)
    days = sorted({place.day for place in await free_places(session, station, first, last)})
    return days[:count]


async def next_free(
    session: AsyncSession, station: Station, after: Place, today: date
) -> Place | None:
    """The first free place after `after` (later slots that day, then later days)."""
    first, last = bookable_range(today)
    free = await free_places(session, station, max(first, after.day), last)
    order = {slot: index for index, slot in enumerate(station.slots)}
    later = [
        place
        for place in free
        if (place.day, order.get(place.slot, 0)) > (after.day, order.get(after.slot, -1))
    ]
    return min(later, key=lambda p: (p.day, order.get(p.slot, 0)), default=None)


def is_bookable(day: date, today: date) -> bool:
    first, last = bookable_range(today)
    return first <= day <= last


def remind_at(day: date, hour: int, now: datetime | None = None) -> datetime | None:
    """When to remind of a visit on `day`: at `hour` the day before, county time.

    None when that moment has already passed: the booking itself was the reminder.
    """
    moment = datetime.combine(day - timedelta(days=1), time(hour), COUNTY_TIME)
    return moment if moment > (now or utcnow()) else None


def now_on(today: date) -> datetime:
    """This moment's time of day on the turn's `today` (which tests fix; in service they agree)."""
    return datetime.combine(today, datetime.now(COUNTY_TIME).time(), COUNTY_TIME)
