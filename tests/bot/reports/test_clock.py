"""The report's working clock agrees with `WorkingHours.between`, the desk's own reckoning, on
moments across weekends, the Spring Festival and National Day, with one range a day or two."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest

from bot.calendar.hours import WorkingHours
from bot.reports.clock import WorkingClock


@pytest.mark.parametrize("hours", ["09:00-17:00", "08:30-12:00,14:30-17:30"])
def test_the_clock_agrees_with_the_desk(hours: str) -> None:
    working = WorkingHours.parse(hours)
    rng = random.Random(11)
    start = datetime(2026, 1, 1, tzinfo=UTC)
    pairs = []
    for _ in range(400):
        a = start + timedelta(minutes=rng.randrange(365 * 24 * 60))
        pairs.append((a, a + timedelta(minutes=rng.randrange(14 * 24 * 60))))
    clock = WorkingClock.covering(working, [m for pair in pairs for m in pair])
    for a, b in pairs:
        expected = working.between(a, b).total_seconds() / 3600
        assert clock.hours_between(a, b) == pytest.approx(expected, abs=1e-9), (a, b)
    assert clock.hours_between(pairs[0][1], pairs[0][0]) == 0  # backwards: none


def test_known_spans() -> None:
    friday_16 = datetime(2026, 9, 18, 8, tzinfo=UTC)  # 16:00 in the county
    monday_10 = datetime(2026, 9, 21, 2, tzinfo=UTC)
    clock = WorkingClock.covering(WorkingHours.parse("09:00-17:00"), [friday_16, monday_10])
    # 16-17 on Friday, all of Sunday 20 September (a make-up working day before National
    # Day), 9-10 on Monday.
    assert clock.hours_between(friday_16, monday_10) == 1 + 8 + 1
