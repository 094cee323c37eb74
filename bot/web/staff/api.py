"""The staff console's JSON API under /api/staff: log in, the queue, a ticket and its actions,
canned replies from the knowledge base, ratings and the audit log.

What a member may see is decided in `bot/staff/permissions.py`; here every ticket lookup goes
through it, and one outside their stations answers 404 exactly like one that does not exist.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta
from functools import partial
from typing import Annotated, Any, Literal

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from bot.errors import ActionRefused
from bot.staff import accounts
from bot.staff import canned as canned_replies
from bot.staff import tickets as work
from bot.staff.alerts import codes as alert_codes
from bot.staff.alerts import health as alert_health
from bot.staff.permissions import (
    may_manage_privacy,
    may_read_audit,
    may_see_kb,
    may_see_reports,
    may_see_unanswered,
    sees,
    visible_stations,
)
from bot.web.params import RowId, Typed
from bot.web.services import ServicesDep
from bot.web.staff.auth import (
    COOKIE,
    ActingDep,
    ClockDep,
    Console,
    ConsoleDep,
    language,
    set_session_cookie,
    staff_text,
)
from bot.web.staff.cases import request_row, visit_rows
from bot.web.staff.views import audit_subject, iso, messages, ticket_row, timeline
from storage.models import Ticket
from storage.repositories.audit import AuditLog
from storage.repositories.bookings import Bookings
from storage.repositories.requests import Requests
from storage.repositories.staff import StaffAccounts
from storage.repositories.tickets import Tickets
from storage.repositories.transcript import Transcript

router = APIRouter(prefix="/api/staff", tags=["staff console"])

View = Literal["waiting", "live", "mine", "resolved"]
REVEAL_LASTS = timedelta(minutes=30)  # one audited reveal shows the data for this long


class LoginIn(BaseModel):
    username: Typed = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=256)


class ReplyIn(BaseModel):
    text: Typed = Field(min_length=1, max_length=work.MAX_REPLY)


class TransferIn(BaseModel):
    station_id: Typed = Field(min_length=1, max_length=64)
    note: Typed = Field("", max_length=work.MAX_NOTE)


class ResolveIn(BaseModel):
    note: Typed = Field(min_length=1, max_length=work.MAX_NOTE)


@router.post("/login")
async def login(
    body: LoginIn, request: Request, services: ServicesDep, clock: ClockDep
) -> JSONResponse:
    """Password login; sets the session cookie and returns the CSRF token."""
    try:
        done = await accounts.login(
            services.database,
            services.settings,
            body.username,
            body.password,
            clock(),
            address=request.client.host if request.client else "",
        )
    except ActionRefused as exc:
        lang = language(request)
        return JSONResponse({"detail": staff_text(lang, exc.key), "key": exc.key}, 401)
    response = JSONResponse({"csrf": done.csrf, "username": done.staff.username})
    set_session_cookie(request, response, done, services.settings.staff_session_hours)
    return response


@router.post("/logout")
async def logout(c: ActingDep) -> JSONResponse:
    await accounts.logout(c.services.database, c.token, c.staff, c.now)
    response = JSONResponse({"ok": True})
    response.delete_cookie(COOKIE, path="/")
    return response


@router.get("/me")
async def me(c: ConsoleDep) -> dict[str, Any]:
    s = c.staff
    return {
        "id": s.id,
        "username": s.username,
        "name": s.shown,
        "role": s.role,
        "station_id": s.station_id,
        "station": c.desk.station_name(c.lang, s.station_id),
        "csrf": c.csrf,
        "audit": may_read_audit(s),
        "kb": may_see_kb(s),
        "reports": may_see_reports(s),
        "unanswered": may_see_unanswered(s),
        "privacy": may_manage_privacy(s),
    }


@router.get("/queue")
async def queue(c: ConsoleDep, view: View = "waiting") -> dict[str, Any]:
    """Urgent first, then the longest waiting; counts of every view; deadlines."""
    stations = visible_stations(c.desk.kb, c.staff)
    status = "live" if view == "mine" else view
    async with c.services.database.transaction() as session:
        repo = Tickets(session)
        found = await repo.queue(stations, (status,))
        counts = await repo.counts(stations)
        counts["mine"] = sum(
            1 for t in await repo.queue(stations, ("live",)) if t.claimed_by == c.staff.id
        )
        names = await _names(session)
    if view == "mine":
        found = [t for t in found if t.claimed_by == c.staff.id]
    if view == "resolved":
        found.sort(key=lambda t: t.resolved_at or t.created_at, reverse=True)
    rows = [ticket_row(t, c.desk, c.staff, c.lang, c.now, names) for t in found]
    return {"now": iso(c.now), "counts": counts, "tickets": rows}


@router.get("/tickets/{ticket_id}")
async def ticket(ticket_id: RowId, c: ConsoleDep, reveal: bool = False) -> dict[str, Any]:
    """The ticket, its whole conversation and its history. Personal data is masked, unless
    `reveal` is asked and this member revealed it (POST …/reveal, audited) within the last
    half hour."""
    async with c.services.database.transaction() as session:
        found = await work.seen(session, c.desk, c.staff, ticket_id, c.now)
        since = c.now - REVEAL_LASTS
        revealed = reveal and await AuditLog(session).did("reveal", c.staff.id, found.id, since)
        return await _detail(c, session, found, revealed=revealed)


@router.post("/tickets/{ticket_id}/reveal")
async def reveal(ticket_id: RowId, c: ActingDep) -> dict[str, Any]:
    """The same, unmasked; the reveal is written to the audit log."""
    return await c.revealed(work.reveal, ticket_id, _detail)


@router.post("/tickets/{ticket_id}/claim")
async def claim(ticket_id: RowId, c: ActingDep) -> dict[str, Any]:
    return await _acted(c, lambda act: act.claim(ticket_id))


@router.post("/tickets/{ticket_id}/reply")
async def reply(ticket_id: RowId, body: ReplyIn, c: ActingDep) -> dict[str, Any]:
    return await _acted(c, lambda act: act.reply(ticket_id, body.text))


@router.post("/tickets/{ticket_id}/transfer")
async def transfer(ticket_id: RowId, body: TransferIn, c: ActingDep) -> dict[str, Any]:
    async with c.services.database.transaction() as session:
        act = work.TicketWork(session, c.desk, c.staff, c.now)
        found = await act.transfer(ticket_id, body.station_id, body.note)
        return {"id": found.id, "station_id": found.station_id, "status": found.status}


@router.post("/tickets/{ticket_id}/resolve")
async def resolve(ticket_id: RowId, body: ResolveIn, c: ActingDep) -> dict[str, Any]:
    return await _acted(c, lambda act: act.resolve(ticket_id, body.note))


@router.post("/tickets/{ticket_id}/reopen")
async def reopen(ticket_id: RowId, c: ActingDep) -> dict[str, Any]:
    return await _acted(c, lambda act: act.reopen(ticket_id))


@router.get("/stations")
async def stations(c: ConsoleDep) -> list[dict[str, Any]]:
    """Every station on record (transfer targets): the directory is public."""
    return [
        {
            "id": s.id,
            "name": c.desk.station_name(c.lang, s.id),
            "level": s.level,
            "parent": s.parent,
        }
        for s in c.desk.kb.stations
        if s.on_record
    ]


@router.get("/canned")
async def canned(
    c: ConsoleDep, q: Annotated[str, Query(max_length=200)] = ""
) -> list[dict[str, Any]]:
    """Knowledge-base answers to pick as a reply (then edit and send), best match first."""
    found = []
    for entry in canned_replies.search(c.desk.kb.entries, q, c.now.date()):
        english = c.lang == "en" and entry.en is not None
        found.append(
            {
                "id": entry.id,
                "title": entry.en.title if english and entry.en else entry.title,
                "answer": entry.en.answer if english and entry.en else entry.answer,
                "source": entry.source,
            }
        )
    return found


@router.get("/ratings")
async def ratings(c: ConsoleDep) -> list[dict[str, Any]]:
    """Users' 1-5 ratings of resolved tickets, per station the member sees."""
    async with c.services.database.transaction() as session:
        found = await Tickets(session).ratings(visible_stations(c.desk.kb, c.staff))
    return [
        {
            "station_id": r.station_id,
            "station": c.desk.station_name(c.lang, r.station_id),
            "count": r.count,
            "average": r.average,
            "stars": r.stars,
        }
        for r in found
    ]


@router.get("/audit")
async def audit(c: ConsoleDep) -> list[dict[str, Any]]:
    """The newest audit entries of the member's stations (station heads and admins), each with
    what it was about (`subject`) and, for a move, the station it went to (`to`)."""
    if not may_read_audit(c.staff):
        raise HTTPException(404, "Not Found")
    async with c.services.database.transaction() as session:
        found = await AuditLog(session).recent(visible_stations(c.desk.kb, c.staff))
        usernames = {s.id: s.username for s in await StaffAccounts(session).all()}
    return [
        {
            "ticket_id": e.ticket_id,
            **item,
            "subject": audit_subject(e, usernames),
            "to": c.desk.station_name(c.lang, str(e.detail["to"])) if "to" in e.detail else None,
        }
        for e, item in zip(found, timeline(found), strict=True)
    ]


async def _names(session: Any) -> dict[int, str]:
    return {s.id: s.shown for s in await StaffAccounts(session).all()}


async def _acted(
    c: Console, action: Callable[[work.TicketWork], Awaitable[Ticket]]
) -> dict[str, Any]:
    """Do `action` as `c`'s member, answered with the ticket's row as it was committed."""
    return await c.shown(
        lambda s: action(work.TicketWork(s, c.desk, c.staff, c.now)), partial(_row, c)
    )


async def _row(c: Console, session: Any, found: Ticket) -> dict[str, Any]:
    """How a changed ticket is answered: its row in the queue, as `c`'s member sees it."""
    return ticket_row(found, c.desk, c.staff, c.lang, c.now, await _names(session))


async def _detail(c: Console, session: Any, found: Ticket, *, revealed: bool) -> dict[str, Any]:
    repo = Tickets(session)
    to = await repo.recipient(found.conversation_id)
    logged = await Transcript(session).messages(found.conversation_id)
    history = await AuditLog(session).for_ticket(found.id)
    others = [t for t in await repo.of_user(found.user_id) if t.id != found.id]
    names = await _names(session)
    sees_it = partial(sees, c.desk.kb, c.staff)
    filed = await Requests(session).of_user(found.user_id)
    visits = await Bookings(session).of_user(found.user_id)
    return {
        "ticket": ticket_row(found, c.desk, c.staff, c.lang, c.now, names),
        "channel": to.channel,
        "language": to.language,
        "revealed": revealed,
        "messages": messages(logged, revealed),
        "timeline": timeline(history),
        "other_tickets": [
            ticket_row(t, c.desk, c.staff, c.lang, c.now, names)
            for t in others
            if sees_it(t.station_id)
        ],
        # Only what the member may see: a user's matters elsewhere are not theirs to read.
        "requests": [request_row(f, c.desk, c.lang) for f in filed if sees_it(f.station_id)],
        "bookings": await visit_rows(
            session, c, [v for v in visits if sees_it(v.place.station_id)], revealed=revealed
        ),
    }


@router.get("/alerts")
async def alerts(c: ConsoleDep) -> dict[str, Any]:
    """Staff alerts: when this member linked their Telegram, and failing alert destinations."""
    async with c.services.database.transaction() as session:
        return await alert_health.overview(session, c.desk, c.staff, c.lang, c.now)


@router.post("/alerts/telegram-code")
async def telegram_code(c: ActingDep) -> dict[str, Any]:
    """A one-time code to send as `/link CODE` in the station's Telegram staff chat."""
    issued = await alert_codes.issue(c.services.database, c.desk.settings, c.staff, c.now)
    minutes = int(alert_codes.LASTS.total_seconds() // 60)
    return {"code": issued.code, "expires_at": iso(issued.expires_at), "minutes": minutes}
