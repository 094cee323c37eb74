"""Every figure of a report, counted by the database: GROUP BY aggregates over the period's
rows, never a load of the rows into Python.

What is counted, and from where:

    channels      conversations with a message in the period, and messages in and out, per
                  channel (`messages` joined to `conversations`)
    questions     the user's messages that were questions, by what came of them: answered from
                  the knowledge base, clarified (the bot asked which topic), declined (out of
                  scope), not understood, handed to a person (`messages.outcome` of the user's
                  message). Contained: answered, clarified or declined; the containment rate is
                  contained / questions
    daily         the same per county day
    topics        the knowledge-base entries questions were answered with (`messages.entry_id`)
    requests      filed in the period, per type and station, by the state they are in now, and
                  the median days from filing to `done`
    bookings      per station: made in the period; visits due in the period by what became of
                  them (attended, no-show, cancelled, still booked)
    tickets       opened in the period, per the station that holds them now: resolved, still
                  open, and the median working hours (`VETBOT_WORK_HOURS`, Chinese working days)
                  to the first staff reply and to resolution
    escalations   unclaimed tickets moved up a level in the period, from which station to which
    ratings       users' 1-5 ratings given in the period, per station

A station filter (`stations`) keeps what belongs to those stations: conversations by the
station the user chose, requests, tickets and ratings by their station, bookings by the
station visited, escalations by either end. Without one, everything is counted, conversations
of users who never named a town included.

Working hours are the one figure the database cannot reckon (holidays and make-up days come
from the Chinese calendar): for them the query returns one narrow row per ticket of the period
(its station and three timestamps) and the durations are worked out here, by a running
total of working time over the days they span (`bot.reports.clock`).
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import and_, case, func, literal, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement

from bot.calendar.hours import WorkingHours
from bot.reports.clock import WorkingClock
from bot.reports.period import Period
from bot.reports.rows import (
    ESCALATE,
    KINDS,
    OUTCOME_KIND,
    REPLY,
    REQUEST_STATES,
    TOP_TOPICS,
    VISIT_STATES,
    BookingRow,
    ChannelRow,
    DayRow,
    EscalationRow,
    Questions,
    RatingRow,
    Report,
    RequestRow,
    TicketRow,
    TopicRow,
)
from bot.reports.sql import as_date, county_day, medians, seconds_between
from policies.loader import KnowledgeBase
from storage.models import (
    AuditEntry,
    Booking,
    BookingSlot,
    Conversation,
    LoggedMessage,
    RequestEvent,
    ServiceRequest,
    Ticket,
)
from storage.models.base import utcnow


async def build(
    session: AsyncSession,
    kb: KnowledgeBase,
    period: Period,
    hours: WorkingHours,
    *,
    stations: frozenset[str] | None = None,
    station: str | None = None,
) -> Report:
    """The report of `period` for `stations` (None: every station and none)."""
    bind = session.get_bind()
    counting = _Counting(session, bind.dialect.name, period, stations)
    channels = await counting.channels()
    questions, daily = await counting.questions()
    return Report(
        period=period,
        station=station,
        stations=stations,
        generated_at=utcnow(),
        channels=channels,
        questions=questions,
        daily=daily,
        topics=await counting.topics(kb),
        requests=await counting.requests(),
        bookings=await counting.bookings(),
        tickets=await counting.tickets(hours),
        escalations=await counting.escalations(),
        ratings=await counting.ratings(),
    )


class _Counting:
    def __init__(
        self,
        session: AsyncSession,
        dialect: str,
        period: Period,
        stations: frozenset[str] | None,
    ) -> None:
        self.session, self.dialect, self.period = session, dialect, period
        self.stations = None if stations is None else sorted(stations)

    def _within(self, column: Any) -> ColumnElement[bool]:
        return and_(column >= self.period.start, column < self.period.end)

    def _at(self, column: Any) -> ColumnElement[bool]:
        """`column` (a station id) is one of the stations counted (always true for all)."""
        if self.stations is None:
            return literal(True)
        return column.in_(self.stations)

    async def _rows(self, statement: Any) -> list[Any]:
        return list((await self.session.execute(statement)).all())

    # ---- conversations and messages ----

    async def channels(self) -> list[ChannelRow]:
        m, c = LoggedMessage, Conversation
        # Per conversation first (from the index alone), then per channel: one join a
        # conversation instead of one a message.
        each = (
            select(
                m.conversation_id,
                func.sum(case((m.direction == "in", 1), else_=0)).label("incoming"),
                func.sum(case((m.direction == "out", 1), else_=0)).label("outgoing"),
            )
            .where(self._within(m.created_at))
            .group_by(m.conversation_id)
            .subquery("each")
        )
        statement = (
            select(c.channel, func.count(), func.sum(each.c.incoming), func.sum(each.c.outgoing))
            .join(c, c.id == each.c.conversation_id)
            .where(self._at(c.station_id))
            .group_by(c.channel)
            .order_by(c.channel)
        )
        return [
            ChannelRow(channel, int(n), int(i or 0), int(o or 0))
            for channel, n, i, o in await self._rows(statement)
        ]

    def _questions(self) -> Any:
        m = LoggedMessage
        statement = (
            select()
            .select_from(m)
            .where(
                m.direction == "in", m.outcome.in_(sorted(OUTCOME_KIND)), self._within(m.created_at)
            )
        )
        if self.stations is not None:
            statement = statement.join(Conversation, Conversation.id == m.conversation_id).where(
                self._at(Conversation.station_id)
            )
        return statement

    async def questions(self) -> tuple[Questions, list[DayRow]]:
        m = LoggedMessage
        day = county_day(self.dialect, m.created_at).label("day")
        statement = (
            self._questions()
            .add_columns(day, m.outcome, func.count())
            .group_by(day, m.outcome)
            .order_by(day)
        )
        total = dict.fromkeys(KINDS, 0)
        by_day: dict[date, dict[str, int]] = {}
        for value, outcome, n in await self._rows(statement):
            kind = OUTCOME_KIND[outcome]
            total[kind] += n
            counts = by_day.setdefault(as_date(value), dict.fromkeys(KINDS, 0))
            counts[kind] += n
        daily = [
            DayRow(d, Questions(by_day.get(d, dict.fromkeys(KINDS, 0)))) for d in self.period.days()
        ]
        return Questions(total), daily

    async def topics(self, kb: KnowledgeBase) -> list[TopicRow]:
        m = LoggedMessage
        n = func.count().label("n")
        statement = (
            self._questions()
            .add_columns(m.entry_id, n)
            .where(m.entry_id.is_not(None))
            .group_by(m.entry_id)
            .order_by(n.desc(), m.entry_id)
            .limit(TOP_TOPICS)
        )
        rows = []
        for entry_id, count in await self._rows(statement):
            entry = kb.entry(entry_id)
            rows.append(TopicRow(entry_id, entry.title if entry else entry_id, int(count)))
        return rows

    # ---- requests ----

    async def requests(self) -> list[RequestRow]:
        r, e = ServiceRequest, RequestEvent
        filed = self._within(r.created_at), self._at(r.station_id)
        statement = (
            select(r.type_id, r.station_id, r.state, func.count())
            .where(*filed)
            .group_by(r.type_id, r.station_id, r.state)
        )
        states: dict[tuple[str, str], dict[str, int]] = {}
        for type_id, station_id, state, n in await self._rows(statement):
            states.setdefault((type_id, station_id), dict.fromkeys(REQUEST_STATES, 0))[state] = n
        done = (
            select(
                r.type_id,
                r.station_id,
                seconds_between(self.dialect, r.created_at, func.min(e.created_at)).label("value"),
            )
            .join(e, and_(e.request_id == r.id, e.state == "done"))
            .where(*filed)
            .group_by(r.id, r.type_id, r.station_id, r.created_at)
            .subquery("done")
        )
        median = {
            (type_id, station_id): seconds
            for type_id, station_id, seconds in await self._rows(
                medians(done, ("type_id", "station_id"))
            )
        }
        return [
            RequestRow(
                type_id,
                station_id,
                counts,
                None if key not in median else round(float(median[key]) / 86400, 2),
            )
            for key, counts in sorted(states.items())
            for type_id, station_id in [key]
        ]

    # ---- bookings ----

    async def bookings(self) -> list[BookingRow]:
        b, s = Booking, BookingSlot
        made_q = (
            select(s.station_id, func.count())
            .select_from(b)
            .join(s, s.id == b.slot_id)
            .where(self._within(b.created_at), self._at(s.station_id))
            .group_by(s.station_id)
        )
        made = {station: int(n) for station, n in await self._rows(made_q)}
        due_q = (
            select(s.station_id, b.state, func.count())
            .select_from(b)
            .join(s, s.id == b.slot_id)
            .where(s.day >= self.period.first, s.day <= self.period.last, self._at(s.station_id))
            .group_by(s.station_id, b.state)
        )
        visits: dict[str, dict[str, int]] = {}
        for station, state, n in await self._rows(due_q):
            visits.setdefault(station, dict.fromkeys(VISIT_STATES, 0))[state] = int(n)
        return [
            BookingRow(
                station, made.get(station, 0), visits.get(station, dict.fromkeys(VISIT_STATES, 0))
            )
            for station in sorted(set(made) | set(visits))
        ]

    # ---- tickets ----

    async def tickets(self, hours: WorkingHours) -> list[TicketRow]:
        t, a = Ticket, AuditEntry
        replies = (
            select(a.ticket_id, func.min(a.at).label("at"))
            .where(a.action == REPLY, a.at >= self.period.start)
            .group_by(a.ticket_id)
            .subquery("replies")
        )
        statement = (
            select(t.station_id, t.created_at, replies.c.at, t.resolved_at)
            .outerjoin(replies, replies.c.ticket_id == t.id)
            .where(self._within(t.created_at), self._at(t.station_id))
            .order_by(t.station_id)
        )
        rows = [
            (station, created, None if replied is None else _aware(replied), closed)
            for station, created, replied, closed in await self._rows(statement)
        ]
        clock = WorkingClock.covering(
            hours, [m for row in rows for m in row[1:] if isinstance(m, datetime)]
        )
        opened: dict[str, int] = defaultdict(int)
        resolved: dict[str, int] = defaultdict(int)
        to_reply: dict[str, list[float]] = defaultdict(list)
        to_resolve: dict[str, list[float]] = defaultdict(list)
        for station, created, replied, closed in rows:
            opened[station] += 1
            if replied is not None:
                to_reply[station].append(clock.hours_between(created, replied))
            if closed is not None:
                resolved[station] += 1
                to_resolve[station].append(clock.hours_between(created, closed))
        return [
            TicketRow(
                station,
                opened[station],
                resolved[station],
                len(to_reply[station]),
                _median(to_reply[station]),
                _median(to_resolve[station]),
            )
            for station in sorted(opened)
        ]

    # ---- escalations and ratings ----

    async def escalations(self) -> list[EscalationRow]:
        a = AuditEntry
        moved_from = a.detail["from"].as_string()
        moved_to = a.station_id
        statement = (
            select(moved_from, moved_to, func.count())
            .where(a.action == ESCALATE, self._within(a.at))
            .group_by(moved_from, moved_to)
        )
        if self.stations is not None:
            statement = statement.where(
                (moved_to.in_(self.stations)) | (moved_from.in_(self.stations))
            )
        rows = [
            EscalationRow(str(source), str(target), int(n))
            for source, target, n in await self._rows(statement)
        ]
        return sorted(rows, key=lambda row: (row.from_station, row.to_station))

    async def ratings(self) -> list[RatingRow]:
        t = Ticket
        statement = (
            select(t.station_id, t.rating, func.count())
            .where(t.rating.is_not(None), self._within(t.rated_at), self._at(t.station_id))
            .group_by(t.station_id, t.rating)
        )
        stars: dict[str, dict[int, int]] = {}
        for station, rating, n in await self._rows(statement):
            stars.setdefault(station, dict.fromkeys(range(1, 6), 0))[int(rating)] = int(n)
        return [RatingRow(station, by) for station, by in sorted(stars.items())]


def _aware(moment: datetime | str) -> datetime:
    """A scalar subquery's timestamp: SQLite gives it back as text, without the column's type."""
    parsed = moment if isinstance(moment, datetime) else datetime.fromisoformat(moment)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _median(values: list[float]) -> float | None:
    return round(statistics.median(values), 2) if values else None
