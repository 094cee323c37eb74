"""Requests and bookings as staff handle them: only those of stations the member sees, every
change through the casework (`bot/casework/`, which tells the user through `bot/outbox/notify`
in the same transaction) and into the audit log.

    request   submitted → accepted → in progress → done, or rejected (with a reason) on the way
    booking   booked → attended, or no-show (which frees the place)

A request or booking filed by a family member for a veteran shows both apart: the filer (the
user, told of progress) and the veteran it is for (`filed_for`), whose ID number and phone are
masked until the same audited reveal that opens the form's answers.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.casework.bookings import end_booking
from bot.casework.requests import TRANSITIONS, change_request_state
from bot.errors import ActionRefused
from bot.flows.request.proxy import RELATIONSHIPS, on_behalf, question_field
from bot.flows.request.shown import Shown
from bot.privacy.sealing import PersonalDataUnreadable, data_key, is_sealed
from bot.staff.audit import audit
from bot.staff.desk import Desk
from bot.staff.permissions import seen_by, visible_stations
from bot.staff.visitors import NAME_FIELD
from storage.errors import StateChangeRefused
from storage.repositories.bookings import Bookings, Visit
from storage.repositories.requests import Filed, Requests, Veteran
from storage.repositories.staff import StaffAccount

OPEN = ("submitted", "accepted", "in_progress")
CLOSED = ("done", "rejected")
ENDINGS = ("attended", "no_show")  # what staff record of a visit; users cancel their own
MAX_NOTE = 1000


def stations_of(desk: Desk, staff: StaffAccount) -> list[str]:
    visible = visible_stations(desk.kb, staff)
    return sorted(visible if visible is not None else {s.id for s in desk.kb.stations})


async def requests(
    session: AsyncSession, desk: Desk, staff: StaffAccount, states: tuple[str, ...]
) -> list[Filed]:
    return await Requests(session).queue(stations_of(desk, staff), states, limit=200)


async def request(session: AsyncSession, desk: Desk, staff: StaffAccount, number: str) -> Filed:
    found = await Requests(session).get(number)
    return seen_by(desk.kb, staff, found, lambda f: f.station_id, f"request {number}")


async def move_request(
    session: AsyncSession,
    desk: Desk,
    staff: StaffAccount,
    number: str,
    state: str,
    note: str,
    now: datetime,
) -> Filed:
    """Accept, set in progress, complete or reject (a rejection needs its reason)."""
    note = note.strip()
    filed = await request(session, desk, staff, number)
    if state not in TRANSITIONS or state == "submitted":
        raise ActionRefused("staff.error.state")
    if (state == "rejected" and not note) or len(note) > MAX_NOTE:
        raise ActionRefused("staff.error.reason")
    try:
        moved = await change_request_state(
            session, desk.kb, desk.messages, number, state, staff.username, note
        )
    except StateChangeRefused as exc:
        raise ActionRefused("staff.error.state") from exc
    subject = f"request:{filed.id}"
    await audit(
        session,
        staff,
        "request_state",
        now,
        station_id=filed.station_id,
        subject=subject,
        number=number,
        state=state,
    )
    return moved


def answers(desk: Desk, filed: Filed, lang: str, revealed: bool) -> list[dict[str, str]]:
    """The form's answers, labelled; ID numbers and phones masked unless `revealed`."""
    shown = Shown(lang, desk.kb, desk.settings, desk.messages, mask_phones=not revealed)
    request_type = desk.kb.request_type(filed.type_id)
    if request_type is None:  # a type removed since: its answers still say something
        return [{"label": name, "value": "…"} for name in filed.answers]
    lines = []
    for form_field in request_type.fields:
        if form_field.name not in filed.answers:
            continue
        value: Any = filed.answers[form_field.name]
        if revealed and form_field.type == "id_number" and value:
            text = _opened(desk, lang, str(value))
        else:
            text = shown.value(form_field, value)
        lines.append({"label": shown.label(form_field), "value": text})
    return lines


def filer(desk: Desk, filed: Filed, lang: str, revealed: bool) -> dict[str, str]:
    """Who filed the request, as their form gave it (name, phone masked unless `revealed`) and
    where they filed it: the one progress notices go to."""
    request_type = desk.kb.request_type(filed.type_id)
    fields = request_type.fields if request_type else []
    name = next((str(filed.answers.get(f.name) or "") for f in fields if f.name == NAME_FIELD), "")
    phones = [str(filed.answers.get(f.name) or "") for f in fields if f.type == "phone"]
    phone = next((p for p in phones if p), "")
    shown = Shown(lang, desk.kb, desk.settings, desk.messages, mask_phones=not revealed)
    if phone:
        phone = shown.value(question_field(desk.messages, "phone"), phone)
    return {"name": name, "phone": phone, "channel": filed.channel}


def filed_for(
    desk: Desk, veteran: Veteran | None, lang: str, revealed: bool
) -> dict[str, str] | None:
    """Whom a filing is for, when the filer filed it for someone else: the ID number and the
    phone masked unless `revealed` (staff phone the veteran to check they agreed)."""
    if veteran is None:
        return None
    relationship = veteran.relationship if veteran.relationship in RELATIONSHIPS else "relative"
    if revealed:
        id_number, phone = _opened(desk, lang, veteran.id_number), veteran.phone
    else:  # masked as the form's own ID number and phone are
        shown = Shown(lang, desk.kb, desk.settings, desk.messages, mask_phones=True)
        id_number = shown.value(question_field(desk.messages, "id_number"), veteran.id_number)
        phone = shown.value(question_field(desk.messages, "phone"), veteran.phone)
    return {
        "relationship": desk.text(lang, f"family.relationships.{relationship}"),
        "kin": desk.text(lang, f"family.kin.{veteran.kin}"),
        "on_behalf": on_behalf(desk.messages, lang, veteran.kin, veteran.name),
        "name": veteran.name,
        "id_number": id_number,
        "phone": phone,
        "consented_at": veteran.consented_at.isoformat(timespec="seconds"),
    }


async def reveal_request(
    session: AsyncSession, desk: Desk, staff: StaffAccount, number: str, now: datetime
) -> Filed:
    """The answers unmasked, and those of the veteran it was filed for: one audited reveal."""
    filed = await request(session, desk, staff, number)
    await _revealed(session, staff, filed.station_id, f"request:{filed.id}", number, now, filed)
    return filed


async def bookings(
    session: AsyncSession, desk: Desk, staff: StaffAccount, today: date
) -> list[Visit]:
    """Visits at the member's stations from a week ago to a month ahead, by day and slot."""
    found: list[Visit] = []
    first, last = today - timedelta(days=7), today + timedelta(days=31)
    for station_id in stations_of(desk, staff):
        found += await Bookings(session).at_station(station_id, first, last)
    return sorted(found, key=lambda v: (v.place.day, v.place.slot, v.id))


async def booking(session: AsyncSession, desk: Desk, staff: StaffAccount, number: str) -> Visit:
    found = await Bookings(session).get(number)
    return seen_by(desk.kb, staff, found, lambda v: v.place.station_id, f"booking {number}")


async def reveal_visitor(
    session: AsyncSession, desk: Desk, staff: StaffAccount, number: str, now: datetime
) -> Visit:
    """Who is coming, phone unmasked: audited like a request's reveal."""
    visit = await booking(session, desk, staff, number)
    station_id = visit.place.station_id
    await _revealed(session, staff, station_id, f"booking:{visit.id}", number, now, visit)
    return visit


async def end_visit(
    session: AsyncSession,
    desk: Desk,
    staff: StaffAccount,
    number: str,
    state: str,
    now: datetime,
) -> Visit:
    """Mark a booked visit attended or no-show."""
    visit = await booking(session, desk, staff, number)
    if state not in ENDINGS:
        raise ActionRefused("staff.error.state")
    ended = await end_booking(session, desk.kb, desk.messages, number, state)
    if ended is None:
        raise ActionRefused("staff.error.state")  # it no longer holds a place
    subject = f"booking:{visit.id}"
    await audit(
        session,
        staff,
        "booking_state",
        now,
        station_id=visit.place.station_id,
        subject=subject,
        number=number,
        state=state,
    )
    return ended


def _opened(desk: Desk, lang: str, value: str) -> str:
    if not is_sealed(value):
        return value
    try:
        return data_key(desk.settings).open(value)
    except PersonalDataUnreadable:
        return desk.text(lang, "form.unreadable")


async def _revealed(
    session: AsyncSession,
    staff: StaffAccount,
    station_id: str,
    subject: str,
    number: str,
    now: datetime,
    case: Filed | Visit,
) -> None:
    """The audit entry of one reveal, saying whether it opened a veteran's filed-for data too."""
    filed_for = {"filed_for": True} if case.filed_for else {}
    await audit(
        session,
        staff,
        "reveal",
        now,
        station_id=station_id,
        subject=subject,
        number=number,
        **filed_for,
    )
