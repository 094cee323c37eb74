"""Requests and bookings filed for someone else: whom they are for is stored with them, read back
with every way of listing them, found by the ID-number fingerprint, and gone with them."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError

from storage.database import Database
from storage.models import FiledFor, ServiceRequest
from storage.repositories.bookings import Bookings, Contact, Place
from storage.repositories.filed_for import Veteran, Veterans
from storage.repositories.requests import Requests
from storage.repositories.users import Users

CONSENTED = datetime(2026, 9, 18, 2, 30, tzinfo=UTC)
FATHER = Veteran(
    relationship="child",
    kin="father",
    name="张大山",
    id_number="sealed:v1:test:AAAA",  # as the application seals it; storage never opens it
    id_fingerprint="f" * 32,
    phone="13800001111",
    consented_at=CONSENTED,
)


async def _file(database: Database, filed_for: Veteran | None) -> tuple[int, str]:
    async with database.transaction() as session:
        user = await Users(session).identify("test", "daughter")
        filed = await Requests(session).file(
            prefix="PJ",
            year=2026,
            user_id=user,
            type_id="callback",
            station_id="tongshi",
            answers={"phone": "13912345678"},
            language="zh",
            channel="test",
            chat_id="daughter",
            external_user_id="daughter",
            filed_for=filed_for,
        )
    return user, filed.number


async def test_a_request_keeps_whom_it_was_filed_for(database: Database) -> None:
    user, number = await _file(database, FATHER)
    _, own = await _file(database, None)
    async with database.transaction() as session:
        requests = Requests(session)
        found = await requests.get(number)
        assert found is not None and found.filed_for == FATHER
        assert found.answers == {"phone": "13912345678"}  # the filer's own, apart
        listed = {f.number: f.filed_for for f in await requests.of_user(user)}
        assert listed == {number: FATHER, own: None}
        queued = {f.number: f.filed_for for f in await requests.queue(["tongshi"])}
        assert queued == listed
        moved = await requests.change_state(found, "accepted", "李工")
        assert moved.filed_for == FATHER


async def test_a_booking_keeps_whom_it_was_booked_for(database: Database) -> None:
    async with database.transaction() as session:
        user = await Users(session).identify("test", "daughter")
        contact = Contact(user, "zh", "test", "daughter", "daughter")
        bookings = Bookings(session)
        place = Place("tongshi", date(2026, 9, 21), "上午")
        visit = await bookings.book(
            place,
            2,
            number_prefix="PJY",
            service="光荣牌",
            contact=contact,
            remind_at=None,
            filed_for=FATHER,
        )
        own = await bookings.book(
            place, 2, number_prefix="PJY", service="光荣牌", contact=contact, remind_at=None
        )
        assert visit is not None and own is not None
        assert visit.filed_for == FATHER and own.filed_for is None
        assert [v.filed_for for v in await bookings.of_user(user)] == [None, FATHER]
        day = await bookings.at_station("tongshi", place.day, place.day)
        assert [v.filed_for for v in day] == [FATHER, None]
        ended = await bookings.end(visit.number, "no_show")
        assert ended is not None and ended.filed_for == FATHER


async def test_every_filing_for_one_veteran_is_found_by_the_fingerprint(database: Database) -> None:
    await _file(database, FATHER)
    await _file(database, None)
    async with database.transaction() as session:
        user = await Users(session).identify("test", "son")
        visit = await Bookings(session).book(
            Place("county", date(2026, 9, 21), "下午"),
            2,
            number_prefix="PJY",
            service="优待证",
            contact=Contact(user, "zh", "test", "son", "son"),
            remind_at=None,
            filed_for=FATHER,
        )
        assert visit is not None
        found = await Veterans(session).filed_for(FATHER.id_fingerprint)
        assert [kind for kind, _ in found] == ["request", "booking"]
        assert found[1] == ("booking", visit.id)
        assert await Veterans(session).filed_for("0" * 32) == []


async def test_the_veterans_data_goes_with_the_request(database: Database) -> None:
    """Erasing a request (or its filer, whose requests cascade) leaves nothing of the veteran."""
    _, number = await _file(database, FATHER)
    async with database.transaction() as session:
        await session.execute(delete(ServiceRequest).where(ServiceRequest.number == number))
    async with database.transaction() as session:
        assert await session.scalar(select(func.count()).select_from(FiledFor)) == 0


async def test_a_row_is_for_exactly_one_request_or_booking(database: Database) -> None:
    with pytest.raises(IntegrityError):
        async with database.transaction() as session:
            session.add(
                FiledFor(
                    relationship="child",
                    kin="father",
                    name="张大山",
                    id_number=FATHER.id_number,
                    id_fingerprint=FATHER.id_fingerprint,
                    phone=FATHER.phone,
                    consented_at=CONSENTED,
                )
            )
            await session.flush()
