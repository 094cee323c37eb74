"""Bookings: the database keeps every slot within capacity, gives places back once, and hands
each due reminder to one claimer only."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from storage.database import Database
from storage.models import Booking, BookingSlot
from storage.models.base import utcnow
from storage.repositories.bookings import Bookings, Contact, Place, Visit
from storage.repositories.users import Users
from tests.twins import twin

DAY = date(2026, 12, 1)
MORNING = Place("tongshi", DAY, "上午")
AFTERNOON = Place("tongshi", DAY, "下午")


async def _contact(database: Database, name: str = "u1") -> Contact:
    async with database.transaction() as session:
        user_id = await Users(session).identify("test", name)
    return Contact(user_id, "zh", "test", name, name)


async def _book(
    database: Database, contact: Contact, place: Place = MORNING, capacity: int = 2, **kw: object
) -> Visit | None:
    async with database.transaction() as session:
        return await Bookings(session).book(
            place,
            capacity,
            number_prefix="PJY",
            service="优待证",
            contact=contact,
            remind_at=kw.get("remind_at"),  # type: ignore[arg-type]
        )


async def _booked(database: Database, place: Place) -> int:
    async with database.transaction() as session:
        taken = await Bookings(session).booked(place.station_id, place.day, place.day)
    return taken.get((place.day, place.slot), 0)


async def test_a_slot_takes_its_capacity_then_refuses(database: Database) -> None:
    contact = await _contact(database)
    first, second = await _book(database, contact), await _book(database, contact)
    assert first is not None and second is not None
    assert (first.number, second.number) == ("PJY-2026-000001", "PJY-2026-000002")
    assert first.place == MORNING and first.state == "booked"
    assert await _book(database, contact) is None
    assert await _booked(database, MORNING) == 2
    assert await _book(database, contact, AFTERNOON) is not None  # another slot, its own places


@pytest.mark.parametrize("pools", [1, 4])
async def test_200_concurrent_attempts_at_10_places(database: Database, pools: int) -> None:
    """Exactly 10 succeed, with 10 distinct numbers; the counter and the rows agree."""
    contacts = [await _contact(database, f"u{n}") for n in range(200)]
    databases = [database, *(twin(database) for _ in range(pools - 1))]
    try:
        results = await asyncio.gather(
            *(_book(databases[n % pools], c, capacity=10) for n, c in enumerate(contacts))
        )
    finally:
        for extra in databases[1:]:
            await extra.dispose()
    made = [r for r in results if r is not None]
    assert len(made) == 10 and len({v.number for v in made}) == 10
    assert results.count(None) == 190
    async with database.transaction() as session:
        rows = list(await session.scalars(select(Booking)))
        slot = await session.scalar(select(BookingSlot))
    assert len(rows) == 10 and slot is not None and slot.booked == 10


async def test_cancelling_frees_the_place_once(database: Database) -> None:
    contact = await _contact(database)
    visit = await _book(database, contact, capacity=1)
    assert visit is not None and await _book(database, contact, capacity=1) is None
    async with database.transaction() as session:
        ended = await Bookings(session).cancel_own(visit.number, contact.user_id)
        assert ended is not None and ended.state == "cancelled"
        # A second cancel (a double tap) finds nothing holding a place: no second release.
        assert await Bookings(session).end(visit.number, "cancelled") is None
    assert await _booked(database, MORNING) == 0
    assert await _book(database, contact, capacity=1) is not None


async def test_no_show_frees_the_place_and_attended_keeps_it(database: Database) -> None:
    contact = await _contact(database)
    absent, present = await _book(database, contact), await _book(database, contact)
    assert absent is not None and present is not None
    async with database.transaction() as session:
        await Bookings(session).end(absent.number, "no_show")
        await Bookings(session).end(present.number, "attended")
    assert await _booked(database, MORNING) == 1


async def test_only_the_owner_can_cancel(database: Database) -> None:
    alice, bob = await _contact(database, "alice"), await _contact(database, "bob")
    visit = await _book(database, alice)
    assert visit is not None
    async with database.transaction() as session:
        assert await Bookings(session).cancel_own(visit.number, bob.user_id) is None
    assert await _booked(database, MORNING) == 1


async def test_moving_takes_the_new_place_and_frees_the_old(database: Database) -> None:
    contact = await _contact(database)
    visit = await _book(database, contact, capacity=1)
    assert visit is not None
    later = utcnow() + timedelta(days=1)
    async with database.transaction() as session:
        moved = await Bookings(session).move(visit.number, contact.user_id, AFTERNOON, 1, later)
    assert moved is not None and moved.place == AFTERNOON and moved.number == visit.number
    assert moved.remind_at == later
    assert (await _booked(database, MORNING), await _booked(database, AFTERNOON)) == (0, 1)


async def test_moving_to_a_full_slot_keeps_the_booking_where_it_was(database: Database) -> None:
    alice, bob = await _contact(database, "alice"), await _contact(database, "bob")
    visit = await _book(database, alice, capacity=1)
    assert visit is not None and await _book(database, bob, AFTERNOON, capacity=1) is not None
    async with database.transaction() as session:
        assert await Bookings(session).move(visit.number, alice.user_id, AFTERNOON, 1, None) is None
        assert (await Bookings(session).get(visit.number)).place == MORNING  # type: ignore[union-attr]
    assert (await _booked(database, MORNING), await _booked(database, AFTERNOON)) == (1, 1)


async def test_two_opposite_moves_at_once_both_finish(database: Database) -> None:
    """Slots are locked in id order, so A→B and B→A at once cannot deadlock."""
    alice, bob = await _contact(database, "alice"), await _contact(database, "bob")
    a = await _book(database, alice, MORNING, capacity=2)
    b = await _book(database, bob, AFTERNOON, capacity=2)
    assert a is not None and b is not None
    other = twin(database)

    async def move(pool: Database, visit: Visit, who: Contact, to: Place) -> Visit | None:
        async with pool.transaction() as session:
            return await Bookings(session).move(visit.number, who.user_id, to, 2, None)

    try:
        moved = await asyncio.gather(
            move(database, a, alice, AFTERNOON), move(other, b, bob, MORNING)
        )
    finally:
        await other.dispose()
    assert all(m is not None for m in moved)
    assert (await _booked(database, MORNING), await _booked(database, AFTERNOON)) == (1, 1)


async def test_the_database_itself_refuses_overbooking(database: Database) -> None:
    """Even a write that skipped the conditional UPDATE cannot push a slot past capacity."""
    contact = await _contact(database)
    assert await _book(database, contact, capacity=1) is not None
    with pytest.raises(IntegrityError):
        async with database.transaction() as session:
            slot = await session.scalar(select(BookingSlot))
            assert slot is not None
            slot.booked += 1


async def test_a_lowered_capacity_refuses_new_bookings_and_keeps_old_ones(
    database: Database,
) -> None:
    contact = await _contact(database)
    for _ in range(3):
        assert await _book(database, contact, capacity=3) is not None
    assert await _book(database, contact, capacity=2) is None
    assert await _booked(database, MORNING) == 3


async def test_due_reminders_are_claimed_once_across_processes(database: Database) -> None:
    contact = await _contact(database)
    now = utcnow()
    for n in range(30):
        await _book(database, contact, capacity=100, remind_at=now - timedelta(minutes=n))
    await _book(database, contact, capacity=100, remind_at=now + timedelta(hours=1))  # not due
    await _book(database, contact, capacity=100)  # no reminder at all
    cancelled = await _book(database, contact, capacity=100, remind_at=now)
    assert cancelled is not None
    async with database.transaction() as session:
        await Bookings(session).end(cancelled.number, "cancelled")
    pools = [database, twin(database), twin(database)]

    async def claim(pool: Database) -> list[str]:
        claimed: list[str] = []
        while True:
            async with pool.transaction() as session:
                batch = await Bookings(session).claim_reminders(now, limit=4)
            if not batch:
                return claimed
            claimed += [visit.number for visit in batch]

    try:
        results = await asyncio.gather(*(claim(pool) for pool in pools))
    finally:
        for pool in pools[1:]:
            await pool.dispose()
    claimed = [number for result in results for number in result]
    assert len(claimed) == len(set(claimed)) == 30
