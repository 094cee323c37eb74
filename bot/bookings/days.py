"""Which days a station can be booked: Chinese working days, from the `chinesecalendar` package.

Weekends and public holidays are closed; make-up working days (调休, a Saturday or Sunday
worked in exchange for a longer holiday) are open. A year the package has no data for yet is
not bookable at all: guessing Monday to Friday would send someone to a station that is closed
for Spring Festival. Upgrading the package (the State Council publishes each year's holidays
in the autumn before) opens it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import date, timedelta
from functools import cache
from typing import Literal

import chinese_calendar

log = logging.getLogger(__name__)

DayStatus = Literal["open", "weekend", "holiday", "unknown"]
FIRST_DAY_AHEAD = 1  # no same-day bookings: the station learns of a visit at least a day ahead
HORIZON_DAYS = 60  # how far ahead a visit can be booked

_warned: set[int] = set()


@cache  # the package scans its whole table on every call; a day's answer never changes
def day_status(day: date) -> DayStatus:
    try:
        if chinese_calendar.is_workday(day):
            return "open"
        _, holiday = chinese_calendar.get_holiday_detail(day)
    except NotImplementedError:
        if day.year not in _warned:
            _warned.add(day.year)
            log.warning(
                "no holiday calendar for %s: its days cannot be booked until the "
                "chinesecalendar package is upgraded",
                day.year,
            )
        return "unknown"
    return "holiday" if holiday else "weekend"


def bookable_range(today: date) -> tuple[date, date]:
    """The first and last day a visit can be booked for, seen from `today`."""
    return today + timedelta(days=FIRST_DAY_AHEAD), today + timedelta(days=HORIZON_DAYS)


def open_days(start: date, last: date) -> Iterator[date]:
    """Open days from `start` to `last`, in order; stops where the calendar's data ends."""
    day = start
    while day <= last:
        status = day_status(day)
        if status == "unknown":
            return
        if status == "open":
            yield day
        day += timedelta(days=1)
