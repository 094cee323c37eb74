"""Bookings and the places in each slot: book, cancel, move, list, and claim due reminders.

A place is taken by one conditional UPDATE (`booked < capacity`) in the transaction that
inserts the booking, and given back by another (`booked > 0`) in the one that cancels it: no
read-then-write race, whatever number of server processes run. Rows are locked in one order
(the booking, then its slots by id) so two changes to the same places never deadlock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Final, Literal, TypeGuard

from sqlalchemy import Row, Select, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Booking, BookingSlot, User
from storage.models.base import utcnow
from storage.models.bookings import BookingState
from storage.repositories.counters import next_value
from storage.repositories.filed_for import Veteran, Veterans
from storage.repositories.upsert import insert_ignoring_conflict

Ending = Literal["cancelled", "no_show", "attended"]  # the states a booking may end in
HOLDS_PLACE: Final = "booked"
FREED: Final[tuple[Ending, ...]] = ("cancelled", "no_show")  # states that gave the place back
ENDINGS: Final[tuple[Ending, ...]] = (*FREED, "attended")
STATES: Final[tuple[BookingState, ...]] = (HOLDS_PLACE, *ENDINGS)


@dataclass(frozen=True, slots=True)
class Place:
    """One slot of one day at one station."""

    station_id: str
    day: date
    slot: str


@dataclass(frozen=True, slots=True)
class Visit:
    """A booking as stored, with the place it is for; `filed_for` is the veteran it was booked
    for by someone else (the user), if it was."""

    id: int
    number: str
    user_id: int
    place: Place
    service: str
    state: BookingState
    language: str
    channel: str
    chat_id: str
    external_user_id: str
    remind_at: datetime | None
    created_at: datetime
    filed_for: Veteran | None = None


@dataclass(frozen=True, slots=True)
class Contact:
    """Where to reach the person who booked (the conversation they booked in)."""

    user_id: int
    language: str
    channel: str
    chat_id: str
    external_user_id: str


class Bookings:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def book(
        self,
        place: Place,
        capacity: int,
        *,
        number_prefix: str,
        service: str,
        contact: Contact,
        remind_at: datetime | None,
        filed_for: Veteran | None = None,
    ) -> Visit | None:
        """Take a place and store the booking (for the veteran `filed_for`, when the user books
        on their behalf); None when the slot is full."""
        slot_id = await self._slot(place, capacity)
        if not await self._take(slot_id, capacity):
            return None
        sequence = await next_value(self.session, f"booking:{place.day.year}")
        now = utcnow()
        row = Booking(
            number=f"{number_prefix}-{place.day.year}-{sequence:06d}",
            user_id=contact.user_id,
            slot_id=slot_id,
            service=service,
            state=HOLDS_PLACE,
            language=contact.language,
            channel=contact.channel,
            chat_id=contact.chat_id,
            external_user_id=contact.external_user_id,
            remind_at=remind_at,
            created_at=now,
            updated_at=now,
        )
        self.session.add(row)
        await self.session.flush()
        if filed_for is not None:
            await Veterans(self.session).add(filed_for, "booking", row.id)
        visit = await self.get(row.number)
        assert visit is not None
        return visit

    async def end(self, number: str, state: str) -> Visit | None:
        """Staff end a booking that holds a place: `cancelled`, `no_show` or `attended`.

        Cancelled and no-show bookings give their place back. None when no booking of that
        number holds a place (already ended).
        """
        return await self._end(await self._locked(number, None), state)

    async def cancel_own(self, number: str, user_id: int) -> Visit | None:
        """The user `user_id` cancels their own booking; None when it is not theirs or holds no
        place any more."""
        return await self._end(await self._locked(number, user_id), "cancelled")

    async def _end(self, row: Booking | None, state: str) -> Visit | None:
        if not _is_ending(state):
            raise ValueError(f"a booking can end as one of {ENDINGS}, not {state!r}")
        if row is None:
            return None
        row.state, row.updated_at = state, utcnow()
        if state in FREED:
            await self._release(row.slot_id)
        await self.session.flush()
        return await self.get(row.number)

    async def move(
        self,
        number: str,
        user_id: int,
        place: Place,
        capacity: int,
        remind_at: datetime | None,
    ) -> Visit | None:
        """Move a booking to `place`: take a place there, give the old one back.

        None when the new slot is full (the booking stays where it was). Moving to the slot it
        already holds changes nothing.
        """
        row = await self._locked(number, user_id)
        if row is None:
            raise LookupError(f"booking {number} holds no place to move")
        new_slot = await self._slot(place, capacity)
        if new_slot == row.slot_id:
            return await self.get(number)
        # Both slots locked in id order before either counter moves: no deadlock with a move
        # the other way round.
        await self.session.execute(
            select(BookingSlot.id)
            .where(BookingSlot.id.in_(sorted({row.slot_id, new_slot})))
            .order_by(BookingSlot.id)
            .with_for_update()
        )
        if not await self._take(new_slot, capacity):
            return None
        await self._release(row.slot_id)
        row.slot_id, row.remind_at, row.reminded_at = new_slot, remind_at, None
        row.updated_at = utcnow()
        await self.session.flush()
        return await self.get(number)

    async def get(self, number: str) -> Visit | None:
        found = (await self.session.execute(_visits().where(Booking.number == number))).first()
        return None if found is None else (await self._with_veterans([found]))[0]

    async def of_user(self, user_id: int, limit: int = 10) -> list[Visit]:
        """The user's bookings, newest first."""
        rows = await self.session.execute(
            _visits().where(Booking.user_id == user_id).order_by(Booking.id.desc()).limit(limit)
        )
        return await self._with_veterans(list(rows))

    async def upcoming(self, user_id: int, today: date) -> int:
        """How many visits the user has booked from `today` on and not yet made or cancelled.

        The user's row is locked first, so two of their channels booking at the same moment
        count one after the other and a cap on this number holds.
        """
        await self.session.execute(select(User.id).where(User.id == user_id).with_for_update())
        count = await self.session.scalar(
            select(func.count())
            .select_from(Booking)
            .join(BookingSlot, Booking.slot_id == BookingSlot.id)
            .where(
                Booking.user_id == user_id,
                Booking.state == HOLDS_PLACE,
                BookingSlot.day >= today,
            )
        )
        return int(count or 0)

    async def at_station(self, station_id: str, first: date, last: date) -> list[Visit]:
        """Every booking at a station from `first` to `last`, by day and slot: its day sheet."""
        rows = await self.session.execute(
            _visits()
            .where(
                BookingSlot.station_id == station_id,
                BookingSlot.day >= first,
                BookingSlot.day <= last,
            )
            .order_by(BookingSlot.day, BookingSlot.slot, Booking.id)
        )
        return await self._with_veterans(list(rows))

    async def booked(self, station_id: str, first: date, last: date) -> dict[tuple[date, str], int]:
        """Places taken at a station per (day, slot) from `first` to `last`: for suggesting
        slots. Only a suggestion: `book` decides, atomically."""
        rows = await self.session.execute(
            select(BookingSlot.day, BookingSlot.slot, BookingSlot.booked).where(
                BookingSlot.station_id == station_id,
                BookingSlot.day >= first,
                BookingSlot.day <= last,
            )
        )
        return {(day, slot): booked for day, slot, booked in rows.all()}

    async def claim_reminders(self, now: datetime, limit: int = 50) -> list[Visit]:
        """Take up to `limit` bookings whose reminder is due and mark them reminded.

        The caller queues the reminders in this same transaction: marked and queued commit
        together. SKIP LOCKED on PostgreSQL lets several processes claim side by side, each
        getting other rows; on SQLite the write lock taken at BEGIN serialises them, and the
        UPDATE's `reminded_at IS NULL` condition would refuse a second claim anyway.
        """
        due = await self.session.scalars(
            select(Booking.id)
            .where(
                Booking.state == HOLDS_PLACE,
                Booking.reminded_at.is_(None),
                Booking.remind_at.is_not(None),
                Booking.remind_at <= now,
            )
            .order_by(Booking.remind_at)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        claimed = []
        for booking_id in list(due):
            result = await self.session.execute(
                update(Booking)
                .where(Booking.id == booking_id, Booking.reminded_at.is_(None))
                .values(reminded_at=now)
            )
            if getattr(result, "rowcount", 0):
                claimed.append(booking_id)
        if not claimed:
            return []
        rows = await self.session.execute(
            _visits().where(Booking.id.in_(claimed)).order_by(Booking.id)
        )
        return await self._with_veterans(list(rows))

    async def _with_veterans(self, rows: list[Row[Booking, BookingSlot]]) -> list[Visit]:
        veterans = await Veterans(self.session).of_cases("booking", (r[0].id for r in rows))
        return [_visit(row, veterans.get(row[0].id)) for row in rows]

    async def _slot(self, place: Place, capacity: int) -> int:
        await insert_ignoring_conflict(
            self.session,
            BookingSlot,
            {
                "station_id": place.station_id,
                "day": place.day,
                "slot": place.slot,
                "capacity": capacity,
                "booked": 0,
            },
            ["station_id", "day", "slot"],
        )
        slot_id = await self.session.scalar(
            select(BookingSlot.id).where(
                BookingSlot.station_id == place.station_id,
                BookingSlot.day == place.day,
                BookingSlot.slot == place.slot,
            )
        )
        assert slot_id is not None, f"slot {place} vanished right after it was created"
        return slot_id

    async def _take(self, slot_id: int, capacity: int) -> bool:
        # The capacity is today's from stations.yaml: an admin's change applies to new bookings
        # at once, and a lowered capacity never cancels anyone already booked.
        result = await self.session.execute(
            update(BookingSlot)
            .where(BookingSlot.id == slot_id, BookingSlot.booked < capacity)
            .values(booked=BookingSlot.booked + 1, capacity=capacity)
            .execution_options(synchronize_session=False)
        )
        return bool(getattr(result, "rowcount", 0))

    async def _release(self, slot_id: int) -> None:
        await self.session.execute(
            update(BookingSlot)
            .where(BookingSlot.id == slot_id, BookingSlot.booked > 0)
            .values(booked=BookingSlot.booked - 1)
            .execution_options(synchronize_session=False)
        )

    async def _locked(self, number: str, user_id: int | None) -> Booking | None:
        statement = (
            select(Booking)
            .where(Booking.number == number, Booking.state == HOLDS_PLACE)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        if user_id is not None:
            statement = statement.where(Booking.user_id == user_id)
        return await self.session.scalar(statement)


def _is_ending(state: str) -> TypeGuard[Ending]:
    return state in ENDINGS


def _visits() -> Select[Booking, BookingSlot]:
    return select(Booking, BookingSlot).join(BookingSlot, Booking.slot_id == BookingSlot.id)


def _visit(row: Row[Booking, BookingSlot], filed_for: Veteran | None) -> Visit:
    booking, slot = row
    return Visit(
        id=booking.id,
        number=booking.number,
        user_id=booking.user_id,
        place=Place(slot.station_id, slot.day, slot.slot),
        service=booking.service,
        state=booking.state,
        language=booking.language,
        channel=booking.channel,
        chat_id=booking.chat_id,
        external_user_id=booking.external_user_id,
        remind_at=booking.remind_at,
        created_at=booking.created_at,
        filed_for=filed_for,
    )
