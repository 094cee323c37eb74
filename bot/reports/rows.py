"""What a report holds: its figures as typed rows, and the definitions they are counted by
(which outcomes are questions, which count as contained)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Final

from bot.reports.period import Period

# What came of a question (a turn's outcome, `bot.conversation.turn.Outcome`) → its kind.
KINDS: Final = ("answered", "clarified", "declined", "not_understood", "handed_off")
OUTCOME_KIND: Final = {
    "answer": "answered",
    "clarify": "clarified",
    "intent:out_of_scope": "declined",
    "fallback": "not_understood",
    "handoff": "handed_off",
    "urgent": "handed_off",
}
CONTAINED: Final = frozenset({"answered", "clarified", "declined"})
REQUEST_STATES: Final = ("submitted", "accepted", "in_progress", "done", "rejected")
VISIT_STATES: Final = ("attended", "no_show", "cancelled", "booked")
TOP_TOPICS: Final = 20
ESCALATE: Final = "escalate"  # bot.staff.escalation's audit action
REPLY: Final = "reply"  # bot.staff.tickets' audit action for a staff message to the user


def rate(part: int, whole: int) -> float | None:
    """`part / whole` rounded to 4 places, None for nothing counted."""
    return round(part / whole, 4) if whole else None


@dataclass(frozen=True, slots=True)
class ChannelRow:
    channel: str
    conversations: int
    messages_in: int
    messages_out: int


@dataclass(frozen=True, slots=True)
class Questions:
    """Questions by kind (`KINDS`)."""

    kinds: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.kinds.values())

    @property
    def contained(self) -> int:
        return sum(n for kind, n in self.kinds.items() if kind in CONTAINED)

    @property
    def containment(self) -> float | None:
        return rate(self.contained, self.total)


@dataclass(frozen=True, slots=True)
class DayRow:
    day: date
    questions: Questions


@dataclass(frozen=True, slots=True)
class TopicRow:
    entry_id: str
    title: str
    count: int


@dataclass(frozen=True, slots=True)
class RequestRow:
    type_id: str
    station_id: str
    states: dict[str, int]
    median_days_to_done: float | None

    @property
    def filed(self) -> int:
        return sum(self.states.values())


@dataclass(frozen=True, slots=True)
class BookingRow:
    station_id: str
    made: int
    visits: dict[str, int]  # visits due in the period by `VISIT_STATES`

    @property
    def due(self) -> int:
        return sum(self.visits.values())


@dataclass(frozen=True, slots=True)
class TicketRow:
    station_id: str
    opened: int
    resolved: int
    replied: int  # got a staff reply
    median_hours_to_first_reply: float | None
    median_hours_to_resolution: float | None

    @property
    def still_open(self) -> int:
        return self.opened - self.resolved


@dataclass(frozen=True, slots=True)
class EscalationRow:
    from_station: str
    to_station: str
    count: int


@dataclass(frozen=True, slots=True)
class RatingRow:
    station_id: str
    stars: dict[int, int]  # 1..5 → how many

    @property
    def count(self) -> int:
        return sum(self.stars.values())

    @property
    def average(self) -> float | None:
        total = self.count
        return round(sum(n * c for n, c in self.stars.items()) / total, 2) if total else None


@dataclass(frozen=True)
class Report:
    period: Period
    station: str | None  # the station asked for (its subtree counted), None: all
    stations: frozenset[str] | None  # the station ids counted, None: all
    generated_at: datetime
    channels: list[ChannelRow]
    questions: Questions
    daily: list[DayRow]
    topics: list[TopicRow]
    requests: list[RequestRow]
    bookings: list[BookingRow]
    tickets: list[TicketRow]
    escalations: list[EscalationRow]
    ratings: list[RatingRow]

    @property
    def conversations(self) -> int:
        return sum(row.conversations for row in self.channels)

    @property
    def messages(self) -> int:
        return sum(row.messages_in + row.messages_out for row in self.channels)
