"""Link codes and merging users: a code works once and only while live, waits for its issuer's
yes when typed elsewhere, dies of wrong guesses typed anywhere, wrong guesses lock a
conversation out, and a merge moves every row that names the merged user."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlalchemy import func, select

from storage.database import Database
from storage.models import (
    Base,
    Conversation,
    Identity,
    LinkAttempts,
    LinkCode,
    LoggedMessage,
    Ticket,
    User,
)
from storage.models.base import utcnow
from storage.repositories.bookings import Bookings, Contact, Place
from storage.repositories.conversations import Conversations, ConversationState
from storage.repositories.links import Claim, IssuedCode, LinkCodes
from storage.repositories.messages import MessageLog
from storage.repositories.requests import Requests
from storage.repositories.users import Users, user_references
from tests.twins import twin

VALID = timedelta(minutes=10)


async def _open(database: Database, channel: str, who: str) -> ConversationState:
    async with database.transaction() as session:
        return await Conversations(session).open(channel, who, who)


async def _issue(database: Database, state: ConversationState, code_hash: str) -> bool:
    now = utcnow()
    async with database.transaction() as session:
        return await LinkCodes(session).issue(code_hash, state.user_id, state.id, now + VALID, now)


async def _find(database: Database, code_hash: str) -> IssuedCode | None:
    async with database.transaction() as session:
        return await LinkCodes(session).find(code_hash, utcnow())


async def _live_codes(database: Database) -> list[str]:
    async with database.transaction() as session:
        return sorted(await session.scalars(select(LinkCode.code_hash)))


async def test_a_live_code_is_found_and_used_only_once(database: Database) -> None:
    web = await _open(database, "web", "cookie-1")
    assert await _issue(database, web, "h1")
    assert await _find(database, "h1") == IssuedCode(web.user_id, web.id)
    async with database.transaction() as session:
        codes = LinkCodes(session)
        assert await codes.use("h1", web.user_id, utcnow())
        assert not await codes.use("h1", web.user_id, utcnow())
    assert await _find(database, "h1") is None


async def test_an_expired_code_is_not_found_nor_usable_and_is_pruned(database: Database) -> None:
    web, other = await _open(database, "web", "cookie-1"), await _open(database, "web", "c-2")
    assert await _issue(database, web, "old")
    later = utcnow() + VALID + timedelta(seconds=1)
    async with database.transaction() as session:
        codes = LinkCodes(session)
        assert await codes.find("old", later) is None
        assert not await codes.use("old", web.user_id, later)
        # Anyone's next code sweeps expired ones away.
        assert await codes.issue("new", other.user_id, other.id, later + VALID, later)
        hashes = await session.scalars(select(LinkCode.code_hash))
        assert list(hashes) == ["new"]


async def test_a_new_code_replaces_the_users_earlier_one(database: Database) -> None:
    web = await _open(database, "web", "cookie-1")
    assert await _issue(database, web, "first")
    assert await _issue(database, web, "second")
    assert await _find(database, "first") is None
    assert await _find(database, "second") is not None


async def test_a_code_equal_to_anothers_live_code_is_refused(database: Database) -> None:
    alice, bob = await _open(database, "web", "alice"), await _open(database, "web", "bob")
    assert await _issue(database, alice, "same")
    assert not await _issue(database, bob, "same")
    assert await _find(database, "same") == IssuedCode(alice.user_id, alice.id)


async def test_five_wrong_codes_lock_out_and_the_count_starts_again(database: Database) -> None:
    wechat = await _open(database, "wechat", "openid-1")
    now = utcnow()
    until = now + timedelta(minutes=30)
    async with database.transaction() as session:
        codes = LinkCodes(session)
        results = [
            await codes.failed(wechat.id, limit=5, lock_until=until, now=now) for _ in range(5)
        ]
        assert results == [False, False, False, False, True]
        assert await codes.locked_until(wechat.id, now) == until
        assert await codes.locked_until(wechat.id, until) is None  # served
        assert not await codes.failed(wechat.id, limit=5, lock_until=until, now=until)
        await codes.succeeded(wechat.id)
        assert await session.scalar(select(func.count()).select_from(LinkAttempts)) == 0


async def test_merge_moves_every_row_that_names_the_user(database: Database) -> None:
    web = await _open(database, "web", "cookie-1")
    wechat = await _open(database, "wechat", "openid-1")
    async with database.transaction() as session:
        await MessageLog(session).add(wechat.id, "in", "我的申请")
        await Requests(session).file(
            prefix="PJ",
            year=2026,
            user_id=wechat.user_id,
            type_id="preferential_card",
            station_id="tongshi",
            answers={},
            language="zh",
            channel="wechat",
            chat_id="openid-1",
            external_user_id="openid-1",
        )
        contact = Contact(wechat.user_id, "zh", "wechat", "openid-1", "openid-1")
        place = Place("tongshi", utcnow().date() + timedelta(days=3), "上午")
        await Bookings(session).book(
            place, 2, number_prefix="PJY", service="优待证", contact=contact, remind_at=None
        )
        session.add(
            Ticket(
                user_id=wechat.user_id,
                conversation_id=wechat.id,
                station_id="tongshi",
                category="preferential",
                reason="asked",
            )
        )
        await session.flush()
        users = Users(session)
        assert await users.lock_for_merge(wechat.user_id, into=web.user_id)
        await users.merge(wechat.user_id, into=web.user_id)

    async with database.transaction() as session:
        for model, column in user_references():
            owners = set(await session.scalars(select(column)))
            assert owners <= {web.user_id}, model.__name__
        assert await session.get(User, wechat.user_id) is None
        assert await Users(session).identities(web.user_id) == [
            ("web", "cookie-1"),
            ("wechat", "openid-1"),
        ]
        assert len(await Requests(session).of_user(web.user_id)) == 1
        assert len(await Bookings(session).of_user(web.user_id)) == 1
        tickets = await session.scalars(select(Ticket.user_id))
        assert list(tickets) == [web.user_id]
        # The conversation moved with its history: nothing was deleted with the old user.
        assert await session.scalar(select(func.count()).select_from(LoggedMessage)) == 1
        assert await session.scalar(select(func.count()).select_from(Conversation)) == 2


def test_every_user_id_column_references_users() -> None:
    """`Users.merge` finds what to move by its foreign key to users.id; a user id kept without
    one would stay with the deleted user, so every table must declare it."""
    referenced = {(model.__tablename__, column.key) for model, column in user_references()}
    named = {
        (table.name, column.name)
        for table in Base.metadata.tables.values()
        for column in table.columns
        if column.name == "user_id"
    }
    assert named <= referenced
    assert {("identities", "user_id"), ("conversations", "user_id")} <= referenced
    assert ("requests", "user_id") in referenced and ("tickets", "user_id") in referenced


async def test_crossing_merges_leave_one_user_with_everything(database: Database) -> None:
    """A types B's code while B types A's: one merge wins, the other finds its partner gone."""
    alice = await _open(database, "web", "alice")
    bob = await _open(database, "wechat", "bob")
    other = twin(database)

    async def merge(db: Database, absorbed: int, into: int) -> bool:
        async with db.transaction() as session:
            users = Users(session)
            if not await users.lock_for_merge(absorbed, into=into):
                return False
            await asyncio.sleep(0.05)  # hold the locks while the other merge arrives
            await users.merge(absorbed, into=into)
            return True

    try:
        done = await asyncio.gather(
            merge(database, alice.user_id, bob.user_id), merge(other, bob.user_id, alice.user_id)
        )
    finally:
        await other.dispose()
    assert sorted(done) == [False, True]
    async with database.transaction() as session:
        users = list(await session.scalars(select(User.id)))
        assert len(users) == 1
        owners = set(await session.scalars(select(Identity.user_id)))
        assert owners == set(users)
        assert await session.scalar(select(func.count()).select_from(Conversation)) == 2


async def test_a_claim_is_one_conversations_and_its_issuer_finds_it(database: Database) -> None:
    web = await _open(database, "web", "w1")
    wechat = await _open(database, "wechat", "o1")
    thief = await _open(database, "telegram", "t1")
    assert await _issue(database, web, "h1")
    async with database.transaction() as session:
        codes = LinkCodes(session)
        assert await codes.claim_of(web.id, utcnow()) is None  # nobody typed it yet
        assert await codes.claim("h1", wechat.id, utcnow())
        assert await codes.claim("h1", wechat.id, utcnow())  # typing it again is harmless
        assert not await codes.claim("h1", thief.id, utcnow())
        assert await codes.claim_of(web.id, utcnow()) == Claim("h1", web.user_id, wechat.id)
        assert await codes.claim_of(wechat.id, utcnow()) is None  # only the issuer answers
        assert await codes.find("h1", utcnow()) == IssuedCode(web.user_id, web.id, wechat.id)
        await codes.drop("h1")
        assert await codes.claim_of(web.id, utcnow()) is None


async def test_an_expired_code_can_be_neither_claimed_nor_answered(database: Database) -> None:
    web = await _open(database, "web", "w1")
    wechat = await _open(database, "wechat", "o1")
    assert await _issue(database, web, "h1")
    async with database.transaction() as session:
        codes = LinkCodes(session)
        assert await codes.claim("h1", wechat.id, utcnow())
        later = utcnow() + VALID
        assert await codes.claim_of(web.id, later) is None
        assert not await codes.claim("h1", wechat.id, later)


async def test_wrong_guesses_anywhere_kill_every_live_code_after_the_limit(
    database: Database,
) -> None:
    alice = await _open(database, "web", "alice")
    bob = await _open(database, "wechat", "bob")
    assert await _issue(database, alice, "a")
    for _ in range(4):
        async with database.transaction() as session:
            await LinkCodes(session).wrong_guess(utcnow(), limit=5)
    assert await _issue(database, bob, "b")  # new: no guesses against it yet
    async with database.transaction() as session:
        await LinkCodes(session).wrong_guess(utcnow(), limit=5)
    assert await _live_codes(database) == ["b"]
    for _ in range(4):
        async with database.transaction() as session:
            await LinkCodes(session).wrong_guess(utcnow(), limit=5)
    assert await _live_codes(database) == []
