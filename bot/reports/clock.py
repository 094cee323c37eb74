"""Working time between many pairs of moments at once: `WorkingHours.between` for a report's
thousands of tickets, by a running total of working seconds over the days they span.

W(t) is the working time from the first day to `t`; the working time from `a` to `b` is then
W(b) - W(a), each a binary search over that period's working spans instead of a walk over the
days between. It agrees with `WorkingHours.between` (tests/bot/reports/test_clock.py).
"""

from __future__ import annotations

import bisect
from datetime import date, datetime, timedelta

from bot.calendar.hours import WorkingHours
from bot.calendar.workdays import COUNTY_TIME, is_working_day


class WorkingClock:
    def __init__(self, hours: WorkingHours, first: date, last: date) -> None:
        """Spans of working time on the county days `first` to `last` (both included)."""
        self.starts: list[float] = []
        self.lengths: list[float] = []
        self.before: list[float] = []  # working seconds before each span
        total, day = 0.0, first
        while day <= last:
            if is_working_day(day):
                for begin, end in hours.ranges:
                    start = datetime.combine(day, begin, COUNTY_TIME).timestamp()
                    length = datetime.combine(day, end, COUNTY_TIME).timestamp() - start
                    self.starts.append(start)
                    self.lengths.append(length)
                    self.before.append(total)
                    total += length
            day += timedelta(days=1)
        self.first, self.last = first, last

    def at(self, moment: datetime) -> float:
        """Working seconds from the first day to `moment` (clamped to the days covered)."""
        t = moment.timestamp()
        index = bisect.bisect_right(self.starts, t) - 1
        if index < 0:
            return 0.0
        return self.before[index] + min(t - self.starts[index], self.lengths[index])

    def hours_between(self, start: datetime, end: datetime) -> float:
        """Working hours from `start` to `end` (zero when `end` is earlier)."""
        return max(0.0, self.at(end) - self.at(start)) / 3600

    @classmethod
    def covering(cls, hours: WorkingHours, moments: list[datetime]) -> WorkingClock:
        """A clock over every county day of `moments`."""
        days = [m.astimezone(COUNTY_TIME).date() for m in moments] or [date(2026, 1, 1)]
        return cls(hours, min(days), max(days))
