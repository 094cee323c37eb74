"""What the console shows of a ticket: plain JSON, personal data masked unless revealed."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.outbox.notify import STAFF
from bot.privacy.masking import mask
from bot.staff.desk import Desk, ticket_number
from storage.models import Ticket
from storage.repositories.audit import Audited
from storage.repositories.messages import Logged
from storage.repositories.staff import StaffAccount


def iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat(timespec="seconds")


def ticket_row(
    ticket: Ticket,
    desk: Desk,
    staff: StaffAccount,
    lang: str,
    now: datetime,
    names: dict[int, str],
) -> dict[str, Any]:
    """One line of the queue."""
    unread = ticket.status == "live" and (
        ticket.last_user_at is not None
        and (ticket.staff_seen_at is None or ticket.last_user_at > ticket.staff_seen_at)
    )
    return {
        "id": ticket.id,
        "number": ticket_number(ticket.id),
        "status": ticket.status,
        "urgent": ticket.urgent,
        "callback": ticket.callback,
        "station_id": ticket.station_id,
        "station": desk.station_name(lang, ticket.station_id),
        "category": ticket.category,
        "reason": ticket.reason,
        "summary": mask(ticket.summary)[:120],
        "created_at": iso(ticket.created_at),
        "waiting_seconds": int((now - ticket.created_at).total_seconds()),
        "deadline_at": iso(ticket.deadline_at),
        "deadline_seconds": (
            None if ticket.deadline_at is None else int((ticket.deadline_at - now).total_seconds())
        ),
        "escalations": ticket.escalations,
        "claimed_by": None if ticket.claimed_by is None else names.get(ticket.claimed_by, "?"),
        "mine": ticket.claimed_by == staff.id,
        "unread": bool(unread) and ticket.claimed_by == staff.id,
        "resolution": mask(ticket.resolution),
        "rating": ticket.rating,
        "request_id": ticket.request_id,
    }


def messages(logged: list[tuple[int, Logged]], revealed: bool) -> list[dict[str, Any]]:
    """The conversation: the user's words, the bot's, staff members'."""
    shown = []
    for message_id, m in logged:
        sender = "user" if m.direction == "in" else "staff" if m.outcome == STAFF else "bot"
        shown.append(
            {
                "id": message_id,
                "sender": sender,
                "text": m.text if revealed else mask(m.text),
                "at": iso(m.created_at),
            }
        )
    return shown


def timeline(entries: list[Audited]) -> list[dict[str, Any]]:
    return [
        {
            "at": iso(e.at),
            "who": e.username,
            "action": e.action,
            "station_id": e.station_id,
            "detail": e.detail,
        }
        for e in entries
    ]


def audit_subject(entry: Audited, usernames: dict[int, str]) -> dict[str, Any] | None:
    """What an audit entry was about, to name it on the audit page: the ticket, the request or
    booking by its number, the account by its login name; None for a login or logout."""
    if entry.ticket_id is not None:
        label = ticket_number(entry.ticket_id)
        return {"kind": "ticket", "label": label, "href": f"/staff/tickets/{entry.ticket_id}"}
    kind, _, key = (entry.subject or "").partition(":")
    number = str(entry.detail.get("number") or "")
    if kind == "request":
        label = number or f"#{key}"
        return {
            "kind": kind,
            "label": label,
            "href": f"/staff/requests/{label}" if number else None,
        }
    if kind == "booking":
        return {"kind": kind, "label": number or f"#{key}", "href": None}
    if kind == "user":  # a person whose data was exported or erased: by user id only
        return {"kind": kind, "label": f"#{key}", "href": None}
    if kind == "staff":
        known = usernames.get(int(key)) if key.isdigit() else None
        label = str(entry.detail.get("username") or known or f"#{key}")
        return {"kind": kind, "label": label, "href": None}
    return None
