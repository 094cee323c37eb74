"""Chinese working days: one answer for booking visits and for counting staff deadlines.

A year the State Council has published comes from `chinesecalendar`: weekends and public
holidays off, make-up working days (调休) on. A year not yet published (each is announced in
the autumn before) still has known statutory holidays — the `holidays` package computes them,
the lunar ones included — but no known make-up days: weekends stay off, and the year is logged
once as provisional so that an admin upgrades `chinesecalendar` when the schedule is out.
"""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta, timezone
from functools import cache
from typing import Literal

import chinese_calendar
import holidays

log = logging.getLogger(__name__)

DayStatus = Literal["open", "weekend", "holiday"]
# County time: China keeps one zone, UTC+8, with no summer time, so a fixed offset is exact and
# needs no time-zone database on the server.
COUNTY_TIME = timezone(timedelta(hours=8))


def today_in_county() -> date:
    return datetime.now(COUNTY_TIME).date()


@cache  # chinesecalendar scans its whole table on every call; a day's answer never changes
def day_status(day: date) -> DayStatus:
    try:
        if chinese_calendar.is_workday(day):
            return "open"
        _, holiday = chinese_calendar.get_holiday_detail(day)
    except NotImplementedError:
        if day in _statutory(day.year):
            return "holiday"
        return "weekend" if day.weekday() >= 5 else "open"
    return "holiday" if holiday else "weekend"


def is_working_day(day: date) -> bool:
    return day_status(day) == "open"


@cache
def _published(year: int) -> bool:
    try:
        chinese_calendar.is_workday(date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


@cache
def _statutory(year: int) -> frozenset[date]:
    if not _published(year):
        log.warning(
            "no official holiday schedule for %s yet: its statutory holidays are computed and "
            "make-up working days are unknown; upgrade the chinesecalendar package once the "
            "State Council publishes it",
            year,
        )
    return frozenset(holidays.country_holidays("CN", years=year))
