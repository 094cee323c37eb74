"""Open days from the holiday calendar: weekends and holidays closed, make-up days open."""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime

import pytest

from bot.flows.booking.days import bookable_range, day_status, open_days
from bot.flows.booking.places import remind_at


@pytest.mark.parametrize(
    ("day", "status"),
    [
        (date(2026, 9, 18), "open"),  # a Friday
        (date(2026, 9, 19), "weekend"),  # a Saturday
        (date(2026, 9, 20), "open"),  # a Sunday worked for the Mid-Autumn / National Day break
        (date(2026, 9, 25), "holiday"),  # Mid-Autumn Festival, a Friday
        (date(2026, 10, 1), "holiday"),  # National Day
        (date(2026, 10, 7), "holiday"),  # last day of the National Day break, a Wednesday
        (date(2026, 10, 8), "open"),
        (date(2026, 10, 10), "open"),  # a Saturday worked
        (date(2026, 10, 11), "weekend"),
        (date(2026, 2, 17), "holiday"),  # Spring Festival
    ],
)
def test_day_status(day: date, status: str) -> None:
    assert day_status(day) == status


def test_a_year_not_yet_published_closes_weekends_and_statutory_holidays(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # chinesecalendar knows no year this far ahead; the holidays package computes its holidays
    with caplog.at_level(logging.WARNING, logger="bot.calendar.workdays"):
        assert day_status(date(2098, 1, 1)) == "holiday"  # New Year's Day
        assert day_status(date(2098, 3, 3)) == "open"  # a Monday
        assert day_status(date(2098, 3, 8)) == "weekend"  # a Sunday
    assert "upgrade the chinesecalendar package" in caplog.text


def test_open_days_skip_holidays_and_include_make_up_days() -> None:
    days = list(open_days(date(2026, 9, 19), date(2026, 10, 11)))
    assert days == [
        date(2026, 9, 20),
        date(2026, 9, 21),
        date(2026, 9, 22),
        date(2026, 9, 23),
        date(2026, 9, 24),
        date(2026, 9, 28),
        date(2026, 9, 29),
        date(2026, 9, 30),
        date(2026, 10, 8),
        date(2026, 10, 9),
        date(2026, 10, 10),
    ]


def test_open_days_go_on_past_the_published_calendar() -> None:
    days = list(open_days(date(2099, 1, 1), date(2099, 1, 11)))
    assert date(2099, 1, 1) not in days  # New Year's Day
    assert days and all(d.weekday() < 5 for d in days)


def test_bookable_from_tomorrow_for_sixty_days() -> None:
    assert bookable_range(date(2026, 9, 18)) == (date(2026, 9, 19), date(2026, 11, 17))


def test_reminder_the_day_before_at_the_hour_county_time() -> None:
    booked_at = datetime(2026, 9, 18, 2, 0, tzinfo=UTC)  # 10:00 in the county
    at = remind_at(date(2026, 9, 21), 9, booked_at)
    assert at == datetime(2026, 9, 20, 1, 0, tzinfo=UTC)  # 09:00 on the 20th, UTC+8


def test_no_reminder_when_its_time_has_passed_at_booking() -> None:
    evening = datetime(2026, 9, 18, 12, 0, tzinfo=UTC)  # 20:00 in the county
    assert remind_at(date(2026, 9, 19), 9, evening) is None
