"""Conversation state and users: created on first contact, saved whole, one lock per key."""

from __future__ import annotations

import asyncio

from storage.database import Database
from storage.repositories.conversations import Conversations
from storage.repositories.users import Users


async def test_first_contact_creates_state_with_defaults(database: Database) -> None:
    async with database.transaction() as session:
        state = await Conversations(session).open("web", "c1", "u1")
    assert (state.flow, state.step, state.values, state.options) == (None, None, {}, [])
    assert (state.language, state.station_id, state.fallbacks) == ("zh", None, 0)


async def test_saved_state_reads_back_whole(database: Database) -> None:
    async with database.transaction() as session:
        conversations = Conversations(session)
        state = await conversations.open("telegram", "42", "42")
        state.flow, state.step = "request", "phone"
        state.values = {"name": "张三", "nested": {"n": 1}}
        state.options = [("优待证", "entry:preferential.card"), ("菜单", "menu")]
        state.language, state.station_id, state.fallbacks = "en", "tongshi", 1
        await conversations.save(state)
    async with database.transaction() as session:
        again = await Conversations(session).open("telegram", "42", "42")
    assert again == state


async def test_keys_do_not_share_state(database: Database) -> None:
    async with database.transaction() as session:
        conversations = Conversations(session)
        first = await conversations.open("web", "a", "a")
        first.flow = "town"
        await conversations.save(first)
        other_chat = await conversations.open("web", "b", "a")
        other_channel = await conversations.open("telegram", "a", "a")
    assert other_chat.flow is None and other_channel.flow is None
    assert first.id not in (other_chat.id, other_channel.id)
    # The same person in two chats of one channel is one user; another channel is another
    # identity (and another user) until something links them.
    assert other_chat.user_id == first.user_id
    assert other_channel.user_id != first.user_id


async def test_one_user_reached_on_several_channels(database: Database) -> None:
    async with database.transaction() as session:
        users = Users(session)
        veteran = await users.identify("telegram", "1001")
        assert await users.identify("telegram", "1001") == veteran
        await users.link(veteran, "wechat", "openid-x")
        assert await users.find("wechat", "openid-x") == veteran
        assert await users.identities(veteran) == [("telegram", "1001"), ("wechat", "openid-x")]
        state = await Conversations(session).open("wechat", "openid-x", "openid-x")
    assert state.user_id == veteran


async def test_a_second_transaction_waits_for_the_conversation_lock(database: Database) -> None:
    """The cross-process guard: whoever opens a conversation second sees the first one's writes."""
    first_opened = asyncio.Event()
    release = asyncio.Event()

    async def first() -> None:
        async with database.transaction() as session:
            conversations = Conversations(session)
            state = await conversations.open("web", "race", "race")
            first_opened.set()
            await release.wait()
            state.values = {"written_by": "first"}
            await conversations.save(state)

    async def second() -> dict[str, object]:
        await first_opened.wait()
        async with database.transaction() as session:
            state = await Conversations(session).open("web", "race", "race")
            return state.values

    async with database.transaction() as session:  # the row exists before the race starts
        await Conversations(session).open("web", "race", "race")
    first_task = asyncio.create_task(first())
    second_task = asyncio.create_task(second())
    await first_opened.wait()
    await asyncio.sleep(0.3)
    assert not second_task.done(), "the second transaction read state while the first held it"
    release.set()
    await first_task
    assert await asyncio.wait_for(second_task, 20) == {"written_by": "first"}
