"""The days a report covers: a calendar month or a range of county days, both ends included."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from bot.calendar.workdays import COUNTY_TIME

MAX_DAYS = 731  # two years: longer ranges are refused (say what to do instead)
_MONTH = re.compile(r"^\s*(\d{4})-(\d{1,2})\s*$")


@dataclass(frozen=True, slots=True)
class Period:
    """County days `first` to `last`, both included."""

    first: date
    last: date

    def __post_init__(self) -> None:
        if self.last < self.first:
            raise ValueError(f"the range ends ({self.last}) before it starts ({self.first})")
        if (self.last - self.first).days >= MAX_DAYS:
            raise ValueError(
                f"a report covers at most {MAX_DAYS} days; ask for each year separately"
            )

    @classmethod
    def month(cls, text: str) -> Period:
        """'2026-12' → 1 to 31 December 2026; ValueError saying what to write otherwise."""
        found = _MONTH.match(text)
        if found is None or not 1 <= int(found[2]) <= 12:
            raise ValueError(f"month {text!r}: write it as YYYY-MM, e.g. 2026-12")
        first = date(int(found[1]), int(found[2]), 1)
        following = date(first.year + first.month // 12, first.month % 12 + 1, 1)
        return cls(first, following - timedelta(days=1))

    @classmethod
    def between(cls, first: str, last: str) -> Period:
        """Two ISO dates ('2026-01-01', '2026-12-31'); ValueError saying what is wrong."""
        try:
            return cls(date.fromisoformat(first.strip()), date.fromisoformat(last.strip()))
        except ValueError as exc:
            raise ValueError(f"{exc} (write dates as YYYY-MM-DD, e.g. 2026-12-01)") from None

    @property
    def start(self) -> datetime:
        """The first moment of the period, in UTC."""
        return datetime.combine(self.first, time(0), COUNTY_TIME).astimezone(UTC)

    @property
    def end(self) -> datetime:
        """The first moment after the period, in UTC."""
        after = self.last + timedelta(days=1)
        return datetime.combine(after, time(0), COUNTY_TIME).astimezone(UTC)

    def days(self) -> list[date]:
        return [self.first + timedelta(days=n) for n in range((self.last - self.first).days + 1)]

    def describe(self) -> str:
        if self.first.day == 1 and self == Period.month(f"{self.first:%Y-%m}"):
            return f"{self.first:%Y-%m}"
        return f"{self.first.isoformat()}..{self.last.isoformat()}"
