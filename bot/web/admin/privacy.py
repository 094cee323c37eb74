"""Personal data requests (/staff/admin/privacy), admins only: export a person's copy (the
JSON and the readable page), and erase a person, which one admin asks for and another confirms.
Every step is audited; anyone but an admin gets 404.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException
from fastapi.responses import Response
from pydantic import BaseModel, Field

from bot.errors import NotVisible
from bot.messages import catalogue
from bot.privacy import erasures
from bot.privacy.erase import scrub
from bot.privacy.export import export, page
from bot.privacy.people import BY, Actor, ManyPeople, Named, NoSuchPerson, Person, find, named
from bot.privacy.sealing import data_key
from bot.staff.permissions import may_manage_privacy
from bot.web.params import RowId, Typed
from bot.web.staff.auth import ActingDep, Console, ConsoleDep, staff_text
from bot.web.staff.pages import shell
from bot.web.staff.views import iso
from storage.models import ErasureRequest
from storage.repositories.privacy import Erasures
from storage.repositories.staff import StaffAccounts

router = APIRouter(include_in_schema=False)
API = "/api/staff/admin/privacy"


class PersonIn(BaseModel):
    by: Typed = Field(pattern=f"^({'|'.join(BY)})$")
    value: Typed = Field(min_length=1, max_length=64)
    reason: Typed = Field(min_length=1, max_length=500)


@router.get("/staff/admin/privacy")
async def privacy_page(c: ConsoleDep) -> Response:
    if not may_manage_privacy(c.staff):
        return shell(c.lang, "missing", csrf=c.csrf, status=404)
    return shell(c.lang, "privacy", csrf=c.csrf, scripts=("admin-privacy.js",))


@router.post(f"{API}/export")
async def export_person(body: PersonIn, c: ActingDep) -> dict[str, Any]:
    """Everything held about the person: the JSON document and the page to read (audited)."""
    who = _named(c, body)
    key = data_key(c.services.settings)
    async with c.services.database.transaction() as session:
        person = await _find(c, session, who)
        actor = Actor(c.staff.username, c.staff.id)
        done = await export(session, key, person, who, actor, body.reason.strip())
    return {
        "user": done.label,
        "rows": done.rows(),
        "document": done.document,
        "page": page(done, catalogue(), c.lang),
    }


@router.get(f"{API}/erasures")
async def list_erasures(c: ConsoleDep) -> dict[str, Any]:
    _admin(c)
    async with c.services.database.transaction() as session:
        rows = await Erasures(session).recent()
        names = {a.id: a.username for a in await StaffAccounts(session).all()}
    return {"me": c.staff.id, "erasures": [_shown(row, names) for row in rows]}


@router.post(f"{API}/erasures")
async def ask_erasure(body: PersonIn, c: ActingDep) -> dict[str, Any]:
    """Ask for the person's erasure; another admin confirms it."""
    who = _named(c, body)
    key = data_key(c.services.settings)
    async with c.services.database.transaction() as session:
        try:
            row = await erasures.ask(session, key, who, c.staff, body.reason.strip(), c.now)
        except (NoSuchPerson, ManyPeople) as exc:
            raise _not_found(c, exc) from exc
    return {"id": row.id, "user": row.named, "state": row.state}


@router.post(f"{API}/erasures/{{erasure_id}}/confirm")
async def confirm_erasure(erasure_id: RowId, c: ActingDep) -> dict[str, Any]:
    """Erase, as another admin asked (409 for the admin who asked)."""
    _admin(c)
    key = data_key(c.services.settings)
    async with c.services.database.transaction() as session:
        try:
            done = await erasures.confirm(session, key, erasure_id, c.staff, c.now)
        except (NoSuchPerson, ManyPeople) as exc:
            raise _not_found(c, exc) from exc
    await scrub(c.services.database)
    return {"user": done.person.subject, "rows": done.total, "tables": done.rows}


@router.post(f"{API}/erasures/{{erasure_id}}/cancel")
async def cancel_erasure(erasure_id: RowId, c: ActingDep) -> dict[str, Any]:
    _admin(c)
    async with c.services.database.transaction() as session:
        await erasures.cancel(session, erasure_id, c.staff, c.now)
    return {"ok": True}


def _admin(c: Console) -> None:
    if not may_manage_privacy(c.staff):
        raise NotVisible("privacy")


def _named(c: Console, body: PersonIn) -> Named:
    _admin(c)
    if not body.reason.strip():
        raise HTTPException(422, staff_text(c.lang, "staff.privacy.reason_needed"))
    try:
        return named(body.by, body.value)
    except ValueError as exc:
        raise HTTPException(422, staff_text(c.lang, "staff.privacy.bad_value")) from exc


async def _find(c: Console, session: Any, who: Named) -> Person:
    try:
        return await find(session, who)
    except (NoSuchPerson, ManyPeople) as exc:
        raise _not_found(c, exc) from exc


def _not_found(c: Console, exc: Exception) -> HTTPException:
    if isinstance(exc, ManyPeople):
        users = ", ".join(map(str, exc.user_ids))
        return HTTPException(409, staff_text(c.lang, "staff.privacy.many_people", users=users))
    return HTTPException(404, staff_text(c.lang, "staff.privacy.no_person"))


def _shown(row: ErasureRequest, names: dict[int, str]) -> dict[str, Any]:
    return {
        "id": row.id,
        "user": row.user_id,
        "named": row.named,
        "reason": row.reason,
        "state": row.state,
        "asked_by": row.asked_by,
        "asked_by_name": names.get(row.asked_by, f"#{row.asked_by}"),
        "asked_at": iso(row.asked_at),
        "decided_by_name": names.get(row.decided_by, "") if row.decided_by else "",
        "decided_at": iso(row.decided_at),
        "rows": sum(int(n) for n in (row.rows or {}).values()),
    }
