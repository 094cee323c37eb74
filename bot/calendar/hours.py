"""The bureau's working time: who is on duty now, and deadlines counted in working hours.

Working days are Chinese working days (`bot.calendar.workdays`: weekends and public holidays off,
make-up working days on); the hours of a working day are the bureau's setting
(`VETBOT_WORK_HOURS`). Everything is reckoned in county time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from bot.calendar.workdays import COUNTY_TIME, is_working_day

MAX_DAYS = 400  # a deadline search never walks further than this (a year of holidays at most)
_RANGE = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")


@dataclass(frozen=True)
class WorkingHours:
    """The opening ranges of one working day, e.g. ((09:00, 17:00),)."""

    ranges: tuple[tuple[time, time], ...]

    @classmethod
    def parse(cls, text: str) -> WorkingHours:
        """'09:00-17:00' or '08:30-12:00,14:30-17:30'; ValueError saying what is wrong."""
        ranges: list[tuple[time, time]] = []
        for part in text.split(","):
            match = _RANGE.match(part)
            if match is None:
                raise ValueError(
                    f"working hours {text!r}: write each range as HH:MM-HH:MM, "
                    "several separated by commas (e.g. 09:00-17:00)"
                )
            h1, m1, h2, m2 = (int(g) for g in match.groups())
            if h1 > 23 or h2 > 23 or m1 > 59 or m2 > 59:
                raise ValueError(f"working hours {text!r}: {part.strip()} is not a time of day")
            start, end = time(h1, m1), time(h2, m2)
            if end <= start:
                raise ValueError(f"working hours {text!r}: {part.strip()} ends before it starts")
            if ranges and start < ranges[-1][1]:
                raise ValueError(f"working hours {text!r}: ranges must be in order, not overlap")
            ranges.append((start, end))
        return cls(tuple(ranges))

    def describe(self) -> str:
        return ",".join(f"{a:%H:%M}-{b:%H:%M}" for a, b in self.ranges)

    def _spans(self, day: date) -> list[tuple[datetime, datetime]]:
        if not is_working_day(day):
            return []
        return [
            (
                datetime.combine(day, start, COUNTY_TIME),
                datetime.combine(day, end, COUNTY_TIME),
            )
            for start, end in self.ranges
        ]

    def on_duty(self, at: datetime) -> bool:
        local = at.astimezone(COUNTY_TIME)
        return any(start <= local < end for start, end in self._spans(local.date()))

    def next_open(self, at: datetime) -> datetime:
        """`at` itself when on duty, else when working time next begins."""
        return self.add(at, 0)

    def add(self, start: datetime, hours: float) -> datetime:
        """The moment `hours` of working time after `start` have passed (county time)."""
        local = start.astimezone(COUNTY_TIME)
        left = timedelta(hours=hours)
        day = local.date()
        for _ in range(MAX_DAYS):
            for span_start, span_end in self._spans(day):
                begin = max(span_start, local)
                if begin >= span_end:
                    continue
                if begin + left <= span_end:
                    return begin + left
                left -= span_end - begin
            day += timedelta(days=1)
        raise ValueError(f"no working time within {MAX_DAYS} days of {start.isoformat()}")

    def between(self, start: datetime, end: datetime) -> timedelta:
        """Working time from `start` to `end` (zero when `end` is earlier)."""
        total = timedelta(0)
        day, last = start.astimezone(COUNTY_TIME).date(), end.astimezone(COUNTY_TIME).date()
        while day <= last:
            for span_start, span_end in self._spans(day):
                begin, finish = max(span_start, start), min(span_end, end)
                if finish > begin:
                    total += finish - begin
            day += timedelta(days=1)
        return total
