"""Which days a station can be booked: Chinese working days (`bot.calendar.workdays`), from tomorrow
for a limited number of days ahead."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

from bot.calendar.workdays import day_status

FIRST_DAY_AHEAD = 1  # no same-day bookings: the station learns of a visit at least a day ahead
HORIZON_DAYS = 60  # how far ahead a visit can be booked


def bookable_range(today: date) -> tuple[date, date]:
    """The first and last day a visit can be booked for, seen from `today`."""
    return today + timedelta(days=FIRST_DAY_AHEAD), today + timedelta(days=HORIZON_DAYS)


def open_days(start: date, last: date) -> Iterator[date]:
    """Open days from `start` to `last`, in order."""
    day = start
    while day <= last:
        if day_status(day) == "open":
            yield day
        day += timedelta(days=1)
