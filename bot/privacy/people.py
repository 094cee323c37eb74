"""Finding the person a privacy request is about, and every row that is theirs.

A person is a `users` row: every channel identity linked to it, and all it reaches; and the
filings others made for them (`filed_for`: a family member filed with their name, ID number and
phone), found by the phone number. They are named by a tracking number they filed, a phone
number they gave in a form (or a family member gave for them), or the user id.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from sqlalchemy import String, and_, cast, false, or_, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement

from bot.errors import VetbotError
from bot.privacy.holdings import Holding
from bot.privacy.masking import mask_phone
from storage.models import Booking, Conversation, FiledFor, ServiceRequest, Ticket, User

By = Literal["request", "phone", "user"]
BY: tuple[By, ...] = ("request", "phone", "user")
_PHONE = re.compile(r"^1[3-9][0-9]{9}$")


class NoSuchPerson(VetbotError):
    """Nobody matches what the privacy request names."""


class ManyPeople(VetbotError):
    """A phone number several users gave: the caller must pick one by user id."""

    def __init__(self, user_ids: list[int]) -> None:
        super().__init__(f"users {', '.join(map(str, user_ids))} gave this phone number")
        self.user_ids = user_ids


@dataclass(frozen=True)
class Actor:
    """Who does a privacy action, for the audit log: a staff member, or `cli` and the login."""

    username: str
    staff_id: int | None = None


@dataclass(frozen=True)
class Named:
    """What a privacy request names the person by."""

    by: By
    value: str

    def shown(self) -> str:
        """For the audit log and the screen: a phone masked, a number or id as it is."""
        return f"{self.by}:{mask_phone(self.value) if self.by == 'phone' else self.value}"


@dataclass(frozen=True)
class Person:
    """Whom a privacy request is about: a user, filings made for them by others, or both."""

    user_id: int | None
    filed_for: tuple[int, ...] = ()

    @property
    def subject(self) -> str:
        """For the audit log."""
        if self.user_id is not None:
            return f"user:{self.user_id}"
        return f"filed_for:{','.join(map(str, self.filed_for))}"[:64]


@dataclass(frozen=True)
class Scope:
    """Every id that links a row to one person."""

    user_id: int | None
    conversations: tuple[int, ...]
    keys: tuple[tuple[str, str, str], ...]  # conversation keys (channel, chat, external user)
    requests: tuple[int, ...]
    tickets: tuple[int, ...]
    bookings: tuple[int, ...]
    filed_for: tuple[int, ...] = ()  # filings others made for them

    def where(self, holding: Holding) -> ColumnElement[bool]:
        """The condition that picks this person's rows of `holding`."""
        columns = holding.table.columns
        ids = {
            "user_id": () if self.user_id is None else (self.user_id,),
            "conversation_id": self.conversations,
            "request_id": self.requests,
            "ticket_id": self.tickets,
            "booking_id": self.bookings,
        }
        if holding.name == "users":
            return columns["id"].in_(ids["user_id"]) if self.user_id is not None else false()
        terms = [columns[link].in_(ids[link]) for link in holding.links if ids[link]]
        if holding.name == FiledFor.__tablename__ and self.filed_for:
            terms.append(columns["id"].in_(self.filed_for))
        if holding.keyed and self.keys:
            key = tuple_(*(columns[name] for name in ("channel", "chat_id", "external_user_id")))
            terms.append(key.in_(self.keys))
        return or_(*terms) if terms else and_(false())


def named(by: str, value: str) -> Named:
    """A checked `Named`; ValueError says what is wrong."""
    value = value.strip()
    if by not in BY:
        raise ValueError(f"name the person by one of {', '.join(BY)}")
    if by == "phone":
        value = re.sub(r"[\s\-+]", "", value).removeprefix("86")
        if not _PHONE.match(value):
            raise ValueError("a phone number is 11 digits starting with 1 (13912345678)")
    if by == "user" and not value.isdigit():
        raise ValueError("a user id is a number (vetbot privacy export --user 12)")
    if by == "request" and not value:
        raise ValueError("give the tracking number (PJ-2026-000123)")
    return Named(by, value)


async def find(session: AsyncSession, who: Named) -> Person:
    """The person `who` names. NoSuchPerson, or ManyPeople for a phone several users gave."""
    filed_for: tuple[int, ...] = ()
    if who.by == "user":
        found = await session.scalar(select(User.id).where(User.id == int(who.value)))
    elif who.by == "request":
        number = who.value.upper()
        found = await session.scalar(
            select(ServiceRequest.user_id).where(ServiceRequest.number == number)
        )
        if found is None:
            found = await session.scalar(select(Booking.user_id).where(Booking.number == number))
    else:
        users = await _by_phone(session, who.value)
        if len(users) > 1:
            raise ManyPeople(users)
        found = users[0] if users else None
        filed_for = tuple(
            await session.scalars(
                select(FiledFor.id).where(FiledFor.phone == who.value).order_by(FiledFor.id)
            )
        )
    if found is None and not filed_for:
        raise NoSuchPerson(f"nobody is on record as {who.shown()}")
    return Person(found, filed_for)


async def _by_phone(session: AsyncSession, phone: str) -> list[int]:
    """Users whose forms (filed, or in progress) hold `phone`."""
    pattern = f"%{phone}%"
    filed = select(ServiceRequest.user_id).where(cast(ServiceRequest.answers, String).like(pattern))
    typing = select(Conversation.user_id).where(cast(Conversation.values, String).like(pattern))
    rows = await session.scalars(filed.union(typing))
    return sorted(set(rows))


async def scope(session: AsyncSession, person: Person) -> Scope:
    user_id = person.user_id
    if user_id is None:
        return Scope(None, (), (), (), (), (), person.filed_for)
    conversations = list(
        await session.execute(
            select(
                Conversation.id,
                Conversation.channel,
                Conversation.chat_id,
                Conversation.external_user_id,
            ).where(Conversation.user_id == user_id)
        )
    )
    requests = await session.scalars(
        select(ServiceRequest.id).where(ServiceRequest.user_id == user_id)
    )
    tickets = await session.scalars(select(Ticket.id).where(Ticket.user_id == user_id))
    bookings = await session.scalars(select(Booking.id).where(Booking.user_id == user_id))
    return Scope(
        user_id,
        tuple(row[0] for row in conversations),
        tuple((row[1], row[2], row[3]) for row in conversations),
        tuple(requests),
        tuple(tickets),
        tuple(bookings),
        person.filed_for,
    )
