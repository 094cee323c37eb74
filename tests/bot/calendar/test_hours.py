"""Working time: the bureau's hours on Chinese working days, deadlines counted across nights,
weekends and public holidays, make-up working days, and years the calendar does not know."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

import pytest

from bot.calendar.hours import COUNTY_TIME, WorkingHours, is_working_day

DAY = WorkingHours.parse("09:00-17:00")
SPLIT = WorkingHours.parse("08:30-12:00, 14:30-17:30")


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=COUNTY_TIME)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("9-17", "HH:MM-HH:MM"),
        ("17:00-09:00", "ends before it starts"),
        ("25:00-26:00", "not a time of day"),
        ("14:00-17:00,08:00-12:00", "in order"),
    ],
)
def test_bad_hours_say_what_is_wrong(text: str, problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        WorkingHours.parse(text)


def test_on_duty_on_a_working_day_only_within_hours() -> None:
    assert DAY.on_duty(at("2025-12-01 09:00")) and DAY.on_duty(at("2025-12-01 16:59"))
    assert not DAY.on_duty(at("2025-12-01 17:00")) and not DAY.on_duty(at("2025-12-01 08:59"))
    assert not DAY.on_duty(at("2025-11-30 10:00"))  # Sunday
    assert not SPLIT.on_duty(at("2025-12-01 13:00"))  # lunch


def test_public_holidays_are_off_and_make_up_days_are_on() -> None:
    assert not is_working_day(at("2025-10-01").date())  # National Day
    assert is_working_day(at("2025-09-28").date())  # a Sunday worked to make up for it
    assert DAY.on_duty(at("2025-09-28 10:00"))


def test_deadlines_skip_nights_weekends_and_holidays() -> None:
    assert DAY.add(at("2025-12-01 10:00"), 1) == at("2025-12-01 11:00")
    assert DAY.add(at("2025-12-01 16:00"), 8) == at("2025-12-02 16:00")
    assert DAY.add(at("2025-12-05 16:00"), 2) == at("2025-12-08 10:00")  # Friday → Monday
    assert DAY.add(at("2025-11-29 23:00"), 1) == at("2025-12-01 10:00")  # from a Saturday night
    # The day before National Day: the next working time is after the week off.
    assert DAY.add(at("2025-09-30 16:00"), 2) == at("2025-10-09 10:00")
    assert SPLIT.add(at("2025-12-01 11:30"), 1) == at("2025-12-01 15:00")  # across lunch


def test_next_open_and_time_between() -> None:
    assert DAY.next_open(at("2025-12-01 10:00")) == at("2025-12-01 10:00")
    assert DAY.next_open(at("2025-11-29 10:00")) == at("2025-12-01 09:00")
    assert DAY.between(at("2025-12-05 16:00"), at("2025-12-08 10:00")) == timedelta(hours=2)
    assert DAY.between(at("2025-12-02 10:00"), at("2025-12-01 10:00")) == timedelta(0)


def test_a_year_without_calendar_data_counts_weekdays_and_says_so(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.WARNING, logger="bot.calendar.workdays"):
        assert is_working_day(at("2031-01-06").date())  # a Monday
        assert not is_working_day(at("2031-01-05").date())  # a Sunday
    assert "upgrade the chinesecalendar package" in caplog.text
