"""The console's requests and bookings under /api/staff: list those of the member's stations,
read one (masked unless revealed, the reveal audited), and move them on. Each change tells the
user through the outbox (`bot/casework/`) and goes into the audit log.

One filed for someone else carries `filed_for` (the veteran: relationship, name, ID number and
phone, masked until the same audited reveal) apart from `filer` (who filed it and is told)."""

from __future__ import annotations

from functools import partial
from typing import Any, Literal

from fastapi import APIRouter
from pydantic import BaseModel, Field

from bot.calendar.hours import COUNTY_TIME
from bot.staff import cases
from bot.staff.desk import Desk
from bot.staff.permissions import sees
from bot.staff.visitors import Visitor, visitors
from bot.web.params import CaseNumber, Typed
from bot.web.staff.auth import ActingDep, Console, ConsoleDep
from bot.web.staff.views import iso
from storage.repositories.bookings import Visit
from storage.repositories.requests import Filed, Requests, Veteran

router = APIRouter(prefix="/api/staff", tags=["staff console"])


class RequestStateIn(BaseModel):
    state: Literal["accepted", "in_progress", "done", "rejected"]
    note: Typed = Field("", max_length=cases.MAX_NOTE)


class VisitStateIn(BaseModel):
    state: Literal["attended", "no_show"]


def request_row(filed: Filed, desk: Desk, lang: str) -> dict[str, Any]:
    request_type = desk.kb.request_type(filed.type_id)
    title = filed.type_id
    if request_type is not None:
        title = request_type.title.en if lang == "en" else request_type.title.zh
    return {
        "number": filed.number,
        "type": filed.type_id,
        "title": title,
        "state": filed.state,
        "station_id": filed.station_id,
        "station": desk.station_name(lang, filed.station_id),
        "channel": filed.channel,
        "created_at": iso(filed.created_at),
        "updated_at": iso(filed.updated_at),
        "for_whom": _for_whom(desk, lang, filed.filed_for),
    }


def visit_row(
    visit: Visit, desk: Desk, lang: str, visitor: Visitor | None, *, revealed: bool = False
) -> dict[str, Any]:
    """One booked visit and who is coming (their phone masked unless `revealed`)."""
    shown = visitor if visitor is None or revealed else visitor.masked()
    return {
        "number": visit.number,
        "service": visit.service,
        "state": visit.state,
        "station_id": visit.place.station_id,
        "station": desk.station_name(lang, visit.place.station_id),
        "day": visit.place.day.isoformat(),
        "slot": visit.place.slot,
        "created_at": iso(visit.created_at),
        "revealed": revealed,
        "for_whom": _for_whom(desk, lang, visit.filed_for),
        "filed_for": cases.filed_for(desk, visit.filed_for, lang, revealed),
        "visitor": None
        if shown is None
        else {"name": shown.name, "phone": shown.phone, "request": shown.request},
    }


async def visit_rows(
    session: Any, c: Console, found: list[Visit], *, revealed: bool = False
) -> list[dict[str, Any]]:
    readable = partial(sees, c.desk.kb, c.staff)
    coming = await visitors(session, c.desk.kb, (v.user_id for v in found), readable)
    return [visit_row(v, c.desk, c.lang, coming.get(v.user_id), revealed=revealed) for v in found]


@router.get("/requests")
async def requests(c: ConsoleDep, closed: bool = False) -> list[dict[str, Any]]:
    """Requests at the member's stations: open ones oldest first (or closed ones)."""
    states = cases.CLOSED if closed else cases.OPEN
    async with c.services.database.transaction() as session:
        found = await cases.requests(session, c.desk, c.staff, states)
    return [request_row(f, c.desk, c.lang) for f in found]


@router.get("/requests/{number}")
async def request(number: CaseNumber, c: ConsoleDep) -> dict[str, Any]:
    return await c.shown(
        lambda s: cases.request(s, c.desk, c.staff, number),
        partial(_detail, c, revealed=False),
    )


@router.post("/requests/{number}/reveal")
async def reveal(number: CaseNumber, c: ActingDep) -> dict[str, Any]:
    return await c.revealed(cases.reveal_request, number, _detail)


@router.post("/requests/{number}/state")
async def move(number: CaseNumber, body: RequestStateIn, c: ActingDep) -> dict[str, Any]:
    """Accept, set in progress, complete, or reject with a reason; the user is told."""
    async with c.services.database.transaction() as session:
        moved = await cases.move_request(
            session, c.desk, c.staff, number, body.state, body.note, c.now
        )
    return request_row(moved, c.desk, c.lang)


@router.get("/bookings")
async def bookings(c: ConsoleDep) -> list[dict[str, Any]]:
    """Visits booked at the member's stations, a week back to a month ahead."""
    today = c.now.astimezone(COUNTY_TIME).date()
    async with c.services.database.transaction() as session:
        found = await cases.bookings(session, c.desk, c.staff, today)
        return await visit_rows(session, c, found)


@router.post("/bookings/{number}/reveal")
async def reveal_visitor(number: CaseNumber, c: ActingDep) -> dict[str, Any]:
    """Who is coming, phone unmasked; the reveal is written to the audit log."""
    return await c.revealed(cases.reveal_visitor, number, _visit)


@router.post("/bookings/{number}/state")
async def end(number: CaseNumber, body: VisitStateIn, c: ActingDep) -> dict[str, Any]:
    """Mark a visit attended or no-show (a no-show frees the place; the user is told)."""
    return await c.shown(
        lambda s: cases.end_visit(s, c.desk, c.staff, number, body.state, c.now),
        partial(_visit, c, revealed=False),
    )


async def _visit(c: Console, session: Any, visit: Visit, *, revealed: bool) -> dict[str, Any]:
    [row] = await visit_rows(session, c, [visit], revealed=revealed)
    return row


async def _detail(c: Console, session: Any, filed: Filed, *, revealed: bool) -> dict[str, Any]:
    events = await Requests(session).history(filed.id)
    answers = cases.answers(c.desk, filed, c.lang, revealed)
    return {
        "request": request_row(filed, c.desk, c.lang),
        "revealed": revealed,
        "filer": cases.filer(c.desk, filed, c.lang, revealed),
        "filed_for": cases.filed_for(c.desk, filed.filed_for, c.lang, revealed),
        "answers": answers,
        "history": [
            {"state": e.state, "who": e.actor, "note": e.note, "at": iso(e.at)} for e in events
        ],
    }


def _for_whom(desk: Desk, lang: str, veteran: Veteran | None) -> str | None:
    """代 父亲 张三 办理, for a line of a list; None for a filing of one's own."""
    if veteran is None:
        return None
    return desk.text(
        lang,
        "staff.family.on_behalf",
        kin=desk.text(lang, f"family.kin.{veteran.kin}"),
        name=veteran.name,
    )
