"""The alerts' wording. Each names the ticket number, the station, how long the ticket has waited
and its page in the console; none carries an ID number, a phone or the veteran's words (the
ticket's summary is never read here), so an alert read aloud in an office exposes no one."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Final

from bot.conversation.types import Option, Outbound
from bot.staff.desk import Desk, ticket_number
from storage.models import Ticket

LANG: Final = "zh"  # staff groups read Chinese, whatever language the veteran wrote in
CLAIM: Final = "alert:claim:"  # the staff chat's 认领 button: CLAIM + ticket id
MAX_LISTED = 10  # tickets a digest names; the console has the rest


@dataclass(frozen=True)
class Digest:
    """A station's morning numbers."""

    station_id: str
    day: date
    waiting: list[Ticket]
    overdue: int
    requests: int
    bookings: int


class Wording:
    def __init__(self, desk: Desk) -> None:
        self.desk = desk

    def new(self, ticket: Ticket, now: datetime) -> Outbound:
        key = "alerts.new_urgent" if ticket.urgent else "alerts.new"
        return self._about(key, ticket, now)

    def warning(self, ticket: Ticket, now: datetime) -> Outbound:
        left = self.desk.hours.between(now, ticket.deadline_at or now)
        return self._about("alerts.warning", ticket, now, left=self.duration(left))

    def escalated(self, ticket: Ticket, now: datetime) -> Outbound:
        return self._about("alerts.escalated", ticket, now)

    def said(self, ticket: Ticket, now: datetime) -> Outbound:
        return self._about("alerts.said", ticket, now)

    def digest(self, digest: Digest, now: datetime) -> Outbound:
        listed = [
            self.desk.text(
                LANG,
                "alerts.digest_ticket",
                number=ticket_number(t.id),
                urgent=self.desk.text(LANG, "alerts.urgent_mark") if t.urgent else "",
                waited=self.duration(now - t.created_at),
            )
            for t in digest.waiting[:MAX_LISTED]
        ]
        if len(digest.waiting) > MAX_LISTED:
            listed.append(self.desk.text(LANG, "alerts.digest_more", count=len(digest.waiting)))
        text = self.desk.text(
            LANG,
            "alerts.digest",
            station=self.desk.station_name(LANG, digest.station_id),
            month=digest.day.month,
            day=digest.day.day,
            waiting=len(digest.waiting),
            overdue=digest.overdue,
            requests=digest.requests,
            bookings=digest.bookings,
            link=self.link("/staff"),
        )
        return Outbound("\n".join([text, *listed]) if listed else text)

    def _about(self, key: str, ticket: Ticket, now: datetime, **more: object) -> Outbound:
        text = self.desk.text(
            LANG,
            key,
            number=ticket_number(ticket.id),
            station=self.desk.station_name(LANG, ticket.station_id),
            waited=self.duration(now - ticket.created_at),
            link=self.link(f"/staff/tickets/{ticket.id}"),
            **more,
        )
        claim = Option(self.desk.text(LANG, "alerts.claim"), f"{CLAIM}{ticket.id}")
        return Outbound(text, options=(claim,))

    def link(self, path: str) -> str:
        base = self.desk.settings.public_url.rstrip("/")
        return f"{base}{path}" if base else path

    def duration(self, span: timedelta) -> str:
        minutes = max(int(span.total_seconds() // 60), 0)
        if minutes < 60:
            return self.desk.text(LANG, "alerts.minutes", minutes=minutes)
        hours, minutes = divmod(minutes, 60)
        if hours < 48:
            return self.desk.text(LANG, "alerts.hours", hours=hours, minutes=minutes)
        return self.desk.text(LANG, "alerts.days", days=hours // 24)
