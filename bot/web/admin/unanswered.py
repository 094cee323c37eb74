"""The unanswered inbox (/staff/admin/unanswered): the questions the bot did not answer well,
grouped by need, largest first, filtered by week and station; admins mark a cluster "not ours"
or "done" and add its questions to the knowledge base (the reviewed edit of `policies.editing`,
through admin-edit.js). Station heads read their stations' clusters; anyone else gets 404.

Questions are shown masked and without who asked: no user, no conversation, no channel id.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any, Literal

from fastapi import APIRouter, HTTPException, Query
from fastapi.responses import Response
from pydantic import BaseModel, Field

from bot.errors import NotVisible
from bot.insights import inbox
from bot.staff.permissions import may_edit_kb, may_see_unanswered, visible_stations
from bot.staff.routing import subtree
from bot.web.staff.auth import ActingDep, Console, ConsoleDep
from bot.web.staff.pages import shell
from storage.repositories.audit import AuditLog
from storage.repositories.feedback import MAX_ROWS

router = APIRouter(include_in_schema=False)

WEEKS_OFFERED = 12  # weeks back the filter lists
_WEEK_OR_ALL = r"^(\d{4}-W\d{2})?$"


class MarkIn(BaseModel):
    ids: list[Annotated[int, Field(ge=1, le=2**31 - 1)]] = Field(min_length=1, max_length=MAX_ROWS)
    mark: Literal["", "not_ours", "done"]


@router.get("/staff/admin/unanswered")
async def unanswered_page(c: ConsoleDep) -> Response:
    if not may_see_unanswered(c.staff):
        return shell(c.lang, "missing", csrf=c.csrf, status=404)
    scripts = ("admin-edit.js", "admin-unanswered.js")
    return shell(c.lang, "unanswered", csrf=c.csrf, scripts=scripts)


@router.get("/api/staff/admin/unanswered")
async def unanswered(
    c: ConsoleDep,
    week: Annotated[str, Query(max_length=8, pattern=_WEEK_OR_ALL)] = "",
    station: Annotated[str, Query(max_length=64)] = "",
    marked: bool = False,
) -> dict[str, Any]:
    """The clusters of `week` (ISO, 2026-W49; all weeks when empty) at `station` and the
    stations below it (all the member sees when empty)."""
    if not may_see_unanswered(c.staff):
        raise NotVisible
    try:
        period = inbox.week(week) if week else inbox.Period()
    except inbox.BadWeek as exc:
        raise HTTPException(422, str(exc)) from exc
    stations = _stations(c, station)
    understanding = c.services.knowledge.current.understanding
    async with c.services.database.transaction() as session:
        found = await inbox.clusters(session, understanding, period, stations, marked=marked)
    names = {s.id: c.desk.station_name(c.lang, s.id) for s in c.desk.kb.stations}
    visible = visible_stations(c.desk.kb, c.staff)
    return {
        "read_only": not may_edit_kb(c.staff),
        "week": week,
        "weeks": [inbox.week_of(c.now - timedelta(weeks=n)) for n in range(WEEKS_OFFERED)],
        "station": station,
        "stations": [
            {"id": s.id, "name": names[s.id]}
            for s in c.desk.kb.stations
            if s.on_record and (visible is None or s.id in visible)
        ],
        "clusters": [
            {
                **inbox.as_json(cluster),
                "stations": {names.get(k, k): n for k, n in cluster.stations.items()},
            }
            for cluster in found
        ],
    }


@router.post("/api/staff/admin/unanswered/mark")
async def mark(body: MarkIn, c: ActingDep) -> dict[str, Any]:
    """Mark a cluster's questions (as the page showed them) "not ours" or "done", or clear the
    mark; audited."""
    if not may_edit_kb(c.staff):
        raise NotVisible
    async with c.services.database.transaction() as session:
        count = await inbox.mark(session, body.ids, body.mark, c.staff.id, c.now)
        await AuditLog(session).add(
            "unanswered_mark",
            staff_id=c.staff.id,
            username=c.staff.username,
            detail={"mark": body.mark, "count": count},
            at=c.now,
        )
    return {"marked": count, "mark": body.mark}


def _stations(c: Console, station: str) -> frozenset[str] | None:
    """The stations to count: `station` and those below it, within what the member sees."""
    visible = visible_stations(c.desk.kb, c.staff)
    if not station:
        return visible
    if c.desk.kb.station(station) is None or (visible is not None and station not in visible):
        raise NotVisible  # a station outside theirs does not exist for them
    return subtree(c.desk.kb, station)
